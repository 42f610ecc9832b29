package dev.recur.inference;

import dev.recur.Activation;
import dev.recur.Bias;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.Transpose;
import dev.recur.kernel.KernelSelection;
import dev.recur.kernel.Kernels;
import java.time.Duration;
import java.util.Objects;

/**
 * An Elman RNN frozen for serving: its own copy of the weights, never modified after
 * construction, so one instance can be shared by any number of threads with no locking. Each
 * event stream gets its own {@link RnnStream} (or a row of a {@link StreamBatch}), which holds
 * the hidden state and the buffers a step needs.
 *
 * <p>A step computes the same numbers as {@link dev.recur.ElmanRnn#forward} does for that step,
 * bit for bit: the same kernels in the same order.
 */
public final class InferenceModel {

  private final RnnConfig config;
  private final Kernels kernels;
  /**
   * The weights are kept transposed (W_xᵀ I×H, W_hᵀ H×H, W_yᵀ H×O), so every product of a step is
   * {@code y += Wᵀᵀ x} computed as rows of Wᵀ scaled by x and added: no horizontal sums of vector
   * lanes at all, and a token's column of W_x is one contiguous row of W_xᵀ. Measured with
   * StreamStepBenchmark (I = O = 64, one fork, 4 × 1 s): a step took 0.90 / 1.97 / 5.68 / 18.8 µs
   * at H = 64 / 128 / 256 / 512, against 1.13 / 2.42 / 6.18 / 20.4 µs for dot products over W's
   * rows. The training forward pass sums in the same order, so both give the same bits.
   */
  final float[] inputWeightsTransposed;
  final float[] recurrentWeightsTransposed;
  final float[] outputWeightsTransposed;
  /** b_h (b_ih + b_hh for PyTorch's pair; zeros without biases). */
  final float[] hiddenBias;
  /** b_y (zeros without biases). */
  final float[] outputBias;

  /** Freezes a copy of {@code weights} on the kernels chosen at start-up. */
  public InferenceModel(Parameters weights) {
    this(weights, KernelSelection.kernels());
  }

  /** Freezes a copy of {@code weights} on explicit kernels. */
  public InferenceModel(Parameters weights, Kernels kernels) {
    Objects.requireNonNull(weights, "weights");
    this.kernels = Objects.requireNonNull(kernels, "kernels");
    config = weights.config();
    int in = config.inputSize();
    int hidden = config.hiddenSize();
    inputWeightsTransposed = Transpose.of(weights.inputWeights(), hidden, in);
    recurrentWeightsTransposed = Transpose.of(weights.recurrentWeights(), hidden, hidden);
    hiddenBias = new float[hidden];
    if (config.bias() != Bias.NONE) {
      float[] bih = weights.hiddenBias();
      float[] bhh = weights.secondHiddenBias();
      for (int i = 0; i < hidden; i++) {
        // the sum is formed as ElmanRnn forms it, so both give the same bits
        hiddenBias[i] = config.bias() == Bias.PYTORCH_PAIR ? bih[i] + bhh[i] : bih[i];
      }
    }
    outputWeightsTransposed = Transpose.of(weights.outputWeights(), config.outputSize(), hidden);
    outputBias =
        config.bias() == Bias.NONE ? new float[config.outputSize()] : weights.outputBias().clone();
  }

  public RnnConfig config() {
    return config;
  }

  public Kernels kernels() {
    return kernels;
  }

  /** A new stream, starting from the zero state. */
  public RnnStream newStream() {
    return new RnnStream(this);
  }

  /** {@code streams} independent streams stepped together, each from the zero state. */
  public StreamBatch newBatch(int streams) {
    return new StreamBatch(this, streams);
  }

  /** What {@link #warmUp(int)} did: how many steps of each kind, and how long it took. */
  public record WarmUp(int steps, Duration took) {}

  /** The steps of each kind {@link #warmUp()} runs; see the README for what they buy. */
  public static final int DEFAULT_WARM_UP_STEPS = 2_000;

  /** {@link #warmUp(int)} with {@link #DEFAULT_WARM_UP_STEPS}. */
  public WarmUp warmUp() {
    return warmUp(DEFAULT_WARM_UP_STEPS);
  }

  /**
   * Runs {@code steps} steps of each kind a service uses (dense and token input, single stream and
   * a batch of 8) on private streams, so the JIT compiles the hot paths for this model's shapes
   * before the first real request. Touches no state but its own; results do not change (the
   * kernels give the same bits compiled or not).
   */
  public WarmUp warmUp(int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("warm-up steps must be at least 0; got " + steps);
    }
    long start = System.nanoTime();
    int in = config.inputSize();
    RnnStream stream = newStream();
    StreamBatch batch = newBatch(WARM_UP_BATCH);
    float[] x = new float[in];
    float[] xs = new float[WARM_UP_BATCH * in];
    int[] tokens = new int[WARM_UP_BATCH];
    for (int i = 0; i < steps; i++) {
      float value = (float) Math.sin(i * 0.37); // bounded, varied inputs: no NaN, no saturation
      java.util.Arrays.fill(x, value);
      java.util.Arrays.fill(xs, -value);
      java.util.Arrays.fill(tokens, i % in);
      stream.step(x);
      stream.step(i % in);
      batch.step(xs);
      batch.step(tokens);
    }
    return new WarmUp(steps, Duration.ofNanos(System.nanoTime() - start));
  }

  private static final int WARM_UP_BATCH = 8;

  /** A copy of the frozen weights (b_h already summed for {@link Bias#PYTORCH_PAIR}: b_hh is 0). */
  public Parameters weights() {
    Parameters copy = Parameters.zeros(config);
    int in = config.inputSize();
    int hidden = config.hiddenSize();
    Transpose.into(inputWeightsTransposed, in, hidden, copy.inputWeights());
    Transpose.into(recurrentWeightsTransposed, hidden, hidden, copy.recurrentWeights());
    Transpose.into(outputWeightsTransposed, hidden, config.outputSize(), copy.outputWeights());
    if (config.bias() != Bias.NONE) {
      System.arraycopy(hiddenBias, 0, copy.hiddenBias(), 0, hiddenBias.length);
      System.arraycopy(outputBias, 0, copy.outputBias(), 0, outputBias.length);
    }
    return copy;
  }

  /**
   * One step of {@code rows} streams with dense inputs ({@code rows·I} values from {@code
   * inputOff}), in place: {@code hidden} ({@code rows·H}, row b at {@code b·H}) becomes {@code
   * h_t}; {@code logits} and {@code outputs} ({@code rows·O}) get {@code z_t} and {@code ŷ_t};
   * {@code scratch} has {@code rows·H} entries. The inputs are already checked.
   */
  void stepDense(
      int rows, float[] inputs, int inputOff, float[] hidden, float[] scratch, float[] logits,
      float[] outputs) {
    int hiddenSize = config.hiddenSize();
    fillRows(hiddenBias, rows, scratch);
    if (rows == 1) { // both products in one pass over the pre-activation, same sums as below
      kernels.matTransVecPair(inputWeightsTransposed, 0, config.inputSize(), inputs, inputOff,
          recurrentWeightsTransposed, 0, hiddenSize, hidden, 0, hiddenSize, scratch, 0);
    } else {
      addProduct(rows, hiddenSize, config.inputSize(), inputs, inputOff, inputWeightsTransposed, scratch);
      addProduct(rows, hiddenSize, hiddenSize, hidden, 0, recurrentWeightsTransposed, scratch);
    }
    finishStep(rows, hidden, scratch, logits, outputs);
  }

  /** {@link #stepDense} for token inputs: {@code rows} tokens from {@code tokenOff}. */
  void stepTokens(
      int rows, int[] tokens, int tokenOff, float[] hidden, float[] scratch, float[] logits,
      float[] outputs) {
    int hiddenSize = config.hiddenSize();
    fillRows(hiddenBias, rows, scratch);
    for (int b = 0; b < rows; b++) {
      // W_x times a one-hot vector: the token's column of W_x, a row of W_xᵀ
      kernels.axpy(
          1f, inputWeightsTransposed, tokens[tokenOff + b] * hiddenSize, scratch, b * hiddenSize,
          hiddenSize);
    }
    addProduct(rows, hiddenSize, hiddenSize, hidden, 0, recurrentWeightsTransposed, scratch);
    finishStep(rows, hidden, scratch, logits, outputs);
  }

  /**
   * With {@code scratch} holding {@code a_t = b_h + W_x x_t + W_h h_{t-1}} (summed in that order,
   * as ElmanRnn sums): applies f into {@code hidden}, then {@code z_t = b_y + W_y h_t}, {@code ŷ_t
   * = g(z_t)}.
   */
  private void finishStep(
      int rows, float[] hidden, float[] scratch, float[] logits, float[] outputs) {
    int hiddenSize = config.hiddenSize();
    int out = config.outputSize();
    kernels.activateRows(config.activation(), scratch, 0, hidden, 0, rows, hiddenSize);
    fillRows(outputBias, rows, logits);
    addProduct(rows, out, hiddenSize, hidden, 0, outputWeightsTransposed, logits);
    switch (config.output()) {
      case IDENTITY -> System.arraycopy(logits, 0, outputs, 0, rows * out);
      case SIGMOID -> kernels.activateRows(Activation.SIGMOID, logits, 0, outputs, 0, rows, out);
      case SOFTMAX -> {
        for (int b = 0; b < rows; b++) {
          kernels.softmax(logits, b * out, outputs, b * out, out);
        }
      }
    }
  }

  /**
   * {@code out(rows × n) += x(rows × k) · Wᵀ} with {@code transposed} = Wᵀ (k × n): per row a
   * sum over k in order, the same for one row (matTransVec) as for many (matMul).
   */
  private void addProduct(
      int rows, int n, int k, float[] x, int xOff, float[] transposed, float[] out) {
    if (rows == 1) {
      kernels.matTransVec(transposed, 0, k, n, x, xOff, out, 0);
    } else {
      kernels.matMul(rows, n, k, x, xOff, transposed, 0, out, 0);
    }
  }

  private static void fillRows(float[] row, int rows, float[] target) {
    for (int b = 0; b < rows; b++) {
      System.arraycopy(row, 0, target, b * row.length, row.length);
    }
  }
}
