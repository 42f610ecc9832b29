package dev.recur;

import dev.recur.kernel.Kernels;
import dev.recur.layer.EngineKernels;
import java.util.List;

/** Gradient clipping, the notes' remedy for exploding gradients. Allocates nothing. */
public final class GradientClipping {

  private GradientClipping() {}

  /**
   * {@link #globalNorm(Parameters, Engine)} on {@link Engine#PREFERRED}.
   *
   * @param gradients the gradients of every tensor; not modified
   * @return the global L2 norm, ≥ 0, or NaN or infinity if an entry is
   */
  public static double globalNorm(Parameters gradients) {
    return globalNorm(gradients, Engine.PREFERRED);
  }

  /**
   * The global L2 norm {@code √(Σ_tensors Σ_i g_i²)}, summed in double across tensors, on {@code
   * engine} (a model's own, so that a model on the scalar kernels clips with their sums).
   *
   * @param gradients the gradients of every tensor; not modified
   * @param engine the kernels that sum the squares
   * @return the global L2 norm, ≥ 0, or NaN or infinity if an entry is
   */
  public static double globalNorm(Parameters gradients, Engine engine) {
    Kernels kernels = EngineKernels.of(engine);
    double sum = 0;
    List<Tensor> tensors = gradients.tensors();
    for (int i = 0; i < tensors.size(); i++) { // indexed: no iterator to allocate on hot paths
      sum += kernels.sumOfSquares(tensors.get(i).values(), 0, tensors.get(i).size());
    }
    return Math.sqrt(sum);
  }

  /**
   * Scales every gradient by {@code maxNorm / (norm + 1e-6)} when the global norm exceeds {@code
   * maxNorm} (PyTorch's {@code clip_grad_norm_}), keeping the direction. Returns the norm before
   * clipping; a NaN or infinite norm is returned and nothing is scaled, so the caller can stop.
   *
   * @param gradients modified
   * @param maxNorm the largest global norm kept, finite and &gt; 0
   * @return the global norm before clipping
   * @throws IllegalArgumentException if {@code maxNorm} is not finite and positive
   */
  public static double clipByGlobalNorm(Parameters gradients, float maxNorm) {
    return clipByGlobalNorm(gradients, maxNorm, Engine.PREFERRED);
  }

  /**
   * {@link #clipByGlobalNorm(Parameters, float)} on {@code engine}.
   *
   * @param gradients modified
   * @param maxNorm the largest global norm kept, finite and &gt; 0
   * @param engine the kernels that sum and scale
   * @return the global norm before clipping
   * @throws IllegalArgumentException if {@code maxNorm} is not finite and positive
   */
  public static double clipByGlobalNorm(Parameters gradients, float maxNorm, Engine engine) {
    if (!(maxNorm > 0f && Float.isFinite(maxNorm))) {
      throw new IllegalArgumentException("maxNorm must be finite and positive; got " + maxNorm);
    }
    Kernels kernels = EngineKernels.of(engine);
    double norm = globalNorm(gradients, engine);
    if (Double.isFinite(norm) && norm > maxNorm) {
      float factor = (float) (maxNorm / (norm + 1e-6));
      List<Tensor> tensors = gradients.tensors();
      for (int i = 0; i < tensors.size(); i++) {
        kernels.scale(factor, tensors.get(i).values(), 0, tensors.get(i).size());
      }
    }
    return norm;
  }

  /**
   * Clips every gradient entry to {@code [-limit, limit]} (min-char-rnn's ±5). Returns whether any
   * entry was clipped.
   *
   * @param gradients modified
   * @param limit the largest absolute value kept, finite and &gt; 0
   * @return true if any entry's absolute value exceeded {@code limit}
   * @throws IllegalArgumentException if {@code limit} is not finite and positive
   */
  public static boolean clipByValue(Parameters gradients, float limit) {
    return clipByValue(gradients, limit, Engine.PREFERRED);
  }

  /**
   * {@link #clipByValue(Parameters, float)} on {@code engine}.
   *
   * @param gradients modified
   * @param limit the largest absolute value kept, finite and &gt; 0
   * @param engine the kernels that clamp
   * @return true if any entry's absolute value exceeded {@code limit}
   * @throws IllegalArgumentException if {@code limit} is not finite and positive
   */
  public static boolean clipByValue(Parameters gradients, float limit, Engine engine) {
    if (!(limit > 0f && Float.isFinite(limit))) {
      throw new IllegalArgumentException("limit must be finite and positive; got " + limit);
    }
    Kernels kernels = EngineKernels.of(engine);
    boolean clipped = false;
    List<Tensor> tensors = gradients.tensors();
    for (int i = 0; i < tensors.size(); i++) {
      Tensor t = tensors.get(i);
      clipped |= kernels.maxAbs(t.values(), 0, t.size()) > limit;
      kernels.clamp(t.values(), 0, t.size(), limit);
    }
    return clipped;
  }
}
