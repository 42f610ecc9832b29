package dev.recur.optim;

/**
 * The learning rate η as a function of the update number t (counting from 0), the value passed
 * to {@link Optimizer#step}.
 */
@FunctionalInterface
public interface LearningRateSchedule {

  /**
   * η at update {@code step}.
   *
   * @param step the update number t, counting from 0
   * @return the learning rate for that update, ≥ 0
   */
  float rate(long step);

  /**
   * The same η at every update.
   *
   * @param rate η, finite and ≥ 0
   * @return a schedule that returns {@code rate} for every step
   * @throws IllegalArgumentException if {@code rate} is negative or not finite
   */
  static LearningRateSchedule constant(float rate) {
    requireRate(rate);
    return step -> rate;
  }

  /**
   * PyTorch's {@code StepLR}: {@code η₀ γ^⌊t / period⌋}.
   *
   * @param initial η₀, the rate for the first {@code period} updates; finite and ≥ 0
   * @param period how many updates each rate lasts, ≥ 1
   * @param gamma γ, the factor applied at the end of each period, in (0, 1]
   * @return the step-decay schedule
   * @throws IllegalArgumentException if {@code initial} is negative or not finite, {@code period}
   *     is below 1, or {@code gamma} is outside (0, 1]
   */
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
   *
   * @param initial η₀, the rate at update 0; finite and ≥ 0
   * @param minimum η_min, the floor reached at update T and kept after; finite, ≥ 0 and ≤ η₀
   * @param totalSteps T, the number of updates the annealing spans, ≥ 1
   * @return the cosine schedule
   * @throws IllegalArgumentException if a rate is negative or not finite, {@code totalSteps} is
   *     below 1, or {@code minimum} exceeds {@code initial}
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

  /**
   * Linear warm-up in front of this schedule: {@code η(t) · min(1, (t + 1) / warmUpSteps)}.
   *
   * @param warmUpSteps the number of updates over which the factor climbs to 1, ≥ 1
   * @return a schedule that scales this one by the warm-up factor
   * @throws IllegalArgumentException if {@code warmUpSteps} is below 1
   */
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
