package dev.recur.inference;

import java.util.Arrays;
import java.util.Objects;

/**
 * B independent streams stepped together: one pass over the weights serves all of them (the
 * products are matrix·matrix), and each row gets exactly the numbers a {@link RnnStream} would.
 * Internally layer l's state of row b is at {@code (l·B + b)·H}, so each layer's rows are one
 * matrix; rows are reset or set one by one.
 * After construction a step allocates nothing. Not thread-safe.
 */
public final class StreamBatch implements AutoCloseable {

  private final InferenceModel model;
  private final int streams;
  private final int in;
  private final boolean embedded;
  private final int hiddenSize;
  private final int layers;
  private final float[] hidden;
  private final float[] scratch;
  private final float[] logits;
  private final float[] outputs;
  /** Writes and reads one row's state as bytes (with a reused checksum). */
  private final StreamSnapshot snapshots;
  private boolean closed;

  StreamBatch(InferenceModel model, int streams) {
    if (streams < 1) {
      throw new IllegalArgumentException("a batch needs at least 1 stream; got " + streams);
    }
    this.model = model;
    this.streams = streams;
    in = model.config().inputSize();
    embedded = model.config().hasEmbedding();
    hiddenSize = model.config().hiddenSize();
    int out = model.config().outputSize();
    layers = model.config().layers();
    hidden = new float[layers * streams * hiddenSize];
    scratch = new float[model.scratchSize(streams)];
    logits = new float[streams * out];
    outputs = new float[streams * out];
    snapshots = new StreamSnapshot(model);
  }

  /**
   * The number of streams B.
   *
   * @return B, ≥ 1
   */
  public int size() {
    return streams;
  }

  /**
   * One step of every stream: {@code inputs} holds B·I values (stream b at {@code b·I}). Returns
   * the outputs, B·O values (stream b at {@code b·O}), an internal array valid until the next call.
   *
   * @param inputs B·I finite values, stream b's x_t at {@code b·I}; not modified
   * @return ŷ_t of every stream, B·O values, the batch's internal array
   * @throws IllegalArgumentException if the inputs are not B·I long or hold NaN or infinity, or
   *     the model reads tokens through an embedding
   * @throws IllegalStateException if the batch is closed
   */
  public float[] step(float[] inputs) {
    InputChecks.requireOpen(closed);
    InputChecks.requireDense(embedded);
    InputChecks.requireVector("inputs", inputs, streams * in);
    model.stepDense(streams, inputs, 0, hidden, scratch, logits, outputs);
    return outputs;
  }

  /**
   * One step of every stream with one token each ({@code tokens[b]} for stream b).
   *
   * @param tokens B token indices in [0, I), one per stream; not modified
   * @return ŷ_t of every stream, B·O values (stream b at {@code b·O}), the batch's internal array,
   *     valid until the next call
   * @throws IllegalArgumentException if there are not B tokens or one is out of range
   * @throws IllegalStateException if the batch is closed
   */
  public float[] step(int[] tokens) {
    InputChecks.requireOpen(closed);
    InputChecks.requireTokens(tokens, streams, in);
    model.stepTokens(streams, tokens, 0, hidden, scratch, logits, outputs);
    return outputs;
  }

  /**
   * Stream b back to the zero state.
   *
   * @param b the row, in [0, B)
   * @throws IndexOutOfBoundsException if {@code b} is not a row
   * @throws IllegalStateException if the batch is closed
   */
  public void reset(int b) {
    InputChecks.requireOpen(closed);
    Objects.checkIndex(b, streams);
    for (int l = 0; l < layers; l++) {
      int from = (l * streams + b) * hiddenSize;
      Arrays.fill(hidden, from, from + hiddenSize, 0f);
    }
  }

  /**
   * Copies stream b's hidden state into {@code into}: {@link InferenceModel#stateSize()} values,
   * layer l's h at {@code l·H}, as {@link RnnStream#copyHidden} writes it.
   *
   * @param b the row, in [0, B)
   * @param into receives L·H values; must be exactly that long
   * @throws IllegalArgumentException if {@code into} has the wrong length
   * @throws IndexOutOfBoundsException if {@code b} is not a row
   * @throws IllegalStateException if the batch is closed
   * @throws NullPointerException if {@code into} is null
   */
  public void copyHidden(int b, float[] into) {
    InputChecks.requireOpen(closed);
    Objects.checkIndex(b, streams);
    Objects.requireNonNull(into, "into");
    if (into.length != layers * hiddenSize) {
      throw new IllegalArgumentException(
          "hidden state length " + into.length + ", model expects " + layers * hiddenSize);
    }
    for (int l = 0; l < layers; l++) {
      System.arraycopy(hidden, (l * streams + b) * hiddenSize, into, l * hiddenSize, hiddenSize);
    }
  }

  /**
   * Sets stream b's hidden state from {@code state} (finite values laid out as {@link
   * #copyHidden} writes).
   *
   * @param b the row, in [0, B)
   * @param state L·H finite values, layer l's h at {@code l·H}; copied
   * @throws IllegalArgumentException if the length is not L·H or a value is NaN or infinite
   * @throws IndexOutOfBoundsException if {@code b} is not a row
   * @throws IllegalStateException if the batch is closed
   */
  public void setHidden(int b, float[] state) {
    InputChecks.requireOpen(closed);
    Objects.checkIndex(b, streams);
    InputChecks.requireVector("hidden state", state, layers * hiddenSize);
    for (int l = 0; l < layers; l++) {
      System.arraycopy(state, l * hiddenSize, hidden, (l * streams + b) * hiddenSize, hiddenSize);
    }
  }

  /**
   * The bytes {@link #snapshot(int, byte[], int)} writes: {@link InferenceModel#snapshotSize()}.
   *
   * @return the snapshot size in bytes
   */
  public int snapshotSize() {
    return model.snapshotSize();
  }

  /**
   * Writes stream b's whole state as a {@link StreamSnapshot} into {@code into} from {@code
   * offset}, and returns the bytes written: the bytes a {@link RnnStream} in that state writes,
   * so either can restore it. Allocates nothing. {@code into} is modified; the batch is not.
   *
   * @param b the row, in [0, B)
   * @param into the buffer to write into
   * @param offset where the snapshot starts in {@code into}, ≥ 0
   * @return the bytes written, {@link #snapshotSize()}
   * @throws IllegalArgumentException when {@code into} has fewer than {@link #snapshotSize()}
   *     bytes from {@code offset}
   * @throws IndexOutOfBoundsException if {@code b} is not a row
   * @throws IllegalStateException if the batch is closed
   */
  public int snapshot(int b, byte[] into, int offset) {
    InputChecks.requireOpen(closed);
    Objects.checkIndex(b, streams);
    return snapshots.write(hidden, b * hiddenSize, streams * hiddenSize, into, offset);
  }

  /**
   * {@link #snapshot(int, byte[], int)} into a new array of {@link #snapshotSize()} bytes.
   *
   * @param b the row, in [0, B)
   * @return a new array holding row b's snapshot
   * @throws IndexOutOfBoundsException if {@code b} is not a row
   * @throws IllegalStateException if the batch is closed
   */
  public byte[] snapshot(int b) {
    byte[] bytes = new byte[snapshotSize()];
    snapshot(b, bytes, 0);
    return bytes;
  }

  /**
   * Sets stream b's state from the snapshot in {@code from[offset, offset + length)}, as {@link
   * RnnStream#restore(byte[], int, int)} does; the other rows are untouched, and a refused
   * snapshot leaves row b as it was too. Allocates nothing when the snapshot is valid.
   *
   * @param b the row, in [0, B)
   * @param from the bytes holding the snapshot; not modified
   * @param offset where the snapshot starts in {@code from}, ≥ 0
   * @param length the snapshot's bytes, {@link #snapshotSize()} for a valid one
   * @throws InvalidSnapshotException when the bytes are truncated, corrupted, not a snapshot, of
   *     a newer format version, of another model, or hold NaN or infinity (the message says which)
   * @throws IndexOutOfBoundsException when b is not a row, or the range lies outside {@code from}
   * @throws IllegalStateException if the batch is closed
   */
  public void restore(int b, byte[] from, int offset, int length) {
    InputChecks.requireOpen(closed);
    Objects.checkIndex(b, streams);
    snapshots.read(from, offset, length, hidden, b * hiddenSize, streams * hiddenSize);
  }

  /**
   * {@link #restore(int, byte[], int, int)} from the whole of {@code from}.
   *
   * @param b the row, in [0, B)
   * @param from exactly one snapshot's bytes; not modified
   * @throws InvalidSnapshotException as {@link #restore(int, byte[], int, int)}
   * @throws IndexOutOfBoundsException if {@code b} is not a row
   * @throws IllegalStateException if the batch is closed
   * @throws NullPointerException if {@code from} is null
   */
  public void restore(int b, byte[] from) {
    Objects.requireNonNull(from, "from");
    restore(b, from, 0, from.length);
  }

  /** Ends the batch; every later call throws {@link IllegalStateException}. */
  @Override
  public void close() {
    closed = true;
  }
}
