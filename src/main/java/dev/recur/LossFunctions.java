package dev.recur;

import dev.recur.kernel.Kernels;

/** The loss of one output row and its gradient with respect to the logits, {@code δz = ∂ℓ/∂z}. */
final class LossFunctions {

  private LossFunctions() {}

  /**
   * Returns {@code ℓ(ŷ, d)} for one row of n outputs and writes {@code weight · ∂ℓ/∂z} to {@code
   * delta[off ..]}. {@code z} and {@code y = g(z)} are read at {@code off}; the target is the
   * vector {@code target[targetOff ..]} or the class {@code targetClass}, as the loss needs.
   */
  static double lossAndDelta(
      Kernels kernels,
      Loss loss,
      OutputFunction g,
      float[] z,
      float[] y,
      int off,
      int n,
      float[] target,
      int targetOff,
      int targetClass,
      float[] delta,
      float weight) {
    return switch (loss) {
      case CROSS_ENTROPY -> {
        // ℓ = -log softmax(z)_d; δz = softmax(z) - onehot(d) (the fused softmax Jacobian)
        kernels.logSoftmax(z, off, delta, off, n);
        double value = -delta[off + targetClass];
        for (int i = 0; i < n; i++) {
          delta[off + i] = weight * (y[off + i] - (i == targetClass ? 1f : 0f));
        }
        yield value;
      }
      case BINARY_CROSS_ENTROPY -> {
        // ℓ = Σ max(z,0) - z d + log(1 + e^-|z|), exact for any z; δz = σ(z) - d
        double value = 0;
        for (int i = 0; i < n; i++) {
          float zi = z[off + i];
          float di = target[targetOff + i];
          value += Math.max(zi, 0f) - zi * di + Math.log1p(Math.exp(-Math.abs(zi)));
          delta[off + i] = weight * (y[off + i] - di);
        }
        yield value;
      }
      case SQUARED_ERROR, HALF_SQUARED_ERROR, MEAN_SQUARED_ERROR ->
          squaredError(loss, g, y, off, n, target, targetOff, delta, weight);
    };
  }

  /**
   * The squared-error family: {@code ℓ = c/2 · Σ (ŷ_i - d_i)²} with c = 2 (the notes' E), 1 (E
   * with ½) or 2/O (mean), so {@code ∂ℓ/∂ŷ = c (ŷ - d)}; then {@code δz = J_gᵀ ∂ℓ/∂ŷ}.
   */
  private static double squaredError(
      Loss loss,
      OutputFunction g,
      float[] y,
      int off,
      int n,
      float[] target,
      int targetOff,
      float[] delta,
      float weight) {
    float c =
        switch (loss) {
          case SQUARED_ERROR -> 2f;
          case HALF_SQUARED_ERROR -> 1f;
          default -> 2f / n;
        };
    double sum = 0;
    for (int i = 0; i < n; i++) {
      float error = y[off + i] - target[targetOff + i];
      sum += (double) error * error;
      delta[off + i] = c * error; // ∂ℓ/∂ŷ_i for now
    }
    switch (g) {
      case IDENTITY -> {}
      case SIGMOID -> {
        // σ'(z) = ŷ (1 - ŷ)
        for (int i = 0; i < n; i++) {
          float yi = y[off + i];
          delta[off + i] *= yi * (1f - yi);
        }
      }
      case SOFTMAX -> {
        // ∂ŷ_j/∂z_i = ŷ_j ([i=j] - ŷ_i), so δz_i = ŷ_i (∂ℓ/∂ŷ_i - Σ_j ∂ℓ/∂ŷ_j ŷ_j)
        float inner = 0f;
        for (int i = 0; i < n; i++) {
          inner += delta[off + i] * y[off + i];
        }
        for (int i = 0; i < n; i++) {
          delta[off + i] = y[off + i] * (delta[off + i] - inner);
        }
      }
    }
    for (int i = 0; i < n; i++) {
      delta[off + i] *= weight;
    }
    return c / 2 * sum;
  }
}
