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
    InputChecks.requireDense(embedded);
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
    for (int l = 0; l < layers; l++) {
      int from = (l * streams + b) * hiddenSize;
      Arrays.fill(hidden, from, from + hiddenSize, 0f);
    }
  }

  /**
   * Copies stream b's hidden state into {@code into}: {@link InferenceModel#stateSize()} values,
   * layer l's h at {@code l·H}, as {@link RnnStream#copyHidden} writes it.
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

  /** Sets stream b's hidden state from {@code state} (finite values laid out as {@link #copyHidden} writes). */
  public void setHidden(int b, float[] state) {
    InputChecks.requireOpen(closed);
    Objects.checkIndex(b, streams);
    InputChecks.requireVector("hidden state", state, layers * hiddenSize);
    for (int l = 0; l < layers; l++) {
      System.arraycopy(state, l * hiddenSize, hidden, (l * streams + b) * hiddenSize, hiddenSize);
    }
  }

  /** Ends the batch; every later call throws {@link IllegalStateException}. */
  @Override
  public void close() {
    closed = true;
  }
}
