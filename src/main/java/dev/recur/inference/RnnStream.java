package dev.recur.inference;

import java.util.Arrays;
import java.util.Objects;

/**
 * The state of one event stream over an {@link InferenceModel}: its hidden state and the buffers
 * a step needs, allocated once. After construction a step allocates nothing.
 *
 * <p>Every call checks its arguments before touching the state, so a rejected call leaves the
 * stream as it was. Not thread-safe: one stream is stepped by one thread at a time (handing it
 * between threads needs the usual happens-before, e.g. a queue or a lock).
 */
public final class RnnStream implements AutoCloseable {

  private final InferenceModel model;
  private final int in;
  private final boolean embedded;
  private final int out;
  private final float[] hidden;
  private final float[] scratch;
  private final float[] logits;
  private final float[] outputs;
  /** A one-token array, reused, so a token step allocates nothing. */
  private final int[] token = new int[1];
  /** Writes and reads this stream's state as bytes (with a reused checksum). */
  private final StreamSnapshot snapshots;
  private boolean closed;
  private LatencyRecorder latency;

  RnnStream(InferenceModel model) {
    this.model = model;
    in = model.config().inputSize();
    embedded = model.config().hasEmbedding();
    out = model.config().outputSize();
    hidden = new float[model.stateSize()];
    scratch = new float[model.scratchSize(1)];
    logits = new float[out];
    outputs = new float[out];
    snapshots = new StreamSnapshot(model);
  }

  /**
   * The model this stream steps.
   *
   * @return the frozen model the stream was made from
   */
  public InferenceModel model() {
    return model;
  }

  /**
   * One step with a dense input of I values. Returns {@code ŷ_t}: an internal array of O values,
   * valid until the next call (copy it to keep it). Rejects a wrong length, NaN or infinity.
   *
   * @param input x_t, I finite values; not modified
   * @return ŷ_t, the stream's internal array of O values
   * @throws IllegalArgumentException if the input is not I long or holds NaN or infinity, or the
   *     model reads tokens through an embedding
   * @throws IllegalStateException if the stream is closed
   */
  public float[] step(float[] input) {
    long start = latency == null ? 0 : System.nanoTime();
    InputChecks.requireOpen(closed);
    InputChecks.requireDense(embedded);
    InputChecks.requireVector("input", input, in);
    model.stepDense(1, input, 0, hidden, scratch, logits, outputs);
    recordSince(start);
    return outputs;
  }

  /**
   * One step with token {@code t} in {@code [0, I)} (a one-hot input); returns {@code ŷ_t}.
   *
   * @param t the token index, in [0, I)
   * @return ŷ_t, the stream's internal array of O values, valid until the next call
   * @throws IllegalArgumentException if {@code t} is outside [0, I)
   * @throws IllegalStateException if the stream is closed
   */
  public float[] step(int t) {
    long start = latency == null ? 0 : System.nanoTime();
    InputChecks.requireOpen(closed);
    InputChecks.requireToken(t, in);
    token[0] = t;
    model.stepTokens(1, token, 0, hidden, scratch, logits, outputs);
    recordSince(start);
    return outputs;
  }

  /**
   * Records the duration of every later {@link #step} (checks included) into {@code recorder},
   * which any number of streams may share; null stops recording.
   *
   * @param recorder the shared recorder of step durations in nanoseconds, or null
   * @throws IllegalStateException if the stream is closed
   */
  public void recordLatencyTo(LatencyRecorder recorder) {
    InputChecks.requireOpen(closed);
    latency = recorder;
  }

  private void recordSince(long start) {
    if (latency != null) {
      latency.record(System.nanoTime() - start);
    }
  }

  /**
   * One step, copying {@code ŷ_t} into {@code output} (O values).
   *
   * @param input x_t, I finite values; not modified
   * @param output receives ŷ_t; must be exactly O long
   * @throws IllegalArgumentException if the output is not O long (checked first, the state then
   *     untouched), or as {@link #step(float[])}
   * @throws IllegalStateException if the stream is closed
   */
  public void step(float[] input, float[] output) {
    requireOutput(output, out);
    System.arraycopy(step(input), 0, output, 0, out);
  }

  /**
   * A whole sequence from the current state: {@code inputs} holds {@code steps × I} values (step
   * t at {@code t·I}), {@code outputs} receives {@code steps × O}. All inputs are checked before
   * the first step.
   *
   * @param inputs T·I finite values, step t at {@code t·I}; T ≥ 1 is inferred from the length
   * @param outputs receives T·O values, step t's ŷ_t at {@code t·O}; must be exactly T·O long
   * @throws IllegalArgumentException if the length of {@code inputs} is not a positive multiple of
   *     I, a value is NaN or infinite, {@code outputs} has the wrong length, or the model reads
   *     tokens through an embedding
   * @throws IllegalStateException if the stream is closed
   * @throws NullPointerException if an array is null
   */
  public void predict(float[] inputs, float[] outputs) {
    InputChecks.requireOpen(closed);
    Objects.requireNonNull(inputs, "inputs");
    if (inputs.length == 0 || inputs.length % in != 0) {
      throw new IllegalArgumentException(
          "inputs length " + inputs.length + " is not a positive multiple of inputSize " + in);
    }
    int steps = inputs.length / in;
    InputChecks.requireDense(embedded);
    InputChecks.requireVector("inputs", inputs, steps * in);
    requireOutput(outputs, steps * out);
    for (int t = 0; t < steps; t++) {
      model.stepDense(1, inputs, t * in, hidden, scratch, logits, this.outputs);
      System.arraycopy(this.outputs, 0, outputs, t * out, out);
    }
  }

  /**
   * A whole sequence of tokens from the current state; {@code outputs} receives steps × O.
   *
   * @param tokens T ≥ 1 token indices in [0, I), one per step
   * @param outputs receives T·O values, step t's ŷ_t at {@code t·O}; must be exactly T·O long
   * @throws IllegalArgumentException if there are no tokens, a token is out of range, or {@code
   *     outputs} has the wrong length
   * @throws IllegalStateException if the stream is closed
   * @throws NullPointerException if an array is null
   */
  public void predict(int[] tokens, float[] outputs) {
    InputChecks.requireOpen(closed);
    Objects.requireNonNull(tokens, "tokens");
    if (tokens.length == 0) {
      throw new IllegalArgumentException("tokens is empty; a sequence needs at least one token");
    }
    InputChecks.requireTokens(tokens, tokens.length, in);
    requireOutput(outputs, tokens.length * out);
    for (int t = 0; t < tokens.length; t++) {
      model.stepTokens(1, tokens, t, hidden, scratch, logits, this.outputs);
      System.arraycopy(this.outputs, 0, outputs, t * out, out);
    }
  }

  /**
   * The output pre-activations {@code z_t} of the last step (O values): an internal array, valid
   * until the next step. Sampling at a temperature needs them rather than {@code ŷ_t}.
   *
   * @return the stream's internal array of O logits (zeros before the first step)
   * @throws IllegalStateException if the stream is closed
   */
  public float[] logits() {
    InputChecks.requireOpen(closed);
    return logits;
  }

  /** Back to the zero state. */
  public void reset() {
    InputChecks.requireOpen(closed);
    Arrays.fill(hidden, 0f);
  }

  /**
   * Copies the hidden state into {@code into}: {@link InferenceModel#stateSize()} values, layer
   * l's h at {@code l·H} (for one layer, simply H values).
   *
   * @param into receives the state; must be exactly {@link InferenceModel#stateSize()} long
   * @throws IllegalArgumentException if {@code into} has the wrong length
   * @throws IllegalStateException if the stream is closed
   * @throws NullPointerException if {@code into} is null
   */
  public void copyHidden(float[] into) {
    InputChecks.requireOpen(closed);
    requireOutput(into, hidden.length);
    System.arraycopy(hidden, 0, into, 0, hidden.length);
  }

  /**
   * Sets the hidden state from {@code state} (finite values laid out as {@link #copyHidden}
   * writes).
   *
   * @param state L·H finite values, layer l's h at {@code l·H}; copied
   * @throws IllegalArgumentException if the length is not L·H or a value is NaN or infinite
   * @throws IllegalStateException if the stream is closed
   */
  public void setHidden(float[] state) {
    InputChecks.requireOpen(closed);
    InputChecks.requireVector("hidden state", state, hidden.length);
    System.arraycopy(state, 0, hidden, 0, hidden.length);
  }

  /**
   * The bytes {@link #snapshot(byte[], int)} writes: {@link InferenceModel#snapshotSize()}.
   *
   * @return the snapshot size in bytes
   */
  public int snapshotSize() {
    return model.snapshotSize();
  }

  /**
   * Writes this stream's whole state (every layer's h, bit for bit) as a {@link StreamSnapshot}
   * into {@code into} from {@code offset}, and returns the bytes written ({@link
   * #snapshotSize()}). Allocates nothing. {@code into} is modified; the stream is not.
   *
   * @param into the buffer to write into
   * @param offset where the snapshot starts in {@code into}, ≥ 0
   * @return the bytes written, {@link #snapshotSize()}
   * @throws IllegalArgumentException when {@code into} has fewer than {@link #snapshotSize()}
   *     bytes from {@code offset}
   * @throws IllegalStateException if the stream is closed
   */
  public int snapshot(byte[] into, int offset) {
    InputChecks.requireOpen(closed);
    return snapshots.write(hidden, 0, model.config().hiddenSize(), into, offset);
  }

  /**
   * {@link #snapshot(byte[], int)} into a new array of {@link #snapshotSize()} bytes.
   *
   * @return a new array holding the snapshot
   * @throws IllegalStateException if the stream is closed
   */
  public byte[] snapshot() {
    byte[] bytes = new byte[snapshotSize()];
    snapshot(bytes, 0);
    return bytes;
  }

  /**
   * Sets this stream's state from the snapshot in {@code from[offset, offset + length)}, written
   * by a stream or batch row of a model with the same {@link InferenceModel#fingerprint()}: the
   * next steps give exactly the bits the stream that wrote it would have given. Everything is
   * checked first; a refused snapshot leaves this stream as it was. Allocates nothing when the
   * snapshot is valid.
   *
   * @param from the bytes holding the snapshot; not modified
   * @param offset where the snapshot starts in {@code from}, ≥ 0
   * @param length the snapshot's bytes, {@link #snapshotSize()} for a valid one
   * @throws InvalidSnapshotException when the bytes are truncated, corrupted, not a snapshot, of
   *     a newer format version, of another model, or hold NaN or infinity (the message says which)
   * @throws IndexOutOfBoundsException when the range lies outside {@code from}
   * @throws IllegalStateException if the stream is closed
   */
  public void restore(byte[] from, int offset, int length) {
    InputChecks.requireOpen(closed);
    snapshots.read(from, offset, length, hidden, 0, model.config().hiddenSize());
  }

  /**
   * {@link #restore(byte[], int, int)} from the whole of {@code from}.
   *
   * @param from exactly one snapshot's bytes; not modified
   * @throws InvalidSnapshotException as {@link #restore(byte[], int, int)}
   * @throws IllegalStateException if the stream is closed
   * @throws NullPointerException if {@code from} is null
   */
  public void restore(byte[] from) {
    Objects.requireNonNull(from, "from");
    restore(from, 0, from.length);
  }

  /** Ends the stream; every later call throws {@link IllegalStateException}. */
  @Override
  public void close() {
    closed = true;
  }

  private static void requireOutput(float[] output, int expected) {
    Objects.requireNonNull(output, "output");
    if (output.length != expected) {
      throw new IllegalArgumentException(
          "output length " + output.length + ", expected " + expected);
    }
  }
}
