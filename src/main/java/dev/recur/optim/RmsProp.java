package dev.recur.optim;

import dev.recur.Parameters;
import dev.recur.RnnConfig;
import java.util.List;

/**
 * RMSProp as PyTorch's {@code torch.optim.RMSprop} (not centered, no momentum):
 *
 * <pre>
 * g ← g + λ w ;   v ← α v + (1 - α) g² ;   w ← w - η g / (√v + ε)
 * </pre>
 */
public final class RmsProp extends TensorwiseOptimizer {

  private final float alpha;
  private final float epsilon;
  private final float weightDecay;

  /**
   * PyTorch's defaults: α = 0.99, ε = 1e-8, no weight decay.
   *
   * @param config the model whose weights it will update; its shapes size the squared-gradient
   *     average
   */
  public RmsProp(RnnConfig config) {
    this(config, 0.99f, 1e-8f, 0f);
  }

  /**
   * RMSProp with explicit settings.
   *
   * @param config the model whose weights it will update; its shapes size the squared-gradient
   *     average
   * @param alpha the smoothing constant of the squared-gradient average (PyTorch's alpha), in
   *     [0, 1)
   * @param epsilon added to the root mean square (PyTorch's eps); finite and ≥ 0
   * @param weightDecay λ ≥ 0, added to the gradient (L2)
   * @throws IllegalArgumentException if α is outside [0, 1), or ε or λ is negative or not finite
   */
  public RmsProp(RnnConfig config, float alpha, float epsilon, float weightDecay) {
    super(List.of(Parameters.zeros(config)));
    requireFraction("alpha", alpha);
    requireNonNegative("epsilon", epsilon);
    requireNonNegative("weight decay", weightDecay);
    this.alpha = alpha;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
  }

  @Override
  void update(int t, float[] w, float[] g, float learningRate, long step) {
    float[] average = state(0, t);
    for (int i = 0; i < w.length; i++) {
      float grad = g[i] + weightDecay * w[i];
      average[i] = alpha * average[i] + (1f - alpha) * grad * grad;
      w[i] -= learningRate * grad / ((float) Math.sqrt(average[i]) + epsilon);
    }
  }
}
