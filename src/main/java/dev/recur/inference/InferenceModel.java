package dev.recur.inference;

import dev.recur.Engine;
import dev.recur.Parameters;
import dev.recur.Precision;
import dev.recur.RnnConfig;
import dev.recur.kernel.Kernels;
import dev.recur.ElmanRnn;
import dev.recur.layer.ElmanLayer;
import dev.recur.layer.Embedding;
import dev.recur.layer.EngineKernels;
import dev.recur.layer.FrozenModels;
import dev.recur.layer.LinearHead;
import java.time.Duration;
import java.util.Objects;

/**
 * An Elman RNN frozen for serving: its own copy of the weights, never modified after
 * construction, so one instance can be shared by any number of threads with no locking. Each
 * event stream gets its own {@link RnnStream} (or a row of a {@link StreamBatch}), which holds
 * the hidden state of every layer and the buffers a step needs.
 *
 * <p>A step computes the same numbers as {@link dev.recur.ElmanRnn#forward} does for that step,
 * bit for bit: the same kernels in the same order, layer by layer.
 *
 * <p>A bidirectional model has no streams: its output at step t depends on every later input.
 * It runs whole sequences with {@link #sequences} (as any model can).
 */
public final class InferenceModel {

  private final RnnConfig config;
  private final Engine engine;
  private final Kernels kernels;
  private final Precision precision;
  /**
   * The layer and the head in the kernels' layout (see {@link ElmanLayer}): the same code the
   * training forward pass runs, so a step gives that pass's bits.
   */
  private final ElmanLayer[] layers;
  private final LinearHead head;
  private final Embedding embedding;
  /** What this model computes, as a hash: see {@link #fingerprint()}; computed once, here. */
  private final long fingerprint;
  /** The whole-sequence model, made on first use (see {@link #sequences}). */
  private volatile ElmanRnn sequenceModel;

  /**
   * Freezes a copy of {@code weights} on {@link Engine#PREFERRED}, in float32.
   *
   * @param weights the trained weights, copied now; later changes to them are not seen
   * @throws NullPointerException if {@code weights} is null
   */
  public InferenceModel(Parameters weights) {
    this(weights, Engine.PREFERRED);
  }

  /**
   * Freezes a copy of {@code weights} on {@link Engine#PREFERRED}, its weight matrices held in
   * {@code precision} (see {@link Precision}).
   *
   * @param weights the trained weights, copied (and rounded to {@code precision}) now
   * @param precision how the weight matrices are held: FP32, BF16 or INT8
   * @throws NullPointerException if an argument is null
   */
  public InferenceModel(Parameters weights, Precision precision) {
    this(weights, Engine.PREFERRED, precision);
  }

  /**
   * Freezes a copy of {@code weights} on {@code engine}, in float32.
   *
   * @param weights the trained weights, copied now; later changes to them are not seen
   * @param engine the kernels to compute with (vector or scalar)
   * @throws NullPointerException if an argument is null
   */
  public InferenceModel(Parameters weights, Engine engine) {
    this(weights, engine, Precision.FP32);
  }

  /**
   * Freezes a copy of {@code weights} on {@code engine}, its weight matrices held in {@code
   * precision} (see {@link Precision}: a bf16 model reads half the bytes per step).
   *
   * @param weights the trained weights, copied (and rounded to {@code precision}) now
   * @param engine the kernels to compute with (vector or scalar)
   * @param precision how the weight matrices are held: FP32, BF16 or INT8
   * @throws NullPointerException if an argument is null
   */
  public InferenceModel(Parameters weights, Engine engine, Precision precision) {
    Objects.requireNonNull(weights, "weights");
    this.engine = Objects.requireNonNull(engine, "engine");
    this.kernels = EngineKernels.of(engine);
    this.precision = Objects.requireNonNull(precision, "precision");
    config = weights.config();
    layers = ElmanLayer.frozenAll(weights, kernels, precision);
    head = config.head() ? LinearHead.frozen(weights, kernels, precision) : null;
    embedding = config.hasEmbedding() ? Embedding.frozen(weights) : null;
    fingerprint = ModelFingerprint.of(weights);
  }

  /**
   * The model's shape and settings.
   *
   * @return the configuration of the frozen weights
   */
  public RnnConfig config() {
    return config;
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
   * How the weight matrices are held.
   *
   * @return the precision given at construction ({@link Precision#FP32} unless one was)
   */
  public Precision precision() {
    return precision;
  }

  /**
   * A new stream, starting from the zero state; refused for a bidirectional model.
   *
   * @return a stream for one thread at a time, holding its own state and buffers
   * @throws IllegalStateException if the model is bidirectional
   */
  public RnnStream newStream() {
    requireStreamable();
    return new RnnStream(this);
  }

  /**
   * {@code streams} independent streams stepped together, each from the zero state.
   *
   * @param streams B, the number of streams, ≥ 1
   * @return a batch for one thread at a time
   * @throws IllegalArgumentException if {@code streams} &lt; 1
   * @throws IllegalStateException if the model is bidirectional
   */
  public StreamBatch newBatch(int streams) {
    requireStreamable();
    return new StreamBatch(this, streams);
  }

  private void requireStreamable() {
    if (config.bidirectional()) {
      throw new IllegalStateException(
          "a bidirectional model cannot be stepped as a stream: its output at each step depends "
              + "on later inputs; run whole sequences with InferenceModel.sequences(...)");
    }
  }

  /**
   * The whole-sequence forward pass on these frozen weights: run it with {@link
   * ElmanRnn#forward} on a {@link ElmanRnn#workspace} held per thread (0 bytes per pass after
   * the first), and read {@link dev.recur.Workspace#outputs()}. The only way to serve a
   * bidirectional model; for a unidirectional one it gives the bits of streams stepped through
   * the same inputs. It computes through this model's own frozen layers (no copy of the
   * weights); shared by all threads, made on the first call.
   *
   * @return a forward-only {@link ElmanRnn} (its {@code backward} refuses), the same instance on
   *     every call
   */
  public ElmanRnn sequences() {
    ElmanRnn model = sequenceModel;
    if (model == null) {
      synchronized (this) {
        model = sequenceModel;
        if (model == null) {
          model = FrozenModels.of(config, engine, layers, head, embedding); // shared
          sequenceModel = model;
        }
      }
    }
    return model;
  }

  /**
   * The values of one stream's state: every layer's h, layer l at {@code l·H}.
   *
   * @return L·H, the floats of one stream's hidden state
   */
  public int stateSize() {
    return config.layers() * config.hiddenSize();
  }

  /**
   * A 64-bit hash of what this model computes: its sizes, layers, direction, embedding, head,
   * activation and output function, and the bits of every weight as frozen (PyTorch's paired
   * hidden biases summed, as a step adds them). Models frozen from the same weights share it,
   * whichever kernels they run on and whichever {@link Precision} holds their weights: the
   * weights enter it as given, before rounding, so a stream's state moves between the FP32, BF16
   * and INT8 models of one set of weights, whose steps differ only by that rounding (a service
   * changing its serving precision keeps its streams). Training-only settings (initializer, seed,
   * dropout) do not enter it. A {@link StreamSnapshot} carries it, so a state is never restored into another
   * model. Computed once, when the model is built; a hash against accidents, not an adversary.
   *
   * @return the 64-bit hash
   */
  public long fingerprint() {
    return fingerprint;
  }

  /**
   * The bytes of one stream's {@link StreamSnapshot}: {@code 32 + 4·}{@link #stateSize()}, for
   * a caller sizing the buffer it hands to {@link RnnStream#snapshot(byte[], int)}.
   *
   * @return the snapshot size in bytes
   */
  public int snapshotSize() {
    return StreamSnapshot.sizeOf(this);
  }

  /**
   * What {@link #warmUp(int)} did: how many steps of each kind, and how long it took.
   *
   * @param steps the steps run of each kind (for a bidirectional model, the steps asked for)
   * @param took the wall-clock time of the whole warm-up
   */
  public record WarmUp(int steps, Duration took) {}

  /** The steps of each kind {@link #warmUp()} runs; see the README for what they buy. */
  public static final int DEFAULT_WARM_UP_STEPS = 2_000;

  /**
   * {@link #warmUp(int)} with {@link #DEFAULT_WARM_UP_STEPS}.
   *
   * @return the steps run and the time taken
   */
  public WarmUp warmUp() {
    return warmUp(DEFAULT_WARM_UP_STEPS);
  }

  /**
   * Runs {@code steps} steps of each kind a service uses (dense and token input, or tokens only
   * for a model with an embedding; single stream and a batch of 8) on private streams, so the
   * JIT compiles the hot paths for this model's shapes before the first real request. A
   * bidirectional model has no streams: it runs about {@code steps} steps of whole sequences
   * through {@link #sequences()} instead. Touches no state but its own; results do not change (the
   * kernels give the same bits compiled or not).
   *
   * @param steps steps of each kind, ≥ 0
   * @return the steps run and the time taken
   * @throws IllegalArgumentException if {@code steps} is negative
   */
  public WarmUp warmUp(int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("warm-up steps must be at least 0; got " + steps);
    }
    long start = System.nanoTime();
    if (config.bidirectional()) {
      warmUpSequences(steps);
    } else {
      warmUpStreams(steps);
    }
    return new WarmUp(steps, Duration.ofNanos(System.nanoTime() - start));
  }

  /** Steps of one stream and of a batch of 8, with dense inputs unless the model embeds tokens. */
  private void warmUpStreams(int steps) {
    int in = config.inputSize();
    boolean dense = !config.hasEmbedding();
    RnnStream stream = newStream();
    StreamBatch batch = newBatch(WARM_UP_BATCH);
    float[] x = new float[in];
    float[] xs = new float[WARM_UP_BATCH * in];
    int[] tokens = new int[WARM_UP_BATCH];
    for (int i = 0; i < steps; i++) {
      float value = (float) Math.sin(i * 0.37); // bounded, varied inputs: no NaN, no saturation
      java.util.Arrays.fill(tokens, i % in);
      stream.step(i % in);
      batch.step(tokens);
      if (dense) {
        java.util.Arrays.fill(x, value);
        java.util.Arrays.fill(xs, -value);
        stream.step(x);
        batch.step(xs);
      }
    }
  }

  /** As many steps in whole sequences of {@value #WARM_UP_SEQUENCE} steps, 8 at a time. */
  private void warmUpSequences(int steps) {
    ElmanRnn model = sequences();
    dev.recur.Workspace buffer = model.workspace(WARM_UP_SEQUENCE, WARM_UP_BATCH);
    int rows = WARM_UP_SEQUENCE * WARM_UP_BATCH;
    int in = config.inputSize();
    int[] tokens = new int[rows];
    float[] x = new float[config.hasEmbedding() ? 0 : rows * in];
    for (int pass = 0; pass * rows < steps; pass++) {
      for (int r = 0; r < rows; r++) {
        tokens[r] = (pass + r) % in;
      }
      java.util.Arrays.fill(x, (float) Math.sin(pass * 0.37));
      model.forward(buffer, config.hasEmbedding()
          ? dev.recur.Inputs.tokens(tokens, WARM_UP_SEQUENCE, WARM_UP_BATCH)
          : dev.recur.Inputs.dense(x, WARM_UP_SEQUENCE, WARM_UP_BATCH));
    }
  }

  private static final int WARM_UP_SEQUENCE = 16;

  private static final int WARM_UP_BATCH = 8;

  /**
   * A copy of the frozen weights (b_h already summed for {@link dev.recur.Bias#PYTORCH_PAIR}: b_hh
   * is 0).
   *
   * @return new parameters of the model's config, holding the weights as frozen (rounded to the
   *     precision)
   */
  public Parameters weights() {
    Parameters copy = Parameters.zeros(config);
    for (ElmanLayer layer : layers) {
      layer.copyInto(copy);
    }
    if (head != null) {
      head.copyInto(copy);
    }
    if (embedding != null) {
      embedding.copyInto(copy);
    }
    return copy;
  }

  /**
   * The scratch a step of {@code rows} streams needs: {@code rows·H} for the pre-activations,
   * and {@code rows·E} behind them for embedded tokens.
   */
  int scratchSize(int rows) {
    return rows * (config.hiddenSize() + config.embeddingSize());
  }

  /**
   * One step of {@code rows} streams with dense inputs ({@code rows·I} values from {@code
   * inputOff}), in place: {@code hidden} ({@code L·rows·H}: layer l's rows from {@code l·rows·H},
   * row b at {@code b·H} within) becomes every layer's {@code h_t}; {@code logits} and {@code
   * outputs} ({@code rows·O}) get {@code z_t} and {@code ŷ_t}; {@code scratch} has {@link
   * #scratchSize} entries. The inputs are already checked.
   */
  void stepDense(
      int rows, float[] inputs, int inputOff, float[] hidden, float[] scratch, float[] logits,
      float[] outputs) {
    bottomLayer(rows, inputs, inputOff, hidden, scratch);
    finishStep(rows, hidden, scratch, logits, outputs);
  }

  /** {@link #stepDense} for token inputs: {@code rows} tokens from {@code tokenOff}. */
  void stepTokens(
      int rows, int[] tokens, int tokenOff, float[] hidden, float[] scratch, float[] logits,
      float[] outputs) {
    if (embedding != null) {
      int embedded = rows * config.hiddenSize();
      embedding.gather(rows, tokens, tokenOff, scratch, embedded);
      bottomLayer(rows, scratch, embedded, hidden, scratch);
    } else {
      layers[0].tokenPreActivations(rows, tokens, tokenOff, scratch, 0);
      layers[0].addRecurrent(rows, hidden, 0, scratch, 0);
      layers[0].activate(rows, scratch, 0, hidden, 0);
    }
    finishStep(rows, hidden, scratch, logits, outputs);
  }

  /** Layer 0's step from dense rows (the inputs, or embedded tokens). */
  private void bottomLayer(int rows, float[] x, int xOff, float[] hidden, float[] scratch) {
    stepLayer(layers[0], rows, x, xOff, hidden, 0, scratch);
  }

  /**
   * {@code a = b_h + W_x x + W_h h_{t-1}} then {@code h_t = f(a)} for one layer's rows (state at
   * {@code hOff}), with the sums of the training pass: for one row both products in one pass,
   * for many the input product then the recurrent one.
   */
  private static void stepLayer(ElmanLayer layer, int rows, float[] x, int xOff, float[] hidden,
      int hOff, float[] scratch) {
    if (rows == 1) {
      layer.preActivation(x, xOff, hidden, hOff, scratch, 0);
    } else {
      layer.inputPreActivations(rows, x, xOff, scratch, 0);
      layer.addRecurrent(rows, hidden, hOff, scratch, 0);
    }
    layer.activate(rows, scratch, 0, hidden, hOff);
  }

  /** With layer 0 stepped: the layers above (each reading the one below's new state), then the head. */
  private void finishStep(
      int rows, float[] hidden, float[] scratch, float[] logits, float[] outputs) {
    int rowsH = rows * config.hiddenSize();
    for (int l = 1; l < layers.length; l++) {
      stepLayer(layers[l], rows, hidden, (l - 1) * rowsH, hidden, l * rowsH, scratch);
    }
    int top = (layers.length - 1) * rowsH;
    if (head != null) {
      head.outputs(rows, hidden, top, logits, outputs, 0);
    } else {
      System.arraycopy(hidden, top, logits, 0, rowsH);
      LinearHead.applyOutputFunction(kernels, config.output(), rows, rowsH / rows, logits, outputs, 0);
    }
  }
}
