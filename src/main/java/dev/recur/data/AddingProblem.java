package dev.recur.data;

import java.util.SplittableRandom;

/**
 * The adding problem (Hochreiter and Schmidhuber 1997, in the form of Le, Jaitly and Hinton 2015):
 * each step carries two numbers, a value drawn uniformly from [0, 1] and a marker that is 1 at
 * exactly two steps (one in the first half of the sequence, one in the second) and 0 elsewhere.
 * The target, given at the last step only, is the sum of the two marked values.
 *
 * <p>Always predicting 1 (the mean of the sum) gives a mean squared error of Var(U₁ + U₂) = 1/6 ≈
 * 0.167: the baseline a model must beat.
 */
public final class AddingProblem {

  /** The mean squared error of always answering 1. */
  public static final double BASELINE_MSE = 1.0 / 6.0;

  private AddingProblem() {}

  /**
   * {@code count} sequences of {@code steps} ≥ 2 steps, from {@code seed}.
   *
   * @param count N, the number of sequences, ≥ 1
   * @param steps T, ≥ 2
   * @param seed seeds the values and the marker positions
   * @return dense sequences with I = 2 (value, marker) per step and one target (the sum) at the
   *     last step
   * @throws IllegalArgumentException if {@code steps} &lt; 2, {@code count} &lt; 1, or N·T·2
   *     values do not fit a Java array
   */
  public static SequenceSet generate(int count, int steps, long seed) {
    if (steps < 2) {
      throw new IllegalArgumentException("the adding problem needs at least 2 steps; got " + steps);
    }
    if (count < 1 || (long) count * steps * 2 > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("count " + count + " × steps " + steps
          + " × 2 inputs must be between 2 and a Java array's size");
    }
    SplittableRandom random = new SplittableRandom(seed);
    float[] inputs = new float[count * steps * 2];
    float[] targets = new float[count];
    int half = steps / 2;
    for (int n = 0; n < count; n++) {
      int first = random.nextInt(half);
      int second = half + random.nextInt(steps - half);
      float sum = 0f;
      for (int t = 0; t < steps; t++) {
        int at = (n * steps + t) * 2;
        inputs[at] = (float) random.nextDouble();
        if (t == first || t == second) {
          inputs[at + 1] = 1f;
          sum += inputs[at];
        }
      }
      targets[n] = sum;
    }
    return new SequenceSet(count, steps, 2, 1, false, inputs, targets);
  }
}
