package dev.recur.inference;

import java.util.Arrays;
import java.util.Objects;

/**
 * B independent streams stepped together: one pass over the weights serves all of them (the
 * products are matrix·matrix), and each row gets exactly the numbers a {@link RnnStream} would.
 * Row b's hidden state is {@code b·H .. b·H + H} internally; rows are reset or set one by one.
 * After construction a step allocates nothing. Not thread-safe.
 */
public final class StreamBatch implements AutoCloseable {

  private final InferenceModel model;
  private final int streams;
  private final int in;
  private final int hiddenSize;
  private final float[] hidden;
  private final float[] scratch;
  private final float[] logits;
  private final float[] outputs;
  private boolean closed;

  StreamBatch(InferenceModel model, int streams) {
    if (streams < 1) {
      throw new IllegalArgumentException("a batch needs at least 1 stream; got " + streams);
    }
    this.model = model;
    this.streams = streams;
    in = model.config().inputSize();
    hiddenSize = model.config().hiddenSize();
    int out = model.config().outputSize();
    hidden = new float[streams * hiddenSize];
    scratch = new float[streams * hiddenSize];
    logits = new float[streams * out];
    outputs = new float[streams * out];
  }

  /** The number of streams B. */
  public int size() {
    return streams;
  }

  /**
   * One step of every stream: {@code inputs} holds B·I values (stream b at {@code b·I}). Returns
   * the outputs, B·O values (stream b at {@code b·O}), an internal array valid until the next call.
   */
  public float[] step(float[] inputs) {
    InputChecks.requireOpen(closed);
    InputChecks.requireVector("inputs", inputs, streams * in);
    model.stepDense(streams, inputs, 0, hidden, scratch, logits, outputs);
    return outputs;
  }

  /** One step of every stream with one token each ({@code tokens[b]} for stream b). */
  public float[] step(int[] tokens) {
    InputChecks.requireOpen(closed);
    InputChecks.requireTokens(tokens, streams, in);
    model.stepTokens(streams, tokens, 0, hidden, scratch, logits, outputs);
    return outputs;
  }

  /** Stream b back to the zero state. */
  public void reset(int b) {
    InputChecks.requireOpen(closed);
    Objects.checkIndex(b, streams);
    Arrays.fill(hidden, b * hiddenSize, (b + 1) * hiddenSize, 0f);
  }

  /** Copies stream b's hidden state (H values) into {@code into}. */
  public void copyHidden(int b, float[] into) {
    InputChecks.requireOpen(closed);
    Objects.checkIndex(b, streams);
    Objects.requireNonNull(into, "into");
    if (into.length != hiddenSize) {
      throw new IllegalArgumentException(
          "hidden state length " + into.length + ", model expects " + hiddenSize);
    }
    System.arraycopy(hidden, b * hiddenSize, into, 0, hiddenSize);
  }

  /** Sets stream b's hidden state from {@code state} (H finite values). */
  public void setHidden(int b, float[] state) {
    InputChecks.requireOpen(closed);
    Objects.checkIndex(b, streams);
    InputChecks.requireVector("hidden state", state, hiddenSize);
    System.arraycopy(state, 0, hidden, b * hiddenSize, hiddenSize);
  }

  /** Ends the batch; every later call throws {@link IllegalStateException}. */
  @Override
  public void close() {
    closed = true;
  }
}
