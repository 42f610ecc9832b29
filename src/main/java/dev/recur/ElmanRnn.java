package dev.recur;

import dev.recur.kernel.KernelSelection;
import dev.recur.kernel.Kernels;
import dev.recur.layer.ElmanLayer;
import dev.recur.layer.LinearHead;
import java.util.Arrays;
import java.util.Objects;

/**
 * An Elman RNN (see {@link RnnConfig} for the equations): forward pass over a batch of sequences
 * and backpropagation through time in its O(T) form.
 *
 * <p>The hot loops are arranged so that only the recurrence is serial:
 *
 * <ul>
 *   <li>the input projection {@code W_x x_t + b_h} for all T·B rows is one matrix product before
 *       the loop (for token inputs, a column lookup);
 *   <li>the loop does {@code a_t += W_h h_{t-1}} and {@code h_t = f(a_t)} in place;
 *   <li>the output layer {@code z = W_y h + b_y} for all rows is one product after the loop.
 * </ul>
 *
 * Backward mirrors it: output-layer gradients for all rows at once, the serial recurrence {@code
 * dh_{t-1} += W_hᵀ da_t}, and then {@code dW_h = DAᵀ H_prev}, {@code dW_x = DAᵀ X} as single
 * products over the stored states instead of T rank-one updates.
 *
 * <p>A pass allocates nothing: all buffers live in a {@link Workspace}. Passes read the weights
 * and write only the workspace, the gradient accumulator and, the first pass after the weights
 * changed, the model's own copy of them in the kernels' layout (under a lock), so threads may
 * share one model as long as nobody updates its weights meanwhile; each thread needs its own
 * workspace. The weights
 * in the kernels' layout are made when the weights change (see {@link Parameters#version()}),
 * not in every pass: write them through an optimizer, {@link Parameters#copyFrom}, or arrays
 * taken from {@link Parameters} just before writing (or call {@link Parameters#markChanged()}).
 */
public final class ElmanRnn {

  private final RnnConfig config;
  private final Parameters weights;
  private final Kernels kernels;
  /**
   * The layer and head in the kernels' layout, made again only when the weights' {@link
   * Parameters#version()} moved since {@link #refreshedVersion} (once per optimizer step), and
   * shared by every workspace and thread of this model.
   */
  private final ElmanLayer layer;
  private final LinearHead head;
  private long refreshedVersion = -1; // guarded by this

  /** A model over the given weights (held, not copied), on the kernels chosen at start-up. */
  public ElmanRnn(Parameters weights) {
    this(weights, KernelSelection.kernels());
  }

  /** A model over the given weights on explicit kernels (the scalar ones, for instance). */
  public ElmanRnn(Parameters weights, Kernels kernels) {
    this.weights = Objects.requireNonNull(weights, "weights");
    this.kernels = Objects.requireNonNull(kernels, "kernels");
    this.config = weights.config();
    this.layer = ElmanLayer.over(weights, kernels);
    this.head = LinearHead.over(weights, kernels);
  }

  /** A model with fresh weights drawn as the config says. */
  public static ElmanRnn initialize(RnnConfig config) {
    return new ElmanRnn(Parameters.initialize(config));
  }

  /** Hidden size, steps and passes of {@link #warmUp}'s stand-in model. */
  private static final int WARM_UP_HIDDEN = 16;

  private static final int WARM_UP_STEPS = 4;

  /**
   * Gets the training path compiled before real work: {@code passes} forward and backward passes
   * of a small model of this kind (the config's activation, output function, bias and input and
   * output sizes; H = 16, 4 steps, the given batch and loss). The JIT compiles methods, not
   * shapes, so the real model then runs compiled code from its first pass; on its own a long
   * batched pass reaches its final, allocation-free form only after thousands of calls (figures
   * in docs/DESIGN-MEASUREMENTS.md). Returns how long it took.
   */
  public static java.time.Duration warmUp(RnnConfig config, int batch, Loss loss, int passes) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(loss, "loss");
    if (batch < 1 || passes < 0) {
      throw new IllegalArgumentException("need batch ≥ 1 and passes ≥ 0; got " + batch + ", " + passes);
    }
    long start = System.nanoTime();
    RnnConfig small = RnnConfig.builder(config.inputSize(), WARM_UP_HIDDEN, config.outputSize())
        .activation(config.activation()).output(config.output()).bias(config.bias()).build();
    ElmanRnn model = initialize(small);
    Workspace ws = model.workspace(WARM_UP_STEPS, batch);
    int rows = WARM_UP_STEPS * batch;
    Inputs inputs = Inputs.dense(new float[rows * config.inputSize()], WARM_UP_STEPS, batch);
    Targets targets = loss.takesClassIndices()
        ? Targets.everyStepClasses(new int[rows])
        : Targets.everyStep(new float[rows * config.outputSize()]);
    Parameters gradients = Parameters.zeros(small);
    for (int i = 0; i < passes; i++) {
      model.forward(ws, inputs);
      gradients.zero();
      model.backward(ws, loss, targets, gradients);
    }
    return java.time.Duration.ofNanos(System.nanoTime() - start);
  }

  public RnnConfig config() {
    return config;
  }

  /** The live weights. */
  public Parameters weights() {
    return weights;
  }

  public Kernels kernels() {
    return kernels;
  }

  /** Buffers for passes over {@code batch} sequences of {@code steps} steps. */
  public Workspace workspace(int steps, int batch) {
    return new Workspace(config, steps, batch);
  }

  /** Forward pass from the zero initial state. */
  public void forward(Workspace ws, Inputs inputs) {
    forward(ws, inputs, null);
  }

  /**
   * Forward pass: fills the workspace's hidden states, logits and outputs.
   *
   * @param initialHidden {@code h_{-1}} for each sequence ({@code B·H}, sequence b at {@code b·H}),
   *     or null for zeros; not modified
   */
  public void forward(Workspace ws, Inputs inputs, float[] initialHidden) {
    requireShape(ws, inputs);
    int hiddenSize = config.hiddenSize();
    int batch = ws.batch;
    int rowsH = batch * hiddenSize; // one step of all sequences
    if (initialHidden != null && initialHidden.length != rowsH) {
      throw new IllegalArgumentException(
          "initial hidden state length " + initialHidden.length + ", expected batch " + batch
              + " × hiddenSize " + hiddenSize + " = " + rowsH);
    }
    ws.inputs = inputs;
    float[] h = ws.hidden;
    if (initialHidden == null) {
      Arrays.fill(h, 0, rowsH, 0f);
    } else {
      System.arraycopy(initialHidden, 0, h, 0, rowsH);
    }
    // The layer core computes as InferenceModel's steps do, so serving gives these bits.
    refreshIfChanged();
    int rows = ws.steps * batch;
    if (inputs.isTokens()) {
      layer.tokenPreActivations(rows, inputs.tokens(), 0, h, rowsH);
    } else {
      layer.inputPreActivations(rows, inputs.values(), 0, h, rowsH);
    }
    boolean[] mask = inputs.mask();
    for (int t = 0; t < ws.steps; t++) {
      int previous = t * rowsH;
      int current = previous + rowsH;
      // a_t = (b_h + W_x x_t) + W_h h_{t-1}, then h_t = f(a_t) in place
      layer.addRecurrent(batch, h, previous, h, current);
      layer.activate(batch, h, current, h, current);
      if (mask != null) {
        carryPaddedStates(mask, t, batch, hiddenSize, h, previous, current);
      }
    }
    // z = W_y h + b_y and ŷ = g(z) for every row at once
    head.outputs(rows, h, rowsH, ws.logits, ws.outputs, 0);
  }

  /**
   * Makes the layer and head again if the weights may have changed. Synchronized: the shards of
   * a data-parallel update call forward together, after the update that changed the weights;
   * the first refreshes, the others find it done (and see its arrays).
   */
  private synchronized void refreshIfChanged() {
    long version = weights.version();
    if (version != refreshedVersion) {
      layer.refresh();
      head.refresh();
      refreshedVersion = version;
    }
  }

  /** At padding steps the state is carried: {@code h_t = h_{t-1}}. */
  private static void carryPaddedStates(
      boolean[] mask, int t, int batch, int hiddenSize, float[] h, int previous, int current) {
    for (int b = 0; b < batch; b++) {
      if (!mask[t * batch + b]) {
        System.arraycopy(h, previous + b * hiddenSize, h, current + b * hiddenSize, hiddenSize);
      }
    }
  }

  /**
   * The loss of the last forward pass: the mean over the batch's sequences of each sequence's
   * summed per-step loss (so for one sequence, {@code L = Σ_t ℓ_t}). Writes the workspace's
   * output deltas, nothing else.
   */
  public double loss(Workspace ws, Loss loss, Targets targets) {
    requireForward(ws);
    return lossAndOutputDeltas(ws, loss, targets);
  }

  /**
   * BPTT over the last forward pass: adds {@code ∂L/∂θ} for every parameter to {@code gradients}
   * (accumulating, so several passes can be summed), and leaves {@code ∂L/∂h_{-1}} and, for dense
   * inputs, {@code ∂L/∂x_t} in the workspace. Returns the loss, as {@link #loss} defines it.
   */
  public double backward(Workspace ws, Loss loss, Targets targets, Parameters gradients) {
    requireForward(ws);
    weights.requireSameShape(Objects.requireNonNull(gradients, "gradients"));
    double value = lossAndOutputDeltas(ws, loss, targets);

    int hiddenSize = config.hiddenSize();
    int batch = ws.batch;
    int rows = ws.steps * batch;
    int rowsH = batch * hiddenSize;
    float[] h = ws.hidden;
    float[] delta = ws.hiddenDelta;

    // Output layer for all rows at once: dW_y, db_y, and dh_t = W_yᵀ δz_t into the deltas.
    Arrays.fill(delta, 0f);
    head.backward(rows, ws.outputDelta, h, rowsH, gradients, delta, rowsH);

    // The serial part, from the last step back.
    for (int t = ws.steps - 1; t >= 0; t--) {
      backpropagateStep(ws, t);
    }
    System.arraycopy(delta, 0, ws.initialHiddenDelta, 0, rowsH);

    // Weight gradients as products over all rows: dW_h += DAᵀ H_prev, db_h += Σ da, dW_x, ∂L/∂x.
    layer.addRecurrentGradients(rows, delta, rowsH, h, 0, gradients);
    Inputs inputs = ws.inputs;
    if (inputs.isTokens()) {
      layer.addTokenGradients(rows, delta, rowsH, inputs.tokens(), gradients);
    } else {
      layer.addInputGradients(rows, delta, rowsH, inputs.values(), gradients, ws.inputDelta);
    }
    return value;
  }

  /**
   * One step back through time: {@code ‖∂L/∂h_t‖}, padding, then the layer's {@code da_t = dh_t
   * ⊙ f'(a_t)} and {@code dh_{t-1} += W_hᵀ da_t}. Its own method, called T times a pass, so the
   * JIT compiles it (fully, allocation-free) after a few hundred passes rather than after
   * thousands of a long batched backward.
   */
  private void backpropagateStep(Workspace ws, int t) {
    int batch = ws.batch;
    int hiddenSize = config.hiddenSize();
    int rowsH = batch * hiddenSize;
    int current = (t + 1) * rowsH;
    int previous = t * rowsH;
    float[] delta = ws.hiddenDelta;
    // ‖∂L/∂h_t‖ over the batch: how far the gradient reaches back (vanishing or exploding)
    ws.hiddenGradientNorms[t] = (float) Math.sqrt(kernels.sumOfSquares(delta, current, rowsH));
    boolean[] mask = ws.inputs.mask();
    if (mask != null) {
      passPaddedDeltas(mask, t, batch, hiddenSize, delta, previous, current);
    }
    layer.backwardStep(batch, ws.hidden, current, delta, current, previous);
  }

  /**
   * At a padding step {@code h_t = h_{t-1}}, so its gradient passes straight to {@code h_{t-1}}
   * and {@code da_t = 0}.
   */
  private static void passPaddedDeltas(
      boolean[] mask, int t, int batch, int hiddenSize, float[] delta, int previous, int current) {
    for (int b = 0; b < batch; b++) {
      if (!mask[t * batch + b]) {
        int from = current + b * hiddenSize;
        int to = previous + b * hiddenSize;
        for (int i = 0; i < hiddenSize; i++) {
          delta[to + i] += delta[from + i];
          delta[from + i] = 0f;
        }
      }
    }
  }

  private double lossAndOutputDeltas(Workspace ws, Loss loss, Targets targets) {
    Objects.requireNonNull(loss, "loss");
    Objects.requireNonNull(targets, "targets");
    if (!loss.supports(config.output())) {
      throw new IllegalArgumentException(
          loss + " needs the output function "
              + (loss == Loss.CROSS_ENTROPY ? OutputFunction.SOFTMAX : OutputFunction.SIGMOID)
              + "; this model's is " + config.output());
    }
    int out = config.outputSize();
    int batch = ws.batch;
    targets.validate(loss, ws.steps, batch, out);
    float[] dz = ws.outputDelta;
    Arrays.fill(dz, 0f);
    float weight = 1f / batch; // the batch loss is the mean over sequences
    boolean[] mask = ws.inputs.mask();
    float[] values = targets.values();
    int[] classes = targets.classes();
    double total = 0;
    int firstRow = targets.firstStep(ws.steps) * batch;
    for (int r = firstRow; r < ws.steps * batch; r++) {
      if (targets.everyStep() && mask != null && !mask[r]) {
        continue;
      }
      int target = r - firstRow;
      total +=
          LossFunctions.lossAndDelta(
              kernels, loss, config.output(), ws.logits, ws.outputs, r * out, out, values,
              target * out, classes == null ? -1 : classes[target], dz, weight);
    }
    return total / batch;
  }

  private void requireShape(Workspace ws, Inputs inputs) {
    Objects.requireNonNull(ws, "workspace");
    Objects.requireNonNull(inputs, "inputs");
    if (ws.steps != inputs.steps() || ws.batch != inputs.batch()) {
      throw new IllegalArgumentException(
          "inputs of steps " + inputs.steps() + " × batch " + inputs.batch()
              + " do not fit a workspace of steps " + ws.steps + " × batch " + ws.batch);
    }
    if (ws.hiddenGradientNorms.length != ws.steps
        || ws.initialHiddenDelta.length != ws.batch * config.hiddenSize()
        || ws.inputDelta.length != ws.steps * ws.batch * config.inputSize()
        || ws.outputs.length != ws.steps * ws.batch * config.outputSize()) {
      throw new IllegalArgumentException("the workspace was made for a model of another shape");
    }
    inputs.validate(config.inputSize());
  }

  private static void requireForward(Workspace ws) {
    if (Objects.requireNonNull(ws, "workspace").inputs == null) {
      throw new IllegalStateException("no forward pass has run on this workspace");
    }
  }
}
