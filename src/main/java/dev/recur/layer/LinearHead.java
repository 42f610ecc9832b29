package dev.recur.layer;

import dev.recur.Activation;
import dev.recur.Bias;
import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.Transpose;
import dev.recur.kernel.Kernels;
import java.util.Objects;

/**
 * The output layer, {@code z = W_y h + b_y} and {@code ŷ = g(z)}, with {@code W_yᵀ} (H×O) kept
 * for row-scaled products as in {@link ElmanLayer}. One implementation for a training pass (all
 * rows of a sequence at once) and a serving step (one row per stream), so both give the same
 * bits. The same threading rule as {@link ElmanLayer}: {@link #refresh} is the one writer.
 */
public final class LinearHead {

  private final int hiddenSize;
  private final int outputSize;
  private final OutputFunction output;
  private final Kernels kernels;
  private final float[] weightsTransposed;
  private final float[] bias;
  /** W_y as {@link #refresh} last saw it (a live array): the backward product reads it. */
  private float[] outputWeights;

  /** A head of {@code config}'s shape with all weights zero, to be {@link #refresh}ed. */
  public LinearHead(RnnConfig config, Kernels kernels) {
    this.kernels = Objects.requireNonNull(kernels, "kernels");
    hiddenSize = config.hiddenSize();
    outputSize = config.outputSize();
    output = config.output();
    weightsTransposed = new float[hiddenSize * outputSize];
    bias = new float[outputSize];
  }

  /** A head holding (a copy of) {@code weights}' output layer. */
  public static LinearHead of(Parameters weights, Kernels kernels) {
    LinearHead head = new LinearHead(weights.config(), kernels);
    head.refresh(weights);
    return head;
  }

  /** Takes the head's weights from {@code weights} again (after they changed). */
  public void refresh(Parameters weights) {
    RnnConfig config = weights.config();
    if (config.hiddenSize() != hiddenSize || config.outputSize() != outputSize) {
      throw new IllegalArgumentException("weights of H=" + config.hiddenSize() + " O="
          + config.outputSize() + " for a head of H=" + hiddenSize + " O=" + outputSize);
    }
    outputWeights = weights.outputWeights();
    Transpose.into(outputWeights, outputSize, hiddenSize, weightsTransposed);
    if (config.bias() == Bias.NONE) {
      java.util.Arrays.fill(bias, 0f);
    } else {
      System.arraycopy(weights.outputBias(), 0, bias, 0, outputSize);
    }
  }

  /**
   * For {@code rows} rows of states from {@code hOff}: {@code logits} get {@code z = b_y + W_y
   * h} and {@code outputs} {@code ŷ = g(z)}, both from {@code off}.
   */
  public void outputs(int rows, float[] h, int hOff, float[] logits, float[] outputs, int off) {
    ElmanLayer.fillRows(bias, rows, logits, off);
    ElmanLayer.addProduct(kernels, rows, outputSize, hiddenSize, h, hOff, weightsTransposed, logits, off);
    switch (output) {
      case IDENTITY -> System.arraycopy(logits, off, outputs, off, rows * outputSize);
      case SIGMOID -> kernels.activateRows(Activation.SIGMOID, logits, off, outputs, off, rows, outputSize);
      case SOFTMAX -> {
        for (int r = 0; r < rows; r++) {
          kernels.softmax(logits, off + r * outputSize, outputs, off + r * outputSize, outputSize);
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
    Transpose.into(weightsTransposed, hiddenSize, outputSize, weights.outputWeights());
    if (weights.config().bias() != Bias.NONE) {
      System.arraycopy(bias, 0, weights.outputBias(), 0, outputSize);
    }
  }
}
