package dev.recur;

import dev.recur.kernel.Kernels;
import dev.recur.layer.ElmanLayer;
import dev.recur.layer.Embedding;
import dev.recur.layer.EngineKernels;
import dev.recur.layer.FrozenModels;
import dev.recur.layer.LinearHead;
import java.util.Arrays;
import java.util.Objects;

/**
 * An Elman RNN (see {@link RnnConfig} for the equations): forward pass over a batch of sequences
 * and backpropagation through time in its O(T) form, through every layer and direction.
 *
 * <p>The hot loops are arranged so that only the recurrence is serial. Per layer and direction:
 *
 * <ul>
 *   <li>the input projection {@code W_x x_t + b_h} for all T·B rows is one matrix product before
 *       the loop (for token inputs without an embedding, a column lookup);
 *   <li>the loop does {@code a_t += W_h h_{t∓1}} and {@code h_t = f(a_t)} in place, forward from
 *       the first step, or back from the last for the reverse direction;
 *   <li>the layer's outputs are the next layer's input rows; the head {@code z = W_y h + b_y} for
 *       all rows is one product after the top layer.
 * </ul>
 *
 * Backward mirrors it from the top: head gradients for all rows at once, then per layer the
 * serial recurrence {@code dh_{t∓1} += W_hᵀ da_t}, {@code dW_h = DAᵀ H_prev} and {@code dW_x =
 * DAᵀ X} as single products over the stored states, and {@code ∂L/∂X = DA W_x}, which is the
 * layer below's output gradient (backpropagation "through layers" and "through time").
 *
 * <p>Masks: at a padding step every layer carries its state ({@code h_t = h_{t∓1}}), so the
 * reverse direction starts at each sequence's own last real step, as PyTorch's packed
 * sequences do. In a sequence's trailing padding a bidirectional layer outputs both directions'
 * states at the sequence's last real step (PyTorch's output at that step), so a many-to-one
 * loss on the last row of a padded batch scores what PyTorch scores at each sequence's end.
 *
 * <p>A pass allocates nothing: all buffers live in a {@link Workspace}. Passes read the weights
 * and write only the workspace, the gradient accumulator and, the first pass after the weights
 * changed, the model's own copy of them in the kernels' layout (under a lock), so threads may
 * share one model as long as nobody updates its weights meanwhile; each thread needs its own
 * workspace. The weights in the kernels' layout are made when the weights change (see {@link
 * Parameters#version()}), not in every pass: write them through an optimizer, {@link
 * Parameters#copyFrom}, or arrays taken from {@link Parameters} just before writing (or call
 * {@link Parameters#markChanged()}).
 */
public final class ElmanRnn {

  private final RnnConfig config;
  /** The live weights; null for a {@link #frozen} model. */
  private final Parameters weights;
  private final Engine engine;
  private final Kernels kernels;
  /**
   * The layers (layer l, direction d at {@code l·D + d}), head and embedding in the kernels'
   * layout, made again only when the weights' {@link Parameters#version()} moved since {@link
   * #refreshedVersion} (once per optimizer step), and shared by every workspace and thread of
   * this model. The head is null without one, the embedding without one.
   */
  private final ElmanLayer[] layers;
  private final LinearHead head;
  private final Embedding embedding;
  private long refreshedVersion = -1; // guarded by this

  static {
    FrozenModels.install(ElmanRnn::ofFrozen);
  }

  /**
   * A model over the given weights (held, not copied), on {@link Engine#PREFERRED}.
   *
   * @param weights the weights to compute with and to train in place; they fix the config
   * @throws NullPointerException if {@code weights} is null
   */
  public ElmanRnn(Parameters weights) {
    this(weights, Engine.PREFERRED);
  }

  /**
   * A model over the given weights (held, not copied), on {@code engine}.
   *
   * @param weights the weights to compute with and to train in place; they fix the config
   * @param engine the kernels to compute with (vector or scalar)
   * @throws NullPointerException if an argument is null
   */
  public ElmanRnn(Parameters weights, Engine engine) {
    this.weights = Objects.requireNonNull(weights, "weights");
    this.engine = Objects.requireNonNull(engine, "engine");
    this.kernels = EngineKernels.of(engine);
    this.config = weights.config();
    int directions = config.directions();
    layers = new ElmanLayer[config.layers() * directions];
    for (int i = 0; i < layers.length; i++) {
      layers[i] = ElmanLayer.over(weights, i / directions, i % directions, kernels);
    }
    head = config.head() ? LinearHead.over(weights, kernels) : null;
    embedding = config.hasEmbedding() ? Embedding.over(weights) : null;
    refreshedVersion = weights.version();
  }

  private ElmanRnn(RnnConfig config, Engine engine, ElmanLayer[] layers, LinearHead head,
      Embedding embedding) {
    this.weights = null;
    this.engine = engine;
    this.kernels = EngineKernels.of(engine);
    this.config = config;
    this.layers = layers;
    this.head = head;
    this.embedding = embedding;
  }

  /**
   * A forward-only model over a copy of {@code weights} made now (later changes to them are not
   * seen): whole-sequence serving, which any number of threads may share, one workspace each.
   * {@link #backward} refuses and {@link #weights()} returns null.
   *
   * @param weights the weights to copy into the kernels' layout; later changes are not seen
   * @param engine the kernels to compute with
   * @return a forward-only model
   * @throws NullPointerException if an argument is null
   */
  public static ElmanRnn frozen(Parameters weights, Engine engine) {
    RnnConfig config = weights.config();
    Kernels kernels = EngineKernels.of(engine);
    return ofFrozen(config, engine, ElmanLayer.frozenAll(weights, kernels, Precision.FP32),
        config.head() ? LinearHead.frozen(weights, kernels, Precision.FP32) : null,
        config.hasEmbedding() ? Embedding.frozen(weights) : null);
  }

  /** See {@link FrozenModels#of}, which calls this. */
  private static ElmanRnn ofFrozen(RnnConfig config, Engine engine, ElmanLayer[] layers,
      LinearHead head, Embedding embedding) {
    if (layers.length != config.layers() * config.directions()
        || (head != null) != config.head() || (embedding != null) != config.hasEmbedding()) {
      throw new IllegalArgumentException("the frozen parts do not make a model of " + config);
    }
    return new ElmanRnn(config, Objects.requireNonNull(engine, "engine"), layers.clone(), head,
        embedding);
  }

  /**
   * A model with fresh weights drawn as the config says.
   *
   * @param config the shape, the initializer and its seed
   * @return a trainable model on {@link Engine#PREFERRED}
   */
  public static ElmanRnn initialize(RnnConfig config) {
    return new ElmanRnn(Parameters.initialize(config));
  }

  /** Hidden size, steps and passes of {@link #warmUp}'s stand-in model. */
  private static final int WARM_UP_HIDDEN = 16;

  private static final int WARM_UP_STEPS = 4;

  /**
   * Gets the training path compiled before real work: {@code passes} forward and backward passes
   * of a small model of this kind (the config's structure, activation, output function, biases
   * and input and output sizes; H = 16, 4 steps, the given batch and loss). The JIT compiles methods, not
   * shapes, so the real model then runs compiled code from its first pass; on its own a long
   * batched pass reaches its final, allocation-free form only after thousands of calls (figures
   * in docs/DESIGN-MEASUREMENTS.md). Returns how long it took.
   *
   * @param config the real model's configuration, whose structure the stand-in copies
   * @param batch sequences per pass, ≥ 1 (use the real training batch)
   * @param loss the loss to backpropagate, which decides the targets' form
   * @param passes forward-and-backward passes to run, ≥ 0
   * @return the wall-clock time spent
   * @throws IllegalArgumentException if {@code batch} &lt; 1 or {@code passes} &lt; 0, or the loss
   *     does not suit the config's output function
   * @throws NullPointerException if the config or the loss is null
   */
  public static java.time.Duration warmUp(RnnConfig config, int batch, Loss loss, int passes) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(loss, "loss");
    if (batch < 1 || passes < 0) {
      throw new IllegalArgumentException("need batch ≥ 1 and passes ≥ 0; got " + batch + ", " + passes);
    }
    long start = System.nanoTime();
    RnnConfig.Builder builder = RnnConfig.builder(config.inputSize(), WARM_UP_HIDDEN,
            config.outputSize())
        .activation(config.activation()).output(config.output()).bias(config.bias())
        .layers(config.layers()).bidirectional(config.bidirectional())
        .embedding(config.embeddingSize()).dropout(config.dropout());
    RnnConfig small = (config.head() ? builder.headBias(config.headBias()) : builder.noHead())
        .build();
    ElmanRnn model = initialize(small);
    Workspace ws = model.workspace(WARM_UP_STEPS, batch);
    int rows = WARM_UP_STEPS * batch;
    Inputs inputs = config.hasEmbedding()
        ? Inputs.tokens(new int[rows], WARM_UP_STEPS, batch)
        : Inputs.dense(new float[rows * config.inputSize()], WARM_UP_STEPS, batch);
    Targets targets = loss.takesClassIndices()
        ? Targets.everyStepClasses(new int[rows])
        : Targets.everyStep(new float[rows * small.outputSize()]);
    Parameters gradients = Parameters.zeros(small);
    for (int i = 0; i < passes; i++) {
      ws.dropoutForNextPass(i, 0);
      model.forward(ws, inputs);
      gradients.zero();
      model.backward(ws, loss, targets, gradients);
    }
    return java.time.Duration.ofNanos(System.nanoTime() - start);
  }

  /**
   * The model's shape and settings.
   *
   * @return the configuration the weights were made for
   */
  public RnnConfig config() {
    return config;
  }

  /**
   * The live weights.
   *
   * @return the weights this model computes with (not a copy); null for a {@link #frozen} model
   */
  public Parameters weights() {
    return weights;
  }

  /**
   * The engine this model computes on.
   *
   * @return the engine given at construction
   */
  public Engine engine() {
    return engine;
  }

  /**
   * Buffers for passes over {@code batch} sequences of {@code steps} steps.
   *
   * @param steps T, timesteps per sequence, ≥ 1
   * @param batch B, sequences per pass, ≥ 1
   * @return a new workspace, for one thread at a time
   * @throws IllegalArgumentException if T or B is below 1 or T·B is too large for the state arrays
   */
  public Workspace workspace(int steps, int batch) {
    return new Workspace(config, steps, batch);
  }

  /**
   * Forward pass from the zero initial state.
   *
   * @param ws buffers made for this model's shape and the inputs' T and B; filled with the pass
   * @param inputs T × B inputs, row t·B + b for step t of sequence b
   * @throws IllegalArgumentException if the inputs do not fit the workspace or the model (shape,
   *     token range, finite values, dense inputs to an embedding)
   * @throws NullPointerException if an argument is null
   */
  public void forward(Workspace ws, Inputs inputs) {
    forward(ws, inputs, null);
  }

  /**
   * Forward pass: fills the workspace's hidden states, logits and outputs, and drops units
   * between layers if {@link Workspace#dropoutForNextPass} asked for it.
   *
   * @param ws buffers made for this model's shape and the inputs' T and B; filled with the pass
   * @param inputs T × B inputs, row t·B + b for step t of sequence b
   * @param initialHidden the initial state of every layer and direction ({@code L·D·B·H}, the
   *     layout of {@link Workspace#finalHidden()}: unit {@code l·D + d}, sequence b at {@code
   *     ((l·D + d)·B + b)·H}; for one layer in one direction simply {@code B·H}), or null for
   *     zeros; not modified
   * @throws IllegalArgumentException if the inputs do not fit the workspace or the model, or
   *     {@code initialHidden} has the wrong length
   * @throws NullPointerException if the workspace or the inputs are null
   */
  public void forward(Workspace ws, Inputs inputs, float[] initialHidden) {
    requireShape(ws, inputs);
    int batch = ws.batch;
    int rowsH = batch * config.hiddenSize(); // one step of all sequences of one unit
    if (initialHidden != null && initialHidden.length != layers.length * rowsH) {
      throw new IllegalArgumentException(
          "initial hidden state length " + initialHidden.length + ", expected "
              + (layers.length > 1 ? "layers × directions " + layers.length + " × " : "")
              + "batch " + batch + " × hiddenSize " + config.hiddenSize() + " = "
              + layers.length * rowsH);
    }
    ws.inputs = inputs;
    if (inputs.mask() != null) {
      findLastRealSteps(ws, inputs.mask());
    }
    ws.dropped = ws.dropoutRequested && config.dropout() > 0f;
    ws.dropoutRequested = false;
    if (weights != null) { // a frozen model was made once: no lock shared by its threads
      refreshIfChanged();
    }
    int rows = ws.steps * batch;
    if (embedding != null) {
      embedding.gather(rows, inputs.tokens(), 0, ws.embedded, 0);
    }
    int directions = config.directions();
    for (int l = 0; l < config.layers(); l++) {
      for (int d = 0; d < directions; d++) {
        int unit = l * directions + d;
        float[] h = ws.hidden[unit];
        int initial = d == 0 ? 0 : ws.steps * rowsH;
        if (initialHidden == null) {
          Arrays.fill(h, initial, initial + rowsH, 0f);
        } else {
          System.arraycopy(initialHidden, unit * rowsH, h, initial, rowsH);
        }
        // The layer core computes as InferenceModel's steps do, so serving gives these bits.
        inputPreActivations(ws, l, layers[unit], h, stepsOffset(d, rowsH));
        for (int i = 0; i < ws.steps; i++) {
          recurStep(ws, layers[unit], h, d == 0 ? i : ws.steps - 1 - i, d, rowsH);
        }
      }
      joinOutputs(ws, l, rowsH);
    }
    float[] top = outputArray(ws, config.layers() - 1);
    int topOff = outputOffset(ws, config.layers() - 1, rowsH);
    if (head != null) {
      // z = W_y h + b_y and ŷ = g(z) for every row at once
      head.outputs(rows, top, topOff, ws.logits, ws.outputs, 0);
    } else {
      System.arraycopy(top, topOff, ws.logits, 0, rows * config.outputSize());
      LinearHead.applyOutputFunction(
          kernels, config.output(), rows, config.outputSize(), ws.logits, ws.outputs, 0);
    }
    for (int unit = 0; unit < layers.length; unit++) {
      int last = unit % directions == 0 ? ws.steps * rowsH : 0;
      System.arraycopy(ws.hidden[unit], last, ws.finalHidden, unit * rowsH, rowsH);
    }
  }

  /**
   * Where a unit's T steps start in its state array: behind the initial state going forward
   * (d = 0), at the front going back (d = 1); see {@link Workspace}.
   */
  private static int stepsOffset(int direction, int rowsH) {
    return direction == 0 ? rowsH : 0;
  }

  /** {@code a_t = b_h + W_x x_t} for every row of layer l's input, into its steps' places. */
  private void inputPreActivations(Workspace ws, int l, ElmanLayer layer, float[] a, int aOff) {
    int rows = ws.steps * ws.batch;
    Inputs inputs = ws.inputs;
    if (l > 0) {
      layer.inputPreActivations(rows, outputArray(ws, l - 1),
          outputOffset(ws, l - 1, ws.batch * config.hiddenSize()), a, aOff);
    } else if (embedding != null) {
      layer.inputPreActivations(rows, ws.embedded, 0, a, aOff);
    } else if (inputs.isTokens()) {
      layer.tokenPreActivations(rows, inputs.tokens(), 0, a, aOff);
    } else {
      layer.inputPreActivations(rows, inputs.values(), 0, a, aOff);
    }
  }

  /**
   * Step t of one unit for the whole batch: {@code a_t = (b_h + W_x x_t) + W_h h_{t∓1}}, then
   * {@code h_t = f(a_t)} in place; padding steps carry {@code h_{t∓1}}.
   */
  private void recurStep(Workspace ws, ElmanLayer layer, float[] h, int t, int d, int rowsH) {
    int current = (t + 1 - d) * rowsH;
    int previous = (t + d) * rowsH;
    layer.addRecurrent(ws.batch, h, previous, h, current);
    layer.activate(ws.batch, h, current, h, current);
    boolean[] mask = ws.inputs.mask();
    if (mask != null) {
      int hiddenSize = config.hiddenSize();
      for (int b = 0; b < ws.batch; b++) {
        if (!mask[t * ws.batch + b]) {
          System.arraycopy(h, previous + b * hiddenSize, h, current + b * hiddenSize, hiddenSize);
        }
      }
    }
  }

  /**
   * Layer l's output rows {@code [h→_t ; h←_t]}, where they are not read in place: joined side
   * by side when bidirectional, and times a fresh dropout mask when they feed a layer above in a
   * training pass.
   */
  private void joinOutputs(Workspace ws, int l, int rowsH) {
    if (!usesJoined(ws, l)) {
      return; // the layer above reads the states in place
    }
    float[] joined = ws.joined[l];
    int hiddenSize = config.hiddenSize();
    int directions = config.directions();
    int width = config.stateWidth();
    int rows = ws.steps * ws.batch;
    for (int d = 0; d < directions; d++) {
      float[] h = ws.hidden[l * directions + d];
      int from = stepsOffset(d, rowsH);
      for (int r = 0; r < rows; r++) {
        int source = outputRow(ws, d, r);
        System.arraycopy(h, from + source * hiddenSize, joined, r * width + d * hiddenSize,
            hiddenSize);
      }
    }
    float[] scale = ws.dropoutScale[l];
    if (scale != null && ws.dropped) {
      for (int r = 0; r < rows; r++) {
        Dropout.drawRow(ws.dropoutSeed, config.dropout(), l, r / ws.batch,
            ws.firstSequence + r % ws.batch, scale, r * width, width);
      }
      for (int i = 0; i < rows * width; i++) {
        joined[i] *= scale[i];
      }
    }
  }

  /**
   * The row whose state direction d outputs at row r: r itself, except in a sequence's trailing
   * padding, where the reverse direction outputs its state at the sequence's last real step (the
   * forward direction carries that state there anyway). So each row of a padded sequence's tail
   * holds both directions' states at its last real step, PyTorch's output at that step.
   */
  private static int outputRow(Workspace ws, int d, int r) {
    if (d == 0 || ws.inputs.mask() == null) {
      return r;
    }
    int t = r / ws.batch;
    int b = r % ws.batch;
    int last = ws.lastRealStep[b];
    return last >= 0 && t > last ? last * ws.batch + b : r;
  }

  /** Each sequence's last real step (−1 when it has none), for {@link #outputRow}. */
  private static void findLastRealSteps(Workspace ws, boolean[] mask) {
    for (int b = 0; b < ws.batch; b++) {
      int t = ws.steps - 1;
      while (t >= 0 && !mask[t * ws.batch + b]) {
        t--;
      }
      ws.lastRealStep[b] = t;
    }
  }

  /** The array holding layer l's output rows: its joined rows, or its forward states. */
  private float[] outputArray(Workspace ws, int l) {
    return usesJoined(ws, l) ? ws.joined[l] : ws.hidden[l * config.directions()];
  }

  private int outputOffset(Workspace ws, int l, int rowsH) {
    return usesJoined(ws, l) ? 0 : rowsH;
  }

  /** Whether layer l's outputs are read from its joined rows (else from its states in place). */
  private boolean usesJoined(Workspace ws, int l) {
    return config.bidirectional() || (ws.dropped && ws.dropoutScale[l] != null);
  }

  /**
   * Makes the layers and head again if the weights may have changed. Synchronized: the shards of
   * a data-parallel update call forward together, after the update that changed the weights;
   * the first refreshes, the others find it done (and see its arrays).
   */
  private synchronized void refreshIfChanged() {
    long version = weights.version();
    if (version != refreshedVersion) {
      for (ElmanLayer layer : layers) {
        layer.refresh();
      }
      if (head != null) {
        head.refresh();
      }
      refreshedVersion = version;
    }
  }

  /**
   * The loss of the last forward pass: the mean over the batch's sequences of each sequence's
   * summed per-step loss (so for one sequence, {@code L = Σ_t ℓ_t}). Writes the workspace's
   * output deltas, nothing else.
   *
   * @param ws the workspace of the last forward pass
   * @param loss the per-step loss; must suit the model's output function
   * @param targets the targets, at every step or the last, for the workspace's T and B
   * @return the mean over the B sequences of each one's summed per-step loss
   * @throws IllegalArgumentException if the loss does not suit the output function or the
   *     targets do not fit the pass (shape, form, class range)
   * @throws IllegalStateException if no forward pass has run on {@code ws}
   */
  public double loss(Workspace ws, Loss loss, Targets targets) {
    requireForward(ws);
    return lossAndOutputDeltas(ws, loss, targets);
  }

  /**
   * BPTT over the last forward pass: adds {@code ∂L/∂θ} for every parameter to {@code gradients}
   * (accumulating, so several passes can be summed), and leaves {@code ∂L/∂h_{-1}} of every layer
   * and direction and, for dense inputs, {@code ∂L/∂x_t} in the workspace. Returns the loss, as
   * {@link #loss} defines it.
   *
   * @param ws the workspace of the last forward pass; its deltas and gradient norms are written
   * @param loss the per-step loss; must suit the model's output function
   * @param targets the targets, at every step or the last, for the workspace's T and B
   * @param gradients the accumulator, of the weights' shapes; {@code ∂L/∂θ} is added to it
   * @return the loss of the pass, as {@link #loss} returns it
   * @throws IllegalArgumentException if the loss does not suit the output function, the targets
   *     do not fit the pass, or the gradients' shapes differ from the weights'
   * @throws IllegalStateException if the model is frozen or no forward pass has run on {@code ws}
   */
  public double backward(Workspace ws, Loss loss, Targets targets, Parameters gradients) {
    if (weights == null) {
      throw new IllegalStateException("a frozen (serving) model has no backward pass");
    }
    requireForward(ws);
    weights.requireSameShape(Objects.requireNonNull(gradients, "gradients"));
    double value = lossAndOutputDeltas(ws, loss, targets);

    int batch = ws.batch;
    int rows = ws.steps * batch;
    int rowsH = batch * config.hiddenSize();
    int top = config.layers() - 1;
    for (float[] delta : ws.hiddenDelta) {
      Arrays.fill(delta, 0f);
    }
    // Head for all rows at once: dW_y, db_y, and ∂L/∂(top outputs) = W_yᵀ δz_t; without a head
    // the outputs are the top states, so δz is their gradient.
    float[] topDelta = outputDeltaArray(ws, top);
    int topDeltaOff = outputOffset(ws, top, rowsH);
    if (usesJoined(ws, top)) {
      Arrays.fill(topDelta, 0f);
    }
    if (head != null) {
      head.backward(rows, ws.outputDelta, outputArray(ws, top), outputOffset(ws, top, rowsH),
          gradients, topDelta, topDeltaOff);
    } else {
      kernels.axpy(1f, ws.outputDelta, 0, topDelta, topDeltaOff, rows * config.outputSize());
    }
    for (int l = top; l >= 0; l--) {
      splitOutputDeltas(ws, l, rowsH);
      if (l > 0 && usesJoined(ws, l - 1)) {
        Arrays.fill(ws.joinedDelta[l - 1], 0f);
      }
      for (int d = 0; d < config.directions(); d++) {
        backwardUnit(ws, l, d, rowsH, gradients);
      }
      if (l == 0 && embedding != null) {
        embedding.addGradients(rows, ws.inputs.tokens(), ws.embeddedDelta, gradients);
      }
    }
    return value;
  }

  private float[] outputDeltaArray(Workspace ws, int l) {
    return usesJoined(ws, l) ? ws.joinedDelta[l] : ws.hiddenDelta[l * config.directions()];
  }

  /**
   * Layer l's output gradient into its units' deltas, where it was gathered in joined rows:
   * each direction's half of each row, times the dropout mask the forward pass applied.
   */
  private void splitOutputDeltas(Workspace ws, int l, int rowsH) {
    if (!usesJoined(ws, l)) {
      return; // accumulated in place
    }
    float[] joinedDelta = ws.joinedDelta[l];
    float[] scale = ws.dropoutScale[l];
    int rows = ws.steps * ws.batch;
    int width = config.stateWidth();
    if (ws.dropped && scale != null) {
      for (int i = 0; i < rows * width; i++) {
        joinedDelta[i] *= scale[i];
      }
    }
    int hiddenSize = config.hiddenSize();
    for (int d = 0; d < config.directions(); d++) {
      float[] delta = ws.hiddenDelta[l * config.directions() + d];
      int to = stepsOffset(d, rowsH);
      for (int r = 0; r < rows; r++) {
        kernels.axpy(1f, joinedDelta, r * width + d * hiddenSize, delta,
            to + outputRow(ws, d, r) * hiddenSize, hiddenSize);
      }
    }
  }

  /**
   * Backward through one unit: the serial steps in reverse processing order, its initial
   * state's gradient, then its weight gradients and its input's gradient as products over all
   * rows.
   */
  private void backwardUnit(Workspace ws, int l, int d, int rowsH, Parameters gradients) {
    int unit = l * config.directions() + d;
    float[] delta = ws.hiddenDelta[unit];
    float[] h = ws.hidden[unit];
    ElmanLayer layer = layers[unit];
    for (int i = ws.steps - 1; i >= 0; i--) {
      backpropagateStep(ws, layer, unit, d == 0 ? i : ws.steps - 1 - i, d, rowsH);
    }
    int initial = d == 0 ? 0 : ws.steps * rowsH;
    System.arraycopy(delta, initial, ws.initialHiddenDelta, unit * rowsH, rowsH);

    // dW_h += DAᵀ H_prev, db_h += Σ da, then dW_x and ∂L/∂X (the layer below's output gradient).
    int rows = ws.steps * ws.batch;
    int steps = stepsOffset(d, rowsH);
    layer.addRecurrentGradients(rows, delta, steps, h, d * rowsH, gradients);
    Inputs inputs = ws.inputs;
    if (l > 0) {
      layer.addInputGradients(rows, delta, steps, outputArray(ws, l - 1),
          outputOffset(ws, l - 1, rowsH), gradients, outputDeltaArray(ws, l - 1),
          outputOffset(ws, l - 1, rowsH));
    } else if (embedding != null) {
      if (d == 0) {
        Arrays.fill(ws.embeddedDelta, 0f);
      }
      layer.addInputGradients(rows, delta, steps, ws.embedded, 0, gradients, ws.embeddedDelta, 0);
    } else if (inputs.isTokens()) {
      layer.addTokenGradients(rows, delta, steps, inputs.tokens(), gradients);
    } else {
      if (d == 0) {
        Arrays.fill(ws.inputDelta, 0f);
      }
      layer.addInputGradients(rows, delta, steps, inputs.values(), 0, gradients, ws.inputDelta, 0);
    }
  }

  /**
   * One step back through time: {@code ‖∂L/∂h_t‖}, padding, then the layer's {@code da_t = dh_t
   * ⊙ f'(a_t)} and {@code dh_{t∓1} += W_hᵀ da_t}. Its own method, called T times a pass, so the
   * JIT compiles it (fully, allocation-free) after a few hundred passes rather than after
   * thousands of a long batched backward.
   */
  private void backpropagateStep(Workspace ws, ElmanLayer layer, int unit, int t, int d,
      int rowsH) {
    int current = (t + 1 - d) * rowsH;
    int previous = (t + d) * rowsH;
    float[] delta = ws.hiddenDelta[unit];
    // ‖∂L/∂h_t‖ over the batch: how far the gradient reaches back (vanishing or exploding)
    ws.hiddenGradientNorms[unit][t] = (float) Math.sqrt(kernels.sumOfSquares(delta, current, rowsH));
    boolean[] mask = ws.inputs.mask();
    if (mask != null) {
      passPaddedDeltas(mask, t, ws.batch, config.hiddenSize(), delta, previous, current);
    }
    layer.backwardStep(ws.batch, ws.hidden[unit], current, delta, current, previous);
  }

  /**
   * At a padding step {@code h_t = h_{t∓1}}, so its gradient passes straight to {@code h_{t∓1}}
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
    if (!sameShape(ws.config, config)) {
      throw new IllegalArgumentException("the workspace was made for a model of another shape");
    }
    if (embedding != null && !inputs.isTokens()) {
      throw new IllegalArgumentException(
          "a model with an embedding reads token indices; got dense inputs");
    }
    inputs.validate(config.inputSize());
  }

  /** Whether buffers made for {@code a} fit a model of {@code b} (seeds and the like aside). */
  private static boolean sameShape(RnnConfig a, RnnConfig b) {
    return a.inputSize() == b.inputSize() && a.hiddenSize() == b.hiddenSize()
        && a.outputSize() == b.outputSize() && a.layers() == b.layers()
        && a.bidirectional() == b.bidirectional() && a.embeddingSize() == b.embeddingSize()
        && (a.dropout() > 0f) == (b.dropout() > 0f);
  }

  private static void requireForward(Workspace ws) {
    if (Objects.requireNonNull(ws, "workspace").inputs == null) {
      throw new IllegalStateException("no forward pass has run on this workspace");
    }
  }
}
