package dev.recur.inference;

import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.kernel.KernelSelection;
import dev.recur.kernel.Kernels;
import dev.recur.layer.ElmanLayer;
import dev.recur.layer.LinearHead;
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
   * The layer and the head in the kernels' layout (see {@link ElmanLayer}): the same code the
   * training forward pass runs, so a step gives that pass's bits.
   */
  private final ElmanLayer layer;
  private final LinearHead head;

  /** Freezes a copy of {@code weights} on the kernels chosen at start-up. */
  public InferenceModel(Parameters weights) {
    this(weights, KernelSelection.kernels());
  }

  /** Freezes a copy of {@code weights} on explicit kernels. */
  public InferenceModel(Parameters weights, Kernels kernels) {
    Objects.requireNonNull(weights, "weights");
    this.kernels = Objects.requireNonNull(kernels, "kernels");
    config = weights.config();
    layer = ElmanLayer.frozen(weights, kernels);
    head = LinearHead.frozen(weights, kernels);
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

  /** A copy of the frozen weights (b_h already summed for {@link dev.recur.Bias#PYTORCH_PAIR}: b_hh is 0). */
  public Parameters weights() {
    Parameters copy = Parameters.zeros(config);
    layer.copyInto(copy);
    head.copyInto(copy);
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
    if (rows == 1) { // both products in one pass over the pre-activation, same sums as below
      layer.preActivation(inputs, inputOff, hidden, 0, scratch, 0);
    } else {
      layer.inputPreActivations(rows, inputs, inputOff, scratch, 0);
      layer.addRecurrent(rows, hidden, 0, scratch, 0);
    }
    finishStep(rows, hidden, scratch, logits, outputs);
  }

  /** {@link #stepDense} for token inputs: {@code rows} tokens from {@code tokenOff}. */
  void stepTokens(
      int rows, int[] tokens, int tokenOff, float[] hidden, float[] scratch, float[] logits,
      float[] outputs) {
    layer.tokenPreActivations(rows, tokens, tokenOff, scratch, 0);
    layer.addRecurrent(rows, hidden, 0, scratch, 0);
    finishStep(rows, hidden, scratch, logits, outputs);
  }

  /** With {@code scratch} holding {@code a_t}: {@code h_t = f(a_t)} into {@code hidden}, then the head. */
  private void finishStep(
      int rows, float[] hidden, float[] scratch, float[] logits, float[] outputs) {
    layer.activate(rows, scratch, 0, hidden, 0);
    head.outputs(rows, hidden, 0, logits, outputs, 0);
  }
}
