package dev.recur.optim;

import dev.recur.Parameters;
import dev.recur.RnnConfig;
import java.util.List;

/**
 * Stochastic gradient descent as PyTorch's {@code torch.optim.SGD} (dampening 0):
 *
 * <pre>
 * g ← g + λ w                         (weight decay λ)
 * b ← μ b + g                         (momentum μ; b = g at the first step)
 * g ← g + μ b  (Nesterov)  or  g ← b
 * w ← w - η g
 * </pre>
 */
public final class Sgd extends TensorwiseOptimizer {

  private final float momentum;
  private final boolean nesterov;
  private final float weightDecay;

  /**
   * Plain SGD: {@code w ← w - η g}.
   *
   * @param config the model whose weights it will update
   * @return a new stateless optimizer (no momentum, no weight decay)
   */
  public static Sgd plain(RnnConfig config) {
    return new Sgd(config, 0f, false, 0f);
  }

  /**
   * SGD with explicit settings (PyTorch's momentum, nesterov and weight_decay).
   *
   * @param config the model whose weights it will update; its shapes size the momentum buffer
   * @param momentum μ in [0, 1); 0 for none
   * @param nesterov Nesterov momentum (needs μ > 0)
   * @param weightDecay λ ≥ 0, added to the gradient (L2)
   * @throws IllegalArgumentException if μ is outside [0, 1), λ is negative or not finite, or
   *     Nesterov is asked for with μ = 0
   */
  public Sgd(RnnConfig config, float momentum, boolean nesterov, float weightDecay) {
    super(momentum > 0f ? List.of(Parameters.zeros(config)) : List.of());
    requireFraction("momentum", momentum);
    requireNonNegative("weight decay", weightDecay);
    if (nesterov && momentum == 0f) {
      throw new IllegalArgumentException("Nesterov momentum needs momentum > 0");
    }
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
  }

  @Override
  void update(int t, float[] w, float[] g, float learningRate, long step) {
    if (momentum == 0f) {
      for (int i = 0; i < w.length; i++) {
        w[i] -= learningRate * (g[i] + weightDecay * w[i]);
      }
      return;
    }
    float[] buffer = state(0, t);
    for (int i = 0; i < w.length; i++) {
      float grad = g[i] + weightDecay * w[i];
      float b = step == 1 ? grad : momentum * buffer[i] + grad;
      buffer[i] = b;
      w[i] -= learningRate * (nesterov ? grad + momentum * b : b);
    }
  }
}
