package dev.recur;


/**
 * Every buffer one forward and backward pass needs for a fixed shape (T steps, B sequences),
 * allocated once by {@link ElmanRnn#workspace(int, int)} and reused, so that passes allocate
 * nothing. Not thread-safe: one workspace per thread.
 *
 * <p>Layout (row {@code r = t*B + b} as in {@link Inputs}):
 *
 * <ul>
 *   <li>{@link #hidden()}: {@code (T+1)·B·H}; {@code h_t} of sequence b at {@code ((t+1)·B + b)·H},
 *       the initial state {@code h_{-1}} (the seeds' {@code h_0}) in front, at {@code b·H}, so the
 *       recurrence reads its previous state with no branch.
 *   <li>{@link #logits()} {@code z_t} and {@link #outputs()} {@code ŷ_t}: {@code T·B·O}, row r at
 *       {@code r·O}.
 *   <li>After {@link ElmanRnn#backward}: {@link #initialHiddenGradient()} {@code ∂L/∂h_{-1}}
 *       ({@code B·H}) and, for dense inputs, {@link #inputGradient()} {@code ∂L/∂x_t} ({@code
 *       T·B·I}).
 * </ul>
 *
 * The arrays are live views into the workspace, valid until its next pass.
 */
public final class Workspace {

  final int steps;
  final int batch;
  final float[] hidden;
  final float[] logits;
  final float[] outputs;
  /** ∂L/∂z_t for every row (zero where no loss is taken). */
  final float[] outputDelta;
  /**
   * During backward: ∂L/∂h_t, turned in place into ∂L/∂a_t step by step; afterwards ∂L/∂a_t for
   * t ≥ 0 and ∂L/∂h_{-1} in front. Same layout as {@link #hidden}.
   */
  final float[] hiddenDelta;
  final float[] inputDelta;
  final float[] initialHiddenDelta;
  /** ‖∂L/∂h_t‖ per step, over all sequences of the batch. */
  final float[] hiddenGradientNorms;
  /** The inputs of the last forward pass; backward reads them. */
  Inputs inputs;

  Workspace(RnnConfig config, int steps, int batch) {
    if (steps < 1 || batch < 1) {
      throw new IllegalArgumentException(
          "steps and batch must be at least 1; got steps " + steps + ", batch " + batch);
    }
    long states = (long) (steps + 1) * batch * config.hiddenSize();
    long inputs = (long) steps * batch * config.inputSize();
    long outputs = (long) steps * batch * config.outputSize();
    if (Math.max(states, Math.max(inputs, outputs)) > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "steps " + steps + " × batch " + batch + " is too large for this model's state arrays");
    }
    this.steps = steps;
    this.batch = batch;
    hidden = new float[(int) states];
    logits = new float[(int) outputs];
    this.outputs = new float[(int) outputs];
    outputDelta = new float[(int) outputs];
    hiddenDelta = new float[(int) states];
    inputDelta = new float[(int) inputs];
    initialHiddenDelta = new float[batch * config.hiddenSize()];
    hiddenGradientNorms = new float[steps];
  }

  public int steps() {
    return steps;
  }

  public int batch() {
    return batch;
  }

  /** Hidden states with {@code h_{-1}} in front; see the class comment for the layout. */
  public float[] hidden() {
    return hidden;
  }

  /** Output pre-activations {@code z_t}. */
  public float[] logits() {
    return logits;
  }

  /** Outputs {@code ŷ_t = g(z_t)}. */
  public float[] outputs() {
    return outputs;
  }

  /** {@code ∂L/∂h_{-1}} for each sequence, after a backward pass. */
  public float[] initialHiddenGradient() {
    return initialHiddenDelta;
  }

  /**
   * {@code ‖∂L/∂h_t‖} for each step t (the L2 norm over all sequences of the batch), after a
   * backward pass: the total gradient reaching {@code h_t} from every later loss. Read from the
   * last step back, it shows the Jacobian chains vanishing or exploding.
   */
  public float[] hiddenGradientNorms() {
    return hiddenGradientNorms;
  }

  /** {@code ∂L/∂x_t} for dense inputs, after a backward pass. */
  public float[] inputGradient() {
    return inputDelta;
  }
}
