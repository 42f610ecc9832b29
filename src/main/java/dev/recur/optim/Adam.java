package dev.recur.optim;

import dev.recur.Parameters;
import dev.recur.RnnConfig;
import java.util.List;

/**
 * Adam and AdamW as PyTorch's {@code torch.optim.Adam} / {@code AdamW}:
 *
 * <pre>
 * Adam:   g ← g + λ w                   AdamW:  w ← w (1 - η λ)   (decoupled decay)
 * m ← β₁ m + (1 - β₁) g ;   v ← β₂ v + (1 - β₂) g²
 * w ← w - η (m / (1 - β₁ᵗ)) / (√(v / (1 - β₂ᵗ)) + ε)
 * </pre>
 */
public final class Adam extends TensorwiseOptimizer {

  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final float weightDecay;
  private final boolean decoupled;

  /**
   * Adam with PyTorch's defaults: β₁ = 0.9, β₂ = 0.999, ε = 1e-8, no weight decay.
   *
   * @param config the model whose weights it will update; its shapes size the two moment buffers
   * @return a new optimizer with zero moments and step count 0
   */
  public static Adam adam(RnnConfig config) {
    return new Adam(config, 0.9f, 0.999f, 1e-8f, 0f, false);
  }

  /**
   * AdamW with PyTorch's defaults: β₁ = 0.9, β₂ = 0.999, ε = 1e-8, λ = 0.01.
   *
   * @param config the model whose weights it will update; its shapes size the two moment buffers
   * @return a new optimizer with zero moments and step count 0
   */
  public static Adam adamW(RnnConfig config) {
    return new Adam(config, 0.9f, 0.999f, 1e-8f, 0.01f, true);
  }

  /**
   * Adam or AdamW with explicit settings (PyTorch's betas, eps and weight_decay).
   *
   * @param config the model whose weights it will update; its shapes size the two moment buffers
   * @param beta1 β₁, the decay of the first-moment (mean) average, in [0, 1)
   * @param beta2 β₂, the decay of the second-moment (squared) average, in [0, 1)
   * @param epsilon ε, added to the denominator's square root; finite and ≥ 0
   * @param weightDecay λ, finite and ≥ 0; 0 for none
   * @param decoupled true for AdamW's decay of the weights, false for Adam's L2 on the gradient
   * @throws IllegalArgumentException if β₁ or β₂ is outside [0, 1), or ε or λ is negative or not
   *     finite
   */
  public Adam(
      RnnConfig config, float beta1, float beta2, float epsilon, float weightDecay,
      boolean decoupled) {
    super(List.of(Parameters.zeros(config), Parameters.zeros(config)));
    requireFraction("beta1", beta1);
    requireFraction("beta2", beta2);
    requireNonNegative("epsilon", epsilon);
    requireNonNegative("weight decay", weightDecay);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    this.decoupled = decoupled;
  }

  @Override
  void update(int t, float[] w, float[] g, float learningRate, long step) {
    float[] m = state(0, t);
    float[] v = state(1, t);
    // bias corrections in double: β^t underflows float precision quickly near 1
    float correction1 = (float) (1 - Math.pow(beta1, step));
    float sqrtCorrection2 = (float) Math.sqrt(1 - Math.pow(beta2, step));
    float stepSize = learningRate / correction1;
    float decay = decoupled ? 1f - learningRate * weightDecay : 1f;
    float l2 = decoupled ? 0f : weightDecay;
    for (int i = 0; i < w.length; i++) {
      float grad = g[i] + l2 * w[i];
      m[i] = beta1 * m[i] + (1f - beta1) * grad;
      v[i] = beta2 * v[i] + (1f - beta2) * grad * grad;
      float denominator = (float) Math.sqrt(v[i]) / sqrtCorrection2 + epsilon;
      w[i] = w[i] * decay - stepSize * m[i] / denominator;
    }
  }
}
