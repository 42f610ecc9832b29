package dev.recur.layer;

import dev.recur.Parameters;
import dev.recur.RnnConfig;
import java.util.Objects;

/**
 * The embedding table E (V×E, PyTorch's {@code nn.Embedding}): token v becomes row v of E, the
 * input of the bottom recurrent layer. A training table reads the live weights; a frozen one
 * holds its own copy. Rows are read as they are, so no derived layout is needed.
 */
public final class Embedding {

  private final int vocabulary;
  private final int width;
  private final float[] table;

  private Embedding(RnnConfig config, float[] table) {
    if (!config.hasEmbedding()) {
      throw new IllegalArgumentException("this model has no embedding");
    }
    vocabulary = config.inputSize();
    width = config.embeddingSize();
    this.table = table;
  }

  /** A training table over {@code weights}' live E. */
  public static Embedding over(Parameters weights) {
    return new Embedding(weights.config(), weights.embedding());
  }

  /** A serving table: a copy of {@code weights}' E. */
  public static Embedding frozen(Parameters weights) {
    return new Embedding(weights.config(), weights.embedding().clone());
  }

  /** Row {@code r} of {@code out} (from {@code outOff}, E values each) gets {@code E[tokens[r]]}. */
  public void gather(int rows, int[] tokens, int tokenOff, float[] out, int outOff) {
    for (int r = 0; r < rows; r++) {
      System.arraycopy(table, tokens[tokenOff + r] * width, out, outOff + r * width, width);
    }
  }

  /** {@code dE[tokens[r]] += ∂L/∂x_r} for {@code rows} rows of input deltas (E values each). */
  public void addGradients(int rows, int[] tokens, float[] inputDelta, Parameters gradients) {
    float[] target = gradients.embedding();
    for (int r = 0; r < rows; r++) {
      int row = tokens[r] * width;
      int from = r * width;
      for (int j = 0; j < width; j++) {
        target[row + j] += inputDelta[from + j];
      }
    }
  }

  /** Writes E back into {@code weights}. */
  public void copyInto(Parameters weights) {
    Objects.requireNonNull(weights, "weights");
    System.arraycopy(table, 0, weights.embedding(), 0, vocabulary * width);
  }

}
