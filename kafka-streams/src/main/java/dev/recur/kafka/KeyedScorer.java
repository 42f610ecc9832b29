package dev.recur.kafka;

import dev.recur.inference.InferenceModel;
import dev.recur.inference.InvalidSnapshotException;
import dev.recur.inference.RnnStream;
import java.util.Objects;

/**
 * One step of one key's stream, with the state kept outside as bytes: decode the event, restore
 * the key's state (or start from zero), step, and write the new state (a recur {@code
 * StreamSnapshot}) and the outputs ({@link FloatEvents}) into arrays the caller provides. One
 * {@link RnnStream} serves every key, since each step begins by restoring the key's state. After
 * construction {@link #score} allocates nothing.
 *
 * <p>Not thread-safe: one scorer per processor, and Kafka Streams runs a processor on one thread.
 */
public final class KeyedScorer {

  private final RnnStream stream;
  private final float[] input;
  private final int stateBytes;
  private final int scoreBytes;

  /**
   * A scorer over {@code model}, which it shares (an {@link InferenceModel} is immutable).
   *
   * @throws IllegalArgumentException when the model reads tokens (it has an embedding) rather
   *     than dense float inputs, or cannot stream (it is bidirectional)
   */
  public KeyedScorer(InferenceModel model) {
    requireScorable(model);
    stream = model.newStream();
    input = new float[model.config().inputSize()];
    stateBytes = model.snapshotSize();
    scoreBytes = Float.BYTES * model.config().outputSize();
  }

  /**
   * Refuses a model a scorer cannot run: one that reads tokens (it has an embedding) rather than
   * dense float inputs, or cannot stream (it is bidirectional).
   */
  static void requireScorable(InferenceModel model) {
    Objects.requireNonNull(model, "model");
    if (model.config().hasEmbedding()) {
      throw new IllegalArgumentException("this model reads token indices through an embedding; "
          + "the scoring processor reads events of dense float32 inputs");
    }
    if (model.config().bidirectional()) {
      throw new IllegalArgumentException("a bidirectional model needs each whole sequence; "
          + "the scoring processor steps one event at a time");
    }
  }

  /** The bytes of a key's state: the model's {@link InferenceModel#snapshotSize()}. */
  public int stateBytes() {
    return stateBytes;
  }

  /** The bytes of one scores record: 4·O. */
  public int scoreBytes() {
    return scoreBytes;
  }

  /**
   * Scores {@code event} for a key whose state is {@code state} (null for a key never seen):
   * writes the key's next state into {@code nextState} ({@link #stateBytes()} bytes) and the
   * model's outputs into {@code scores} ({@link #scoreBytes()} bytes). The event is checked
   * first, so a refused event touches neither array. Allocates nothing.
   *
   * @throws InvalidEventException when the event is not I finite float32 values
   * @throws InvalidSnapshotException when {@code state} is not a state of this model (another
   *     model's, corrupted, truncated)
   */
  public void score(byte[] event, byte[] state, byte[] nextState, byte[] scores) {
    FloatEvents.decode(event, input);
    if (state == null) {
      stream.reset();
    } else {
      stream.restore(state);
    }
    FloatEvents.encode(stream.step(input), scores);
    stream.snapshot(nextState, 0);
  }
}
