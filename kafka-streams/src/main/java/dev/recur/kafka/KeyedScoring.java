package dev.recur.kafka;

import dev.recur.inference.InferenceModel;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * Scores a keyed stream of events with a recur model in Kafka Streams, one hidden state per key:
 *
 * <pre>{@code
 * Topology topology = KeyedScoring.of(model, Serdes.String())
 *     .events("events").scores("scores").deadLetters("scores-dead-letter")
 *     .topology();
 * }</pre>
 *
 * <p>Each event (a record of the events topic; value: the model's I inputs as {@link
 * FloatEvents}) is one step of its key's stream. Its key's state, a recur {@code StreamSnapshot}
 * (every layer's h), lives in a key-value store (persistent, {@value #DEFAULT_STORE}, by default;
 * logged to its changelog topic and cached, as Kafka Streams does by default), so it survives the
 * loss of an instance and moves with its partition. Per event the processor restores the key's
 * state, steps the model, writes the new state back and sends the model's O outputs ŷ_t (as
 * {@link FloatEvents}, same key, same timestamp and headers) to the scores topic.
 *
 * <p>An event without a key, without a value, of the wrong length or holding NaN or an infinity
 * goes to the dead-letter topic as it came (key, value, timestamp, headers), with a {@value
 * #REJECTION_HEADER} header saying what was expected and what came; its key's state does not
 * change. A stored state that this model cannot read (another model's, after a model change
 * under the same store) stops the task with a {@link org.apache.kafka.streams.errors.StreamsException}
 * saying so: a new model needs a new store name or application.id.
 *
 * <p>The model is shared by every task of the instance (it is immutable); each task has its own
 * processor and buffers.
 */
public final class KeyedScoring<K> {

  /** The default name of the state store (its changelog is {@code <application.id>-recur-states-changelog}). */
  public static final String DEFAULT_STORE = "recur-states";
  /** The header of a dead-letter record that says why it was refused (UTF-8 text). */
  public static final String REJECTION_HEADER = ScoringProcessor.REJECTION_HEADER;
  /** The topology's node names: the events source, the processor and the two sinks. */
  public static final String SOURCE = "recur-events";
  public static final String PROCESSOR = "recur-scoring";
  public static final String SCORES_SINK = "recur-scores";
  public static final String DEAD_LETTER_SINK = "recur-dead-letters";

  private final InferenceModel model;
  private final Serde<K> keys;
  private KeyValueBytesStoreSupplier store = Stores.persistentKeyValueStore(DEFAULT_STORE);
  private String eventsTopic;
  private String scoresTopic;
  private String deadLetterTopic;

  private KeyedScoring(InferenceModel model, Serde<K> keys) {
    this.model = Objects.requireNonNull(model, "model");
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /**
   * Scoring with {@code model} (shared by every task) for events whose keys {@code keys} reads
   * and writes.
   */
  public static <K> KeyedScoring<K> of(InferenceModel model, Serde<K> keys) {
    return new KeyedScoring<>(model, keys);
  }

  /** The topic the events come from. */
  public KeyedScoring<K> events(String topic) {
    eventsTopic = Objects.requireNonNull(topic, "topic");
    return this;
  }

  /** The topic each event's outputs go to. */
  public KeyedScoring<K> scores(String topic) {
    scoresTopic = Objects.requireNonNull(topic, "topic");
    return this;
  }

  /** The topic refused events go to. */
  public KeyedScoring<K> deadLetters(String topic) {
    deadLetterTopic = Objects.requireNonNull(topic, "topic");
    return this;
  }

  /**
   * Where the states live, instead of the persistent store {@value #DEFAULT_STORE}: e.g.
   * {@code Stores.inMemoryKeyValueStore(name)}. Logging and caching stay on.
   */
  public KeyedScoring<K> stateStore(KeyValueBytesStoreSupplier supplier) {
    store = Objects.requireNonNull(supplier, "supplier");
    return this;
  }

  /** A new topology of the source, the processor with its store, and the two sinks. */
  public Topology topology() {
    return addTo(new Topology());
  }

  /** Adds the source, the processor with its store and the two sinks to {@code topology}. */
  public Topology addTo(Topology topology) {
    requireSet(eventsTopic, "events");
    requireSet(scoresTopic, "scores");
    requireSet(deadLetterTopic, "deadLetters");
    return topology
        .addSource(SOURCE, keys.deserializer(), new ByteArrayDeserializer(), eventsTopic)
        .addProcessor(PROCESSOR, processor(), SOURCE)
        .addSink(SCORES_SINK, scoresTopic, keys.serializer(), new ByteArraySerializer(), PROCESSOR)
        .addSink(DEAD_LETTER_SINK, deadLetterTopic, keys.serializer(), new ByteArraySerializer(),
            PROCESSOR);
  }

  /**
   * The processor alone, for a topology wired by hand: its children must be named {@value
   * #SCORES_SINK} and {@value #DEAD_LETTER_SINK}; adding it adds and connects its store.
   */
  public ProcessorSupplier<K, byte[], K, byte[]> processor() {
    return new ScoringProcessorSupplier<>(model,
        Stores.keyValueStoreBuilder(store, keys, Serdes.ByteArray())
            .withLoggingEnabled(Map.of())
            .withCachingEnabled(),
        SCORES_SINK, DEAD_LETTER_SINK);
  }

  private static void requireSet(String topic, String method) {
    if (topic == null) {
      throw new IllegalStateException("no " + method + " topic: call " + method + "(topic) first");
    }
  }
}
