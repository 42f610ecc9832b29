package dev.recur.optim;

import dev.recur.Parameters;
import dev.recur.Tensor;
import dev.recur.kernel.KernelSelection;
import dev.recur.kernel.Kernels;
import java.util.List;

/** Plain stochastic gradient descent, {@code θ ← θ - η ∇θ}. Allocates nothing per step. */
public final class Sgd {

  private final float learningRate;
  private final Kernels kernels = KernelSelection.kernels();

  /** @param learningRate η, finite and positive */
  public Sgd(float learningRate) {
    if (!(learningRate > 0f && Float.isFinite(learningRate))) {
      throw new IllegalArgumentException(
          "learning rate must be finite and positive; got " + learningRate);
    }
    this.learningRate = learningRate;
  }

  /**
   * One update of {@code weights} (modified) by {@code gradients} (not modified), which must have
   * the same shapes.
   */
  public void step(Parameters weights, Parameters gradients) {
    List<Tensor> w = weights.tensors();
    List<Tensor> g = gradients.tensors();
    if (w.size() != g.size()) {
      throw new IllegalArgumentException(
          "gradients have " + g.size() + " tensors, weights " + w.size());
    }
    for (int i = 0; i < w.size(); i++) {
      if (w.get(i).size() != g.get(i).size()) {
        throw new IllegalArgumentException(
            "gradient " + g.get(i).name() + " has " + g.get(i).size() + " entries, weight "
                + w.get(i).name() + " " + w.get(i).size());
      }
    }
    for (int i = 0; i < w.size(); i++) {
      kernels.axpy(-learningRate, g.get(i).values(), 0, w.get(i).values(), 0, w.get(i).size());
    }
  }
}
