package dev.recur;

import java.util.Arrays;
import java.util.Objects;

/**
 * Truncated BPTT over long streams, TBPTT(k1, k2) of Williams and Peng: the streams arrive in
 * chunks of k1 steps; after each chunk the loss of its k1 steps is backpropagated through the last
 * k2 ≥ k1 steps, and the hidden state is carried on to the next chunk.
 *
 * <p>It keeps a window of the last k2 steps of input. For k2 = k1 (char-rnn's setting) the window
 * is the chunk itself. For k2 &gt; k1 the window also holds the k2 - k1 steps before the chunk, and
 * they are run forward again from the state saved at the window's start: {@code (k2 - k1)/k2} of
 * the forward work is repeated, in exchange for needing nothing but a plain forward pass. Until
 * the streams have k2 steps of history, the missing steps at the front are padding (the state
 * stays at its initial value there), which is exactly a stream that starts later.
 *
 * <p>B streams run side by side, one per batch row. Not thread-safe.
 */
public final class TruncatedBptt {

  private final ElmanRnn model;
  private final int chunk;
  private final int depth;
  private final int batch;
  private final Workspace workspace;
  /** The window's inputs: k2 steps, in {@link Inputs}' layout, shifted left by k1 each chunk. */
  private final float[] windowValues;
  private final int[] windowTokens;
  private final boolean[] windowMask;
  /** The hidden state just before the window's first step. */
  private final float[] windowStart;
  /** The hidden state after the last step trained. */
  private final float[] latest;
  private final Inputs windowInputs;
  /** The chunk's targets, copied so the window's {@link Targets} are built once, not per call. */
  private final float[] targetValues;
  private final int[] targetClasses;
  private final Targets windowValueTargets;
  private final Targets windowClassTargets;
  private int seen;

  /**
   * Truncated BPTT of {@code model} over {@code batch} parallel streams.
   *
   * @param model a unidirectional model; its weights are read, not changed
   * @param chunk k1, the steps per call of {@link #train}, ≥ 1
   * @param depth k2 ≥ k1, the steps the gradient flows back
   * @param batch the number of parallel streams, ≥ 1
   * @param tokens whether inputs are token indices (else dense vectors)
   * @throws IllegalArgumentException if k1 &lt; 1, k2 &lt; k1, B &lt; 1, or the model is
   *     bidirectional
   * @throws NullPointerException if {@code model} is null
   */
  public TruncatedBptt(ElmanRnn model, int chunk, int depth, int batch, boolean tokens) {
    this.model = Objects.requireNonNull(model, "model");
    if (chunk < 1 || depth < chunk) {
      throw new IllegalArgumentException(
          "need 1 ≤ chunk k1 ≤ depth k2; got k1 = " + chunk + ", k2 = " + depth);
    }
    if (model.config().bidirectional()) {
      throw new IllegalArgumentException(
          "truncated BPTT carries the state forward from chunk to chunk; a bidirectional model's "
              + "reverse direction would need the inputs that come after the chunk");
    }
    this.chunk = chunk;
    this.depth = depth;
    this.batch = batch;
    workspace = model.workspace(depth, batch);
    int state = model.config().layers() * batch * model.config().hiddenSize();
    windowStart = new float[state];
    latest = new float[state];
    windowMask = new boolean[depth * batch];
    targetValues = new float[chunk * batch * model.config().outputSize()];
    targetClasses = new int[chunk * batch];
    windowValueTargets = Targets.everyStepFrom(depth - chunk, targetValues);
    windowClassTargets = Targets.everyStepClassesFrom(depth - chunk, targetClasses);
    if (tokens) {
      windowTokens = new int[depth * batch];
      windowValues = null;
      windowInputs = Inputs.tokens(windowTokens, depth, batch).withMask(windowMask);
    } else {
      windowValues = new float[depth * batch * model.config().inputSize()];
      windowTokens = null;
      windowInputs = Inputs.dense(windowValues, depth, batch).withMask(windowMask);
    }
  }

  /** Starts every stream again from the zero state. */
  public void reset() {
    seen = 0;
    Arrays.fill(windowStart, 0f);
    Arrays.fill(latest, 0f);
    Arrays.fill(windowMask, false);
  }

  /**
   * Runs the next chunk: forward over the window, loss on the chunk's k1 steps, BPTT over the
   * window, gradients added to {@code gradients}. Returns the chunk's loss (mean over streams of
   * the sum over its steps).
   *
   * @param inputs the chunk: k1 steps of the B streams, unmasked, tokens or dense as built
   * @param loss the per-step loss; must suit the model's output function
   * @param targets every-step targets for the chunk's k1 steps
   * @param gradients the accumulator, of the weights' shapes; the chunk's gradient is added
   * @return the chunk's loss: the mean over the B streams of the sum over its k1 steps
   * @throws IllegalArgumentException if the chunk is not k1 × B, is masked or of the other input
   *     kind, the targets are not every-step from step 0 or do not fit, or the loss does not suit
   *     the output function
   * @throws NullPointerException if the inputs or the targets are null
   */
  public double train(Inputs inputs, Loss loss, Targets targets, Parameters gradients) {
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(targets, "targets");
    if (inputs.steps() != chunk || inputs.batch() != batch) {
      throw new IllegalArgumentException(
          "chunk of steps " + inputs.steps() + " × batch " + inputs.batch() + ", expected steps "
              + chunk + " × batch " + batch);
    }
    if (inputs.isTokens() != (windowTokens != null) || inputs.mask() != null) {
      throw new IllegalArgumentException(
          "chunk inputs must be unmasked " + (windowTokens != null ? "tokens" : "dense vectors"));
    }
    if (!targets.everyStep() || targets.firstStep(chunk) != 0) {
      throw new IllegalArgumentException("truncated BPTT needs a target at every step of the chunk");
    }
    inputs.validate(model.config().inputSize());
    targets.validate(loss, chunk, batch, model.config().outputSize());
    slideWindow(inputs);
    Targets windowTargets;
    if (loss.takesClassIndices()) {
      System.arraycopy(targets.classes(), 0, targetClasses, 0, targetClasses.length);
      windowTargets = windowClassTargets;
    } else {
      System.arraycopy(targets.values(), 0, targetValues, 0, targetValues.length);
      windowTargets = windowValueTargets;
    }
    // dropout masks differ from chunk to chunk, reproducibly
    workspace.dropoutForNextPass(SplitMix64.mix(model.config().seed() + seen), 0);
    model.forward(workspace, windowInputs, windowStart);
    double value = model.backward(workspace, loss, windowTargets, gradients);
    // The next window starts k1 steps later: its initial state is every layer's h at window
    // step k1 - 1.
    int rowsH = batch * model.config().hiddenSize();
    for (int l = 0; l < model.config().layers(); l++) {
      System.arraycopy(workspace.hidden[l], chunk * rowsH, windowStart, l * rowsH, rowsH);
      System.arraycopy(workspace.hidden[l], depth * rowsH, latest, l * rowsH, rowsH);
    }
    seen += chunk;
    return value;
  }

  /** Drops the oldest k1 steps, appends the chunk, and marks steps before the streams' start. */
  private void slideWindow(Inputs inputs) {
    int keep = depth - chunk;
    if (windowTokens != null) {
      System.arraycopy(windowTokens, chunk * batch, windowTokens, 0, keep * batch);
      System.arraycopy(inputs.tokens(), 0, windowTokens, keep * batch, chunk * batch);
    } else {
      int stepSize = batch * model.config().inputSize();
      System.arraycopy(windowValues, chunk * stepSize, windowValues, 0, keep * stepSize);
      System.arraycopy(inputs.values(), 0, windowValues, keep * stepSize, chunk * stepSize);
    }
    int history = Math.min(seen + chunk, depth); // real steps in the window
    Arrays.fill(windowMask, 0, (depth - history) * batch, false);
    Arrays.fill(windowMask, (depth - history) * batch, depth * batch, true);
  }

  /**
   * The carried hidden state: every layer's {@code h} after the last step trained, L·B·H entries
   * (layer l's stream b at {@code (l·B + b)·H}); a live view, valid until the next call.
   *
   * @return the live array of L·B·H floats; zeros before the first chunk and after {@link #reset}
   */
  public float[] hidden() {
    return latest;
  }

  /**
   * What the next chunk depends on besides the weights, copied out for a checkpoint: the steps
   * seen, the state before the window and after its last step, and the window's inputs (tokens or
   * dense values; the other is null).
   *
   * @param seen steps trained since the start or the last reset, ≥ 0
   * @param windowStart every layer's state before the window's first step, L·B·H floats
   * @param latest every layer's state after the last step trained, L·B·H floats
   * @param windowTokens the window's k2·B tokens, row {@code t·B + b}; null for dense inputs
   * @param windowValues the window's k2·B·I values, row {@code t·B + b} at {@code (t·B + b)·I};
   *     null for token inputs
   */
  public record State(int seen, float[] windowStart, float[] latest, int[] windowTokens,
      float[] windowValues) {}

  /**
   * A copy of what {@link #restore} needs to continue from here (for checkpoints).
   *
   * @return a snapshot holding copies of the arrays
   */
  public State state() {
    return new State(seen, windowStart.clone(), latest.clone(),
        windowTokens == null ? null : windowTokens.clone(),
        windowValues == null ? null : windowValues.clone());
  }

  /**
   * Continues from a {@link #state()} taken from a run of the same shape.
   *
   * @param state a snapshot of a trainer with the same k1, k2, B, H, layers and input kind;
   *     copied in
   * @throws IllegalArgumentException if the snapshot's step count is negative or its arrays are
   *     not of this trainer's shape
   * @throws NullPointerException if {@code state} is null
   */
  public void restore(State state) {
    Objects.requireNonNull(state, "state");
    if (state.seen() < 0 || state.windowStart().length != windowStart.length
        || state.latest().length != latest.length
        || (state.windowTokens() == null) != (windowTokens == null)
        || (windowTokens != null && state.windowTokens().length != windowTokens.length)
        || (state.windowValues() == null) != (windowValues == null)
        || (windowValues != null && state.windowValues().length != windowValues.length)) {
      throw new IllegalArgumentException(
          "the saved state is not of this shape (chunk " + chunk + ", depth " + depth + ", batch "
              + batch + ", hidden " + model.config().hiddenSize() + ", "
              + (windowTokens != null ? "tokens" : "dense") + ")");
    }
    seen = state.seen();
    System.arraycopy(state.windowStart(), 0, windowStart, 0, windowStart.length);
    System.arraycopy(state.latest(), 0, latest, 0, latest.length);
    if (windowTokens != null) {
      System.arraycopy(state.windowTokens(), 0, windowTokens, 0, windowTokens.length);
    } else {
      System.arraycopy(state.windowValues(), 0, windowValues, 0, windowValues.length);
    }
  }

  /**
   * The workspace of the last window (outputs, states, gradients w.r.t. inputs).
   *
   * @return the live workspace of T = k2 steps and B streams, valid until the next {@link #train}
   */
  public Workspace workspace() {
    return workspace;
  }
}
