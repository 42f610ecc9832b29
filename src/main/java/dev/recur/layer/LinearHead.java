package dev.recur.layer;

import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.Precision;
import dev.recur.RnnConfig;
import dev.recur.kernel.Kernels;
import dev.recur.kernel.Nonlinearity;
import java.util.Objects;

/**
 * The output layer, {@code z = W_y h + b_y} and {@code ŷ = g(z)} for rows h of the top layer's
 * D·H states (called H below), with {@code W_yᵀ} (H×O) kept
 * for row-scaled products as in {@link ElmanLayer}. One implementation for a training pass (all
 * rows of a sequence at once) and a serving step (one row per stream), so both give the same
 * bits. The same threading rule as {@link ElmanLayer}: {@link #refresh} is the one writer.
 */
public final class LinearHead {

  private final int hiddenSize;
  private final int outputSize;
  private final OutputFunction output;
  private final boolean hasBias;
  private final Kernels kernels;
  /** W_yᵀ (H × O), in float for training, in any precision for serving. */
  private final TransposedMatrix weights;
  private final float[] bias;
  /** The live W_y and b_y of a training head ({@link #refresh}, backward); null when frozen. */
  private final float[] outputWeights;
  private final float[] outputBias;

  private LinearHead(RnnConfig config, Kernels kernels, float[] outputWeights, float[] outputBias,
      Precision precision) {
    this.kernels = Objects.requireNonNull(kernels, "kernels");
    if (!config.head()) {
      throw new IllegalArgumentException("this model has no head: its outputs are its states");
    }
    hiddenSize = config.stateWidth();
    outputSize = config.outputSize();
    output = config.output();
    hasBias = config.headBias();
    weights = TransposedMatrix.of(precision, kernels, hiddenSize, outputSize);
    bias = new float[outputSize];
    this.outputWeights = outputWeights;
    this.outputBias = outputBias;
  }

  /** A training head over {@code weights}' live arrays; see {@link ElmanLayer#over}. */
  public static LinearHead over(Parameters weights, Kernels kernels) {
    LinearHead head = new LinearHead(
        weights.config(), kernels, weights.outputWeights(), weights.outputBias(), Precision.FP32);
    head.refresh();
    return head;
  }

  /** A serving head derived once from {@code weights}; see {@link ElmanLayer#frozen}. */
  public static LinearHead frozen(Parameters weights, Kernels kernels, Precision precision) {
    LinearHead head = new LinearHead(weights.config(), kernels, null, null,
        Objects.requireNonNull(precision, "precision"));
    head.derive(weights.outputWeights(), weights.outputBias());
    return head;
  }

  /** Derives the head again from the live weights (after they changed). */
  public void refresh() {
    if (outputWeights == null) {
      throw new IllegalStateException("a frozen (serving) head has no training weights");
    }
    derive(outputWeights, outputBias);
  }

  private void derive(float[] wy, float[] by) {
    weights.set(wy);
    if (hasBias) {
      System.arraycopy(by, 0, bias, 0, outputSize);
    }
  }

  /**
   * For {@code rows} rows of states from {@code hOff}: {@code logits} get {@code z = b_y + W_y
   * h} and {@code outputs} {@code ŷ = g(z)}, both from {@code off}.
   */
  public void outputs(int rows, float[] h, int hOff, float[] logits, float[] outputs, int off) {
    ElmanLayer.fillRows(bias, rows, logits, off);
    weights.addProducts(rows, h, hOff, logits, off);
    applyOutputFunction(kernels, output, rows, outputSize, logits, outputs, off);
  }

  /** {@code ŷ = g(z)} for {@code rows} rows of {@code width} logits from {@code off}. */
  public static void applyOutputFunction(Kernels kernels, OutputFunction output, int rows,
      int width, float[] logits, float[] outputs, int off) {
    switch (output) {
      case IDENTITY -> System.arraycopy(logits, off, outputs, off, rows * width);
      case SIGMOID -> kernels.activateRows(Nonlinearity.SIGMOID, logits, off, outputs, off, rows, width);
      case SOFTMAX -> {
        for (int r = 0; r < rows; r++) {
          kernels.softmax(logits, off + r * width, outputs, off + r * width, width);
        }
      }
    }
  }

  /**
   * Backward through the head for {@code rows} rows of {@code δz} ({@code dz} from 0): {@code
   * dW_y += DZᵀ H} (states from {@code hOff}), {@code db_y += Σ_r δz_r}, and {@code dh += W_yᵀ
   * δz_r} into {@code dh} from {@code dhOff}.
   */
  public void backward(int rows, float[] dz, float[] h, int hOff, Parameters gradients,
      float[] dh, int dhOff) {
    kernels.matMulTransA(outputSize, hiddenSize, rows, dz, 0, h, hOff, gradients.outputWeights(), 0);
    ElmanLayer.addRowSums(kernels, dz, 0, rows, outputSize, gradients.outputBias());
    kernels.matMul(rows, hiddenSize, outputSize, dz, 0, outputWeights, 0, dh, dhOff);
  }

  /** Writes {@code W_y} and {@code b_y} back into {@code weights}. */
  public void copyInto(Parameters weights) {
    this.weights.copyTo(weights.outputWeights());
    if (hasBias) {
      System.arraycopy(bias, 0, weights.outputBias(), 0, outputSize);
    }
  }
}
