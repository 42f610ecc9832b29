package dev.recur.train;

import dev.recur.GradientClipping;
import dev.recur.Parameters;
import dev.recur.Tensor;

/** Stops training at the first non-finite loss or gradient, naming the update and the tensor. */
final class DivergenceGuard {

  private DivergenceGuard() {}

  /**
   * Returns the global gradient norm, or throws {@link TrainingDivergedException} if the loss or
   * any gradient entry is NaN or infinite (the entry named, for the first such).
   *
   * @param update the number of the update about to be made, for the message
   */
  static double check(long update, double loss, Parameters gradients) {
    if (!Double.isFinite(loss)) {
      throw new TrainingDivergedException("update " + update + ": the loss is " + loss);
    }
    double norm = GradientClipping.globalNorm(gradients);
    if (!Double.isFinite(norm)) {
      for (Tensor t : gradients.tensors()) {
        for (int i = 0; i < t.size(); i++) {
          if (!Float.isFinite(t.values()[i])) {
            throw new TrainingDivergedException(
                "update " + update + ": gradient " + t.name() + "[" + i + "] is " + t.values()[i]);
          }
        }
      }
      throw new TrainingDivergedException("update " + update + ": the gradient norm is " + norm);
    }
    return norm;
  }
}
