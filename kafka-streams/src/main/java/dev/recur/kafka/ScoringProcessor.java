package dev.recur.kafka;

import dev.recur.inference.InferenceModel;
import dev.recur.inference.InvalidSnapshotException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Scores each event with its key's hidden state: reads the state from the store, steps the model
 * ({@link KeyedScorer}), writes the new state back and forwards the outputs to the scores child;
 * a bad event goes to the dead-letter child unchanged, with the reason in the {@value
 * #REJECTION_HEADER} header, and its key's state is not touched.
 *
 * <p>The two arrays handed to Kafka per event, the new state and the scores, are new each time:
 * Kafka keeps references to them after the call (the store's record cache until it flushes, an
 * in-memory store for good, the producer's callback until the send completes), so an array
 * reused for the next event would change records Kafka still holds. Everything else (decoding,
 * restoring, stepping, encoding) reuses the scorer's buffers and allocates nothing.
 */
final class ScoringProcessor<K> implements Processor<K, byte[], K, byte[]> {

  /** The header of a dead-letter record that says why the event was refused (UTF-8 text). */
  static final String REJECTION_HEADER = "recur.rejected";

  private final KeyedScorer scorer;
  private final String storeName;
  private final String scoresChild;
  private final String deadLetterChild;
  private ProcessorContext<K, byte[]> context;
  private KeyValueStore<K, byte[]> states;

  ScoringProcessor(
      InferenceModel model, String storeName, String scoresChild, String deadLetterChild) {
    scorer = new KeyedScorer(model);
    this.storeName = storeName;
    this.scoresChild = scoresChild;
    this.deadLetterChild = deadLetterChild;
  }

  @Override
  public void init(ProcessorContext<K, byte[]> context) {
    this.context = context;
    states = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<K, byte[]> event) {
    K key = event.key();
    if (key == null) {
      deadLetter(event, "no key; every event needs the key of the stream it belongs to");
      return;
    }
    byte[] state = states.get(key);
    byte[] nextState = new byte[scorer.stateBytes()];
    byte[] scores = new byte[scorer.scoreBytes()];
    try {
      scorer.score(event.value(), state, nextState, scores);
    } catch (InvalidEventException refused) {
      deadLetter(event, refused.getMessage());
      return;
    } catch (InvalidSnapshotException unusable) {
      throw new StreamsException("the state stored in " + storeName + " for the key of the event"
          + " at " + position() + " is not a state of this model (" + unusable.getMessage()
          + "); a new model needs its own store or application.id", unusable);
    }
    states.put(key, nextState);
    context.forward(event.withValue(scores), scoresChild);
  }

  private void deadLetter(Record<K, byte[]> event, String reason) {
    Record<K, byte[]> refused = event.withHeaders(event.headers()); // a copy: headers are shared
    refused.headers().add(REJECTION_HEADER, reason.getBytes(StandardCharsets.UTF_8));
    context.forward(refused, deadLetterChild);
  }

  /** "topic-partition@offset" of the event being processed, when Kafka knows it. */
  private String position() {
    return context.recordMetadata()
        .map(at -> at.topic() + "-" + at.partition() + "@" + at.offset())
        .orElse("(no source position)");
  }
}
