package dev.recur.optim;

/**
 * The learning rate η as a function of the update number t (counting from 0), the value passed
 * to {@link Optimizer#step}.
 */
@FunctionalInterface
public interface LearningRateSchedule {

  /** η at update {@code step} (≥ 0). */
  float rate(long step);

  /** The same η at every update. */
  static LearningRateSchedule constant(float rate) {
    requireRate(rate);
    return step -> rate;
  }

  /** PyTorch's {@code StepLR}: {@code η₀ γ^⌊t / period⌋}. */
  static LearningRateSchedule stepDecay(float initial, long period, float gamma) {
    requireRate(initial);
    if (period < 1 || !(gamma > 0f && gamma <= 1f)) {
      throw new IllegalArgumentException(
          "need period ≥ 1 and gamma in (0, 1]; got period " + period + ", gamma " + gamma);
    }
    return step -> (float) (initial * Math.pow(gamma, step / period));
  }

  /**
   * Cosine annealing, PyTorch's {@code CosineAnnealingLR} closed form over one half period: {@code
   * η_min + (η₀ - η_min)(1 + cos(π t / T)) / 2} for t ≤ T, then {@code η_min} (PyTorch would
   * climb again; a training run that outlives its schedule keeps the floor instead).
   */
  static LearningRateSchedule cosine(float initial, float minimum, long totalSteps) {
    requireRate(initial);
    requireRate(minimum);
    if (totalSteps < 1 || minimum > initial) {
      throw new IllegalArgumentException(
          "need totalSteps ≥ 1 and minimum ≤ initial; got totalSteps " + totalSteps + ", minimum "
              + minimum + ", initial " + initial);
    }
    return step -> step >= totalSteps
        ? minimum
        : (float) (minimum + (initial - minimum) * (1 + Math.cos(Math.PI * step / totalSteps)) / 2);
  }

  /** Linear warm-up in front of this schedule: {@code η(t) · min(1, (t + 1) / warmUpSteps)}. */
  default LearningRateSchedule withWarmUp(long warmUpSteps) {
    if (warmUpSteps < 1) {
      throw new IllegalArgumentException("warm-up needs at least 1 step; got " + warmUpSteps);
    }
    return step -> rate(step) * Math.min(1f, (float) (step + 1) / warmUpSteps);
  }

  private static void requireRate(float rate) {
    if (!(rate >= 0f && Float.isFinite(rate))) {
      throw new IllegalArgumentException("a learning rate must be finite and ≥ 0; got " + rate);
    }
  }
}
