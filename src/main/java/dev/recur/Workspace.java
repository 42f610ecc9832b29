package dev.recur;

/**
 * Every buffer one forward and backward pass needs for a fixed shape (T steps, B sequences),
 * allocated once by {@link ElmanRnn#workspace(int, int)} and reused, so that passes allocate
 * nothing. Not thread-safe: one workspace per thread.
 *
 * <p>Layout (row {@code r = t*B + b} as in {@link Inputs}; "unit" = layer l in direction d, the
 * forward direction d = 0 and, when bidirectional, the reverse d = 1; unit index {@code l·D + d}):
 *
 * <ul>
 *   <li>{@link #hidden(int, int)}: {@code (T+1)·B·H} per unit. Forward: {@code h_t} of sequence b
 *       at {@code ((t+1)·B + b)·H}, the initial state {@code h_{-1}} (the seeds' {@code h_0}) in
 *       front, so the recurrence reads its previous state with no branch. Reverse: {@code h_t} at
 *       {@code (t·B + b)·H} and its initial state (the one before step T−1) behind, at {@code
 *       T·B·H}.
 *   <li>{@link #logits()} {@code z_t} and {@link #outputs()} {@code ŷ_t}: {@code T·B·O}, row r at
 *       {@code r·O}.
 *   <li>{@link #finalHidden()}: each unit's state after its last step (PyTorch's {@code h_n}),
 *       {@code L·D·B·H}, unit u's sequence b at {@code (u·B + b)·H}; the layout of the initial
 *       states {@link ElmanRnn#forward(Workspace, Inputs, float[])} takes.
 *   <li>After {@link ElmanRnn#backward}: {@link #initialHiddenGradient()} {@code ∂L/∂h_{-1}} in
 *       that layout and, for dense inputs, {@link #inputGradient()} {@code ∂L/∂x_t} ({@code
 *       T·B·I}).
 * </ul>
 *
 * The arrays are live views into the workspace, valid until its next pass.
 */
public final class Workspace {

  final RnnConfig config;
  final int steps;
  final int batch;
  /** Per unit; see the class comment. */
  final float[][] hidden;
  /**
   * Per unit, during backward: ∂L/∂h_t, turned in place into ∂L/∂a_t step by step; afterwards
   * ∂L/∂a_t for every step and ∂L/∂h_{-1} where the initial state sits. Same layout as {@link
   * #hidden}.
   */
  final float[][] hiddenDelta;
  /**
   * Per layer: its output rows {@code [h→_t ; h←_t]} (T·B·D·H), times the dropout mask where it
   * feeds a layer above in training; null where the layer's states are read in place (one
   * direction and no dropout).
   */
  final float[][] joined;
  /** ∂L/∂ of {@link #joined}, same shapes. */
  final float[][] joinedDelta;
  /** Per layer boundary l (below layer l+1), the dropout scale of each joined entry; or null. */
  final float[][] dropoutScale;
  /** Whether the last forward pass applied dropout (so backward applies the same masks). */
  boolean dropped;
  /** The rows of E the tokens select (T·B·E), and their gradient; empty without an embedding. */
  final float[] embedded;
  final float[] embeddedDelta;
  final float[] logits;
  final float[] outputs;
  /** ∂L/∂z_t for every row (zero where no loss is taken). */
  final float[] outputDelta;
  final float[] inputDelta;
  final float[] finalHidden;
  final float[] initialHiddenDelta;
  /** ‖∂L/∂h_t‖ per unit and step, over all sequences of the batch. */
  final float[][] hiddenGradientNorms;
  /** With a mask: each sequence's last real step in the last forward pass (−1 for none). */
  final int[] lastRealStep;
  /** The inputs of the last forward pass; backward reads them. */
  Inputs inputs;
  /** Dropout for the next forward pass: set by {@link #dropoutForNextPass}, cleared by it. */
  boolean dropoutRequested;
  long dropoutSeed;
  int firstSequence;

  Workspace(RnnConfig config, int steps, int batch) {
    if (steps < 1 || batch < 1) {
      throw new IllegalArgumentException(
          "steps and batch must be at least 1; got steps " + steps + ", batch " + batch);
    }
    int units = config.layers() * config.directions();
    long states = (long) (steps + 1) * batch * config.hiddenSize();
    long rows = (long) steps * batch;
    long widest = Math.max(Math.max(config.inputSize(), config.outputSize()),
        Math.max(config.stateWidth(), config.embeddingSize()));
    if (Math.max(states, rows * widest) > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "steps " + steps + " × batch " + batch + " is too large for this model's state arrays");
    }
    this.config = config;
    this.steps = steps;
    this.batch = batch;
    hidden = new float[units][(int) states];
    hiddenDelta = new float[units][(int) states];
    int layers = config.layers();
    joined = new float[layers][];
    joinedDelta = new float[layers][];
    dropoutScale = new float[layers][];
    int joinedSize = (int) rows * config.stateWidth();
    for (int l = 0; l < layers; l++) {
      boolean dropsAbove = config.dropout() > 0f && l < layers - 1;
      if (config.bidirectional() || dropsAbove) {
        joined[l] = new float[joinedSize];
        joinedDelta[l] = new float[joinedSize];
      }
      if (dropsAbove) {
        dropoutScale[l] = new float[joinedSize];
      }
    }
    embedded = new float[(int) rows * config.embeddingSize()];
    embeddedDelta = new float[embedded.length];
    int outputSize = (int) rows * config.outputSize();
    logits = new float[outputSize];
    outputs = new float[outputSize];
    outputDelta = new float[outputSize];
    inputDelta = new float[config.hasEmbedding() ? 0 : (int) rows * config.inputSize()];
    finalHidden = new float[units * batch * config.hiddenSize()];
    initialHiddenDelta = new float[finalHidden.length];
    hiddenGradientNorms = new float[units][steps];
    lastRealStep = new int[batch];
  }

  /**
   * T, the steps this workspace holds buffers for.
   *
   * @return T, ≥ 1
   */
  public int steps() {
    return steps;
  }

  /**
   * B, the sequences this workspace holds buffers for.
   *
   * @return B, ≥ 1
   */
  public int batch() {
    return batch;
  }

  /**
   * Turns dropout on for the next forward pass only (a training pass; evaluation and serving
   * never drop): masks drawn from {@code seed} for sequences numbered from {@code firstSequence}
   * (this workspace's row b is sequence {@code firstSequence + b} of the minibatch). Does nothing
   * visible for a model without dropout.
   *
   * @param seed the seed the masks are drawn from; the same seed and sequence numbers give the
   *     same masks
   * @param firstSequence the minibatch index of this workspace's sequence 0, ≥ 0 (non-zero when a
   *     minibatch is split over several workspaces)
   */
  public void dropoutForNextPass(long seed, int firstSequence) {
    dropoutRequested = true;
    dropoutSeed = seed;
    this.firstSequence = firstSequence;
  }

  /**
   * Layer 0's forward states, {@code h_{-1}} in front; see the class comment for the layout.
   *
   * @return the live array of {@code (T+1)·B·H} floats, {@code h_t} of sequence b at {@code
   *     ((t+1)·B + b)·H}
   */
  public float[] hidden() {
    return hidden[0];
  }

  /**
   * Layer {@code layer}'s states in {@code direction} (0 forward, 1 reverse); see above.
   *
   * @param layer l, in [0, L)
   * @param direction d, 0 or (bidirectional only) 1
   * @return the live array of {@code (T+1)·B·H} floats in the class comment's layout for d
   * @throws IndexOutOfBoundsException if the layer or the direction is out of range
   */
  public float[] hidden(int layer, int direction) {
    return hidden[config.unit(layer, direction)];
  }

  /**
   * Output pre-activations {@code z_t}.
   *
   * @return the live array of {@code T·B·O} floats, row {@code t·B + b} at {@code (t·B + b)·O}
   */
  public float[] logits() {
    return logits;
  }

  /**
   * Outputs {@code ŷ_t = g(z_t)}.
   *
   * @return the live array of {@code T·B·O} floats, row {@code t·B + b} at {@code (t·B + b)·O}
   */
  public float[] outputs() {
    return outputs;
  }

  /**
   * Every unit's state after its last step ({@code h_n}); see the class comment.
   *
   * @return the live array of {@code L·D·B·H} floats, unit u's sequence b at {@code (u·B + b)·H}
   */
  public float[] finalHidden() {
    return finalHidden;
  }

  /**
   * {@code ∂L/∂h_{-1}} for each unit and sequence, after a backward pass.
   *
   * @return the live array of {@code L·D·B·H} floats, in the layout of {@link #finalHidden()}
   */
  public float[] initialHiddenGradient() {
    return initialHiddenDelta;
  }

  /**
   * {@code ‖∂L/∂h_t‖} of layer 0's forward direction for each step t (the L2 norm over all
   * sequences of the batch), after a backward pass: the total gradient reaching {@code h_t} from
   * every later loss and every layer above. Read from the last step back, it shows the Jacobian
   * chains vanishing or exploding.
   *
   * @return the live array of T norms, one entry per timestep
   */
  public float[] hiddenGradientNorms() {
    return hiddenGradientNorms[0];
  }

  /**
   * {@link #hiddenGradientNorms()} of layer {@code layer} in {@code direction}, per step t.
   *
   * @param layer l, in [0, L)
   * @param direction d, 0 or (bidirectional only) 1
   * @return the live array of T norms, one entry per timestep (indexed by t in both directions)
   * @throws IndexOutOfBoundsException if the layer or the direction is out of range
   */
  public float[] hiddenGradientNorms(int layer, int direction) {
    return hiddenGradientNorms[config.unit(layer, direction)];
  }

  /**
   * {@code ∂L/∂x_t} for dense inputs, after a backward pass.
   *
   * @return the live array of {@code T·B·I} floats, row {@code t·B + b} at {@code (t·B + b)·I};
   *     empty for a model with an embedding, not written for token inputs
   */
  public float[] inputGradient() {
    return inputDelta;
  }

  /**
   * {@code ∂L/∂E[token_r]} for every row r (T·B·E) with an embedding, after a backward pass.
   *
   * @return the live array of {@code T·B·E} floats, row r at {@code r·E}; empty without an
   *     embedding
   */
  public float[] embeddingInputGradient() {
    return embeddedDelta;
  }
}
