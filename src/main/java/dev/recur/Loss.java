package dev.recur;

/**
 * The per-step loss {@code ℓ(ŷ_t, d_t)}. A sequence's loss is the sum over the steps that carry a
 * target (every step, or only the last); a batch's loss is the mean of its sequences' losses.
 */
public enum Loss {
  /** The notes' {@code E = Σ_i (d_i - ŷ_i)²}. Any output function. */
  SQUARED_ERROR,
  /** {@code E = ½ Σ_i (d_i - ŷ_i)²}, the notes' variant with the factor ½. Any output function. */
  HALF_SQUARED_ERROR,
  /** {@code (1/O) Σ_i (d_i - ŷ_i)²}, PyTorch's {@code MSELoss} over one step. Any output function. */
  MEAN_SQUARED_ERROR,
  /**
   * {@code -log ŷ_d} for a class index d, fused with {@link OutputFunction#SOFTMAX}: computed from
   * {@code z} as {@code logΣexp(z) - z_d}, so it never takes the log of a rounded-off zero.
   */
  CROSS_ENTROPY,
  /**
   * {@code -Σ_i [d_i log ŷ_i + (1-d_i) log(1-ŷ_i)]} for targets in [0, 1], fused with {@link
   * OutputFunction#SIGMOID}: computed from {@code z} as {@code max(z,0) - z d + log(1+e^{-|z|})}.
   */
  BINARY_CROSS_ENTROPY;

  /**
   * Whether this loss can follow the given output function; the fused losses need their own.
   *
   * @param output the model's output function g
   * @return false only for a fused loss after an output function other than its own
   */
  public boolean supports(OutputFunction output) {
    return switch (this) {
      case CROSS_ENTROPY -> output == OutputFunction.SOFTMAX;
      case BINARY_CROSS_ENTROPY -> output == OutputFunction.SIGMOID;
      default -> true;
    };
  }

  /**
   * Whether targets are class indices (one int per step) rather than vectors of O values.
   *
   * @return true for {@link #CROSS_ENTROPY}
   */
  public boolean takesClassIndices() {
    return this == CROSS_ENTROPY;
  }
}
