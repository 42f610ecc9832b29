package dev.recur.optim;

import dev.recur.Parameters;
import dev.recur.RnnConfig;
import java.util.List;

/**
 * Adagrad as PyTorch's {@code torch.optim.Adagrad} (no learning-rate decay):
 *
 * <pre>
 * g ← g + λ w ;   s ← s + g² ;   w ← w - η g / (√s + ε)
 * </pre>
 *
 * min-char-rnn writes {@code √(s + 1e-8)}; with s summing squares from the first step on the two
 * differ only while s is below ~1e-8.
 */
public final class Adagrad extends TensorwiseOptimizer {

  private final float epsilon;
  private final float weightDecay;

  /**
   * PyTorch's defaults: ε = 1e-10, no weight decay.
   *
   * @param config the model whose weights it will update; its shapes size the sum of squared
   *     gradients
   */
  public Adagrad(RnnConfig config) {
    this(config, 1e-10f, 0f);
  }

  /**
   * Adagrad with explicit settings.
   *
   * @param config the model whose weights it will update; its shapes size the sum of squared
   *     gradients
   * @param epsilon added to the square root of the summed squared gradients (PyTorch's eps);
   *     finite and ≥ 0
   * @param weightDecay λ ≥ 0, added to the gradient (L2)
   * @throws IllegalArgumentException if ε or λ is negative or not finite
   */
  public Adagrad(RnnConfig config, float epsilon, float weightDecay) {
    super(List.of(Parameters.zeros(config)));
    requireNonNegative("epsilon", epsilon);
    requireNonNegative("weight decay", weightDecay);
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
  }

  @Override
  void update(int t, float[] w, float[] g, float learningRate, long step) {
    float[] sum = state(0, t);
    for (int i = 0; i < w.length; i++) {
      float grad = g[i] + weightDecay * w[i];
      sum[i] += grad * grad;
      w[i] -= learningRate * grad / ((float) Math.sqrt(sum[i]) + epsilon);
    }
  }
}
