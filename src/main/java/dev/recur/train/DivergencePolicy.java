package dev.recur.train;

/**
 * What training does at a NaN or infinite loss or gradient: {@link #STOP} ends the run there
 * ({@link TrainingDivergedException}); {@link #skip(int)} drops that update (as mixed-precision
 * trainers skip steps with non-finite gradients), counts it, and stops only when {@code
 * maxInARow} updates in a row have been dropped and another diverges.
 *
 * @param maxInARow updates that may be skipped in a row; 0 stops at the first divergence
 */
public record DivergencePolicy(int maxInARow) {

  /** Stop at the first non-finite loss or gradient. */
  public static final DivergencePolicy STOP = new DivergencePolicy(0);

  /**
   * Checks the count.
   *
   * @throws IllegalArgumentException if {@code maxInARow} is negative
   */
  public DivergencePolicy {
    if (maxInARow < 0) {
      throw new IllegalArgumentException("updates to skip in a row must be ≥ 0; got " + maxInARow);
    }
  }

  /**
   * Skip diverging updates, stopping after {@code maxInARow} ≥ 1 in a row.
   *
   * @param maxInARow updates that may be skipped in a row, ≥ 1
   * @return the policy
   * @throws IllegalArgumentException if {@code maxInARow} &lt; 1
   */
  public static DivergencePolicy skip(int maxInARow) {
    if (maxInARow < 1) {
      throw new IllegalArgumentException("skip needs at least 1 update to skip; got " + maxInARow);
    }
    return new DivergencePolicy(maxInARow);
  }
}
