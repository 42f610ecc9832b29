package dev.recur.layer;

import dev.recur.Bias;
import dev.recur.Parameters;
import dev.recur.Precision;
import dev.recur.RnnConfig;
import dev.recur.kernel.Kernels;
import dev.recur.kernel.Nonlinearity;
import java.util.Objects;

/**
 * One Elman layer, {@code h_t = f(b_h + W_x x_t + W_h h_{t-1})}, in the layout its products want:
 * {@code W_xᵀ} (I×H) and {@code W_hᵀ} (H×H), so that every product is rows of {@code Wᵀ} scaled
 * and added (no lane sums, and a token's column of {@code W_x} is one contiguous row of {@code
 * W_xᵀ}; faster than dot products over W's rows, docs/DESIGN-MEASUREMENTS.md), and {@code b_h}
 * formed once (PyTorch's {@code b_ih + b_hh} summed here and nowhere else). Each pre-activation is summed in one order, {@code b_h}, then {@code W_x x_t}, then
 * {@code W_h h_{t-1}}, whether rows come one at a time (a stream) or many (a batch, a sequence):
 * the kernels' single-row and many-row products give the same bits.
 *
 * <p>Rows are laid out one after another, H values (or I inputs) each. The layer reads its
 * arrays and writes only the caller's; {@link #refresh} is the one writer of its own, and must
 * not run while another thread computes through the layer.
 */
public final class ElmanLayer {

  private final int index;
  private final int direction;
  private final int inputSize;
  private final int hiddenSize;
  private final Nonlinearity activation;
  private final Bias biasKind;
  private final Kernels kernels;
  /** W_xᵀ (I_l × H) and W_hᵀ (H × H), in float for training, in any precision for serving. */
  private final TransposedMatrix inputWeights;
  private final TransposedMatrix recurrentWeights;
  private final float[] bias;
  /**
   * The live W_x, W_h, b_ih and b_hh a training layer is made from ({@link #refresh} derives
   * again from them; the backward products read them); null in a {@link #frozen} layer.
   */
  private final Parameters.LayerWeights live;

  private ElmanLayer(RnnConfig config, int index, int direction, Kernels kernels,
      Parameters.LayerWeights live, Precision precision) {
    this.kernels = Objects.requireNonNull(kernels, "kernels");
    this.index = index;
    this.direction = direction;
    inputSize = config.layerInputSize(index);
    hiddenSize = config.hiddenSize();
    activation = switch (config.activation()) {
      case TANH -> Nonlinearity.TANH;
      case SIGMOID -> Nonlinearity.SIGMOID;
      case RELU -> Nonlinearity.RELU;
    };
    biasKind = config.bias();
    inputWeights = TransposedMatrix.of(precision, kernels, inputSize, hiddenSize);
    recurrentWeights = TransposedMatrix.of(precision, kernels, hiddenSize, hiddenSize);
    bias = new float[hiddenSize];
    this.live = live;
  }

  /**
   * A training layer over the live arrays of layer {@code index} in {@code direction} (0
   * forward, 1 reverse) of {@code weights}, derived now and again at each {@link #refresh}
   * (which never reads {@code weights} through its accessors, so it does not advance the
   * weights' version).
   */
  public static ElmanLayer over(Parameters weights, int index, int direction, Kernels kernels) {
    ElmanLayer layer = new ElmanLayer(weights.config(), index, direction, kernels,
        weights.layer(index, direction), Precision.FP32);
    layer.refresh();
    return layer;
  }

  /**
   * A serving layer: layer {@code index} in {@code direction} of {@code weights} derived once,
   * keeping no reference to them (so a frozen model never holds on to training arrays), its
   * matrices in {@code precision}; it has no backward pass.
   */
  public static ElmanLayer frozen(Parameters weights, int index, int direction, Kernels kernels,
      Precision precision) {
    ElmanLayer layer = new ElmanLayer(weights.config(), index, direction, kernels, null,
        Objects.requireNonNull(precision, "precision"));
    layer.derive(weights.layer(index, direction));
    return layer;
  }

  /** Every layer and direction of {@code weights} frozen, unit {@code l·D + d} at that index. */
  public static ElmanLayer[] frozenAll(Parameters weights, Kernels kernels, Precision precision) {
    RnnConfig config = weights.config();
    ElmanLayer[] layers = new ElmanLayer[config.layers() * config.directions()];
    for (int i = 0; i < layers.length; i++) {
      layers[i] = frozen(weights, i / config.directions(), i % config.directions(), kernels,
          precision);
    }
    return layers;
  }

  /** Derives the layer again from the live weights (after they changed). */
  public void refresh() {
    derive(requireLive());
  }

  private void derive(Parameters.LayerWeights weights) {
    inputWeights.set(weights.inputWeights());
    recurrentWeights.set(weights.recurrentWeights());
    float[] first = weights.firstBias();
    float[] second = weights.secondBias();
    for (int i = 0; i < hiddenSize; i++) {
      bias[i] = switch (biasKind) {
        case NONE -> 0f;
        case SINGLE -> first[i];
        case PYTORCH_PAIR -> first[i] + second[i];
      };
    }
  }

  private Parameters.LayerWeights requireLive() {
    if (live == null) {
      throw new IllegalStateException("a frozen (serving) layer has no training weights");
    }
    return live;
  }

  /** {@code a_r = b_h + W_x x_r} for {@code rows} dense rows of {@code I_l} inputs. */
  public void inputPreActivations(int rows, float[] x, int xOff, float[] a, int aOff) {
    fillRows(bias, rows, a, aOff);
    inputWeights.addProducts(rows, x, xOff, a, aOff);
  }

  /** {@code a_r = b_h + W_x e_{token_r}}: column {@code token_r} of {@code W_x}, for token rows. */
  public void tokenPreActivations(int rows, int[] tokens, int tokenOff, float[] a, int aOff) {
    fillRows(bias, rows, a, aOff);
    for (int r = 0; r < rows; r++) {
      inputWeights.addRow(tokens[tokenOff + r], a, aOff + r * hiddenSize);
    }
  }

  /** {@code a_r += W_h h_r} for {@code rows} rows of previous states. */
  public void addRecurrent(int rows, float[] h, int hOff, float[] a, int aOff) {
    recurrentWeights.addProducts(rows, h, hOff, a, aOff);
  }

  /**
   * {@code a = b_h + W_x x + W_h h} for one dense row: both products in one pass over {@code a},
   * with the sums of {@link #inputPreActivations} then {@link #addRecurrent}.
   */
  public void preActivation(float[] x, int xOff, float[] h, int hOff, float[] a, int aOff) {
    System.arraycopy(bias, 0, a, aOff, hiddenSize);
    if (inputWeights instanceof TransposedMatrix.Fp32 input
        && recurrentWeights instanceof TransposedMatrix.Fp32 recurrent) {
      kernels.matTransVecPair(input.values(), 0, inputSize, x, xOff,
          recurrent.values(), 0, hiddenSize, h, hOff, hiddenSize, a, aOff);
    } else { // the same sums, one product after the other
      inputWeights.addProducts(1, x, xOff, a, aOff);
      recurrentWeights.addProducts(1, h, hOff, a, aOff);
    }
  }

  /** {@code h_r = f(a_r)} for {@code rows} rows (in place when the arrays and offsets agree). */
  public void activate(int rows, float[] a, int aOff, float[] h, int hOff) {
    kernels.activateRows(activation, a, aOff, h, hOff, rows, hiddenSize);
  }

  /**
   * One step back through time for {@code rows} rows, in place in {@code delta}: {@code da_t =
   * dh_t ⊙ f'(a_t)} at {@code current} (f' from {@code h_t}, at {@code hOff}), then {@code
   * dh_{t-1} += W_hᵀ da_t} at {@code previous}, as rows of {@code W_h} scaled and added.
   */
  public void backwardStep(int rows, float[] h, int hOff, float[] delta, int current, int previous) {
    kernels.activationBackward(activation, h, hOff, delta, current, delta, current, rows * hiddenSize);
    // W_hᵀ da as rows of W_h (the live, untransposed matrix) scaled and added
    addProduct(kernels, rows, hiddenSize, hiddenSize, delta, current,
        requireLive().recurrentWeights(), delta, previous);
  }

  /**
   * Once every {@code da_t} is known ({@code rows} rows from {@code deltaOff}): {@code dW_h +=
   * DAᵀ H_prev} (the previous states, {@code rows} rows from {@code previousOff}) and {@code db_h
   * += Σ_r da_r} (into both of PyTorch's biases, whose gradients are equal), into this layer's
   * tensors of {@code gradients}.
   */
  public void addRecurrentGradients(int rows, float[] delta, int deltaOff, float[] hidden,
      int previousOff, Parameters gradients) {
    Parameters.LayerWeights target = gradients.layer(index, direction);
    kernels.matMulTransA(hiddenSize, hiddenSize, rows, delta, deltaOff, hidden, previousOff,
        target.recurrentWeights(), 0);
    addRowSums(kernels, delta, deltaOff, rows, hiddenSize, target.firstBias());
    addRowSums(kernels, delta, deltaOff, rows, hiddenSize, target.secondBias());
  }

  /**
   * For dense input rows ({@code rows × I_l} from {@code xOff}): {@code dW_x += DAᵀ X}, and
   * {@code ∂L/∂X += DA W_x} added into {@code inputDelta} from {@code inputDeltaOff} (the
   * caller zeroes it; both directions of a layer add theirs).
   */
  public void addInputGradients(int rows, float[] delta, int deltaOff, float[] x, int xOff,
      Parameters gradients, float[] inputDelta, int inputDeltaOff) {
    kernels.matMulTransA(hiddenSize, inputSize, rows, delta, deltaOff, x, xOff,
        gradients.layer(index, direction).inputWeights(), 0);
    kernels.matMul(
        rows, inputSize, hiddenSize, delta, deltaOff, requireLive().inputWeights(), 0, inputDelta,
        inputDeltaOff);
  }

  /** For token rows, column {@code token_r} of {@code dW_x} gets {@code da_r}. */
  public void addTokenGradients(int rows, float[] delta, int deltaOff, int[] tokens,
      Parameters gradients) {
    float[] dwx = gradients.layer(index, direction).inputWeights();
    for (int r = 0; r < rows; r++) {
      int token = tokens[r];
      int row = deltaOff + r * hiddenSize;
      for (int i = 0; i < hiddenSize; i++) {
        dwx[i * inputSize + token] += delta[row + i];
      }
    }
  }

  /** {@code sums += Σ_r matrix[r, :]}; nothing when {@code sums} is empty (no such bias). */
  static void addRowSums(Kernels kernels, float[] matrix, int offset, int rows, int cols,
      float[] sums) {
    if (sums.length == 0) {
      return;
    }
    for (int r = 0; r < rows; r++) {
      kernels.axpy(1f, matrix, offset + r * cols, sums, 0, cols);
    }
  }

  /** Writes {@code W_x}, {@code W_h} and {@code b_h} (as one bias) back into {@code weights}. */
  public void copyInto(Parameters weights) {
    Parameters.LayerWeights target = weights.layer(index, direction);
    inputWeights.copyTo(target.inputWeights());
    recurrentWeights.copyTo(target.recurrentWeights());
    if (biasKind != Bias.NONE) {
      System.arraycopy(bias, 0, target.firstBias(), 0, hiddenSize);
      java.util.Arrays.fill(target.secondBias(), 0f); // b_hh's share is in b_h already
    }
  }

  /**
   * {@code out(rows × n) += x(rows × k) · Wᵀ} with {@code transposed} = Wᵀ (k × n): per row a sum
   * over k in order, the same for one row (matTransVec) as for many (matMul).
   */
  static void addProduct(Kernels kernels, int rows, int n, int k, float[] x, int xOff,
      float[] transposed, float[] out, int outOff) {
    if (rows == 1) {
      kernels.matTransVec(transposed, 0, k, n, x, xOff, out, outOff);
    } else {
      kernels.matMul(rows, n, k, x, xOff, transposed, 0, out, outOff);
    }
  }

  /** Copies {@code row} into {@code rows} consecutive rows of {@code target} from {@code off}. */
  static void fillRows(float[] row, int rows, float[] target, int off) {
    for (int r = 0; r < rows; r++) {
      System.arraycopy(row, 0, target, off + r * row.length, row.length);
    }
  }
}
