package dev.recur.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * N labelled sequences of T steps, each step a vector of I values or a token index in [0, I),
 * with targets at every step (O values each) or at the last step only, and optionally a mask for
 * sequences shorter than T (padded at their end).
 *
 * <p>Sequence n's step t is {@code inputs[(n·T + t)·I ..]} or {@code tokens[n·T + t]}; it is a
 * real step if {@code mask} is null or {@code mask[n·T + t]}. Its targets start at {@code
 * targets[n·T·O]} (every step) or {@code targets[n·O]} (last).
 *
 * @param count N
 * @param steps T
 * @param inputSize I (the vocabulary, for tokens)
 * @param outputSize O
 * @param everyStep true for many-to-many targets, false for many-to-one
 * @param inputs dense inputs, N·T·I values, sequence n's step t at {@code (n·T + t)·I}; or null
 *     for tokens
 * @param targets N·T·O values (every step, sequence n's step t at {@code (n·T + t)·O}) or N·O
 *     (last step, sequence n's at {@code n·O}): target vectors, or one-hot classes
 * @param tokens token inputs, N·T indices in [0, I), sequence n's step t at {@code n·T + t}; or
 *     null for dense
 * @param mask N·T flags, true for a real step, laid out as {@code tokens}; or null when every step
 *     is real
 */
public record SequenceSet(
    int count, int steps, int inputSize, int outputSize, boolean everyStep, float[] inputs,
    float[] targets, int[] tokens, boolean[] mask) {

  /**
   * Checks the sizes against the arrays (held, not copied).
   *
   * @throws IllegalArgumentException if a size is not positive or an array's length does not
   *     match the sizes
   * @throws NullPointerException if {@code targets} is null
   */
  public SequenceSet {
    Objects.requireNonNull(targets, "targets");
    if (count < 1 || steps < 1 || inputSize < 1 || outputSize < 1) {
      throw new IllegalArgumentException(
          "count, steps, inputSize, outputSize must be ≥ 1; got " + count + ", " + steps + ", "
              + inputSize + ", " + outputSize);
    }
    if ((inputs == null) == (tokens == null)) {
      throw new IllegalArgumentException("need dense inputs or tokens, exactly one of them");
    }
    if (inputs != null && inputs.length != (long) count * steps * inputSize) {
      throw new IllegalArgumentException(
          "inputs length " + inputs.length + ", expected " + count + " × " + steps + " × " + inputSize);
    }
    if (tokens != null) {
      if (tokens.length != (long) count * steps) {
        throw new IllegalArgumentException(
            "token count " + tokens.length + ", expected " + count + " × " + steps);
      }
      for (int i = 0; i < tokens.length; i++) {
        if (tokens[i] < 0 || tokens[i] >= inputSize) {
          throw new IllegalArgumentException(
              "token " + tokens[i] + " at " + i + " is outside the vocabulary [0, " + inputSize + ")");
        }
      }
    }
    if (mask != null && mask.length != (long) count * steps) {
      throw new IllegalArgumentException(
          "mask length " + mask.length + ", expected " + count + " × " + steps);
    }
    long targetRows = everyStep ? (long) count * steps : count;
    if (targets.length != targetRows * outputSize) {
      throw new IllegalArgumentException(
          "targets length " + targets.length + ", expected " + targetRows + " × " + outputSize);
    }
  }

  /**
   * Dense sequences with every step real.
   *
   * @param count N, ≥ 1
   * @param steps T, ≥ 1
   * @param inputSize I, ≥ 1
   * @param outputSize O, ≥ 1
   * @param everyStep true for targets at every step, false for the last step only
   * @param inputs N·T·I values, sequence n's step t at {@code (n·T + t)·I}; held, not copied
   * @param targets N·T·O or N·O values, as the record's {@code targets}; held, not copied
   * @throws IllegalArgumentException if a size is below 1 or an array's length does not match
   * @throws NullPointerException if an array is null
   */
  public SequenceSet(
      int count, int steps, int inputSize, int outputSize, boolean everyStep, float[] inputs,
      float[] targets) {
    this(count, steps, inputSize, outputSize, everyStep,
        Objects.requireNonNull(inputs, "inputs"), targets, null, null);
  }

  /**
   * Token sequences, padded where {@code mask} (null: nowhere) says.
   *
   * @param count N, ≥ 1
   * @param steps T, ≥ 1
   * @param vocabulary I, the number of distinct tokens, ≥ 1
   * @param outputSize O, ≥ 1
   * @param everyStep true for targets at every step, false for the last step only
   * @param tokens N·T indices in [0, I), sequence n's step t at {@code n·T + t}; held, not copied
   * @param mask N·T flags, true for a real step; or null when every step is real
   * @param targets N·T·O or N·O values, as the record's {@code targets}; held, not copied
   * @return the set
   * @throws IllegalArgumentException if a size is below 1, an array's length does not match, or
   *     a token is outside [0, I)
   * @throws NullPointerException if the tokens or the targets are null
   */
  public static SequenceSet ofTokens(
      int count, int steps, int vocabulary, int outputSize, boolean everyStep, int[] tokens,
      boolean[] mask, float[] targets) {
    return new SequenceSet(count, steps, vocabulary, outputSize, everyStep, null, targets,
        Objects.requireNonNull(tokens, "tokens"), mask);
  }

  /**
   * Whether the inputs are token indices ({@link #tokens()}) rather than dense vectors.
   *
   * @return true if {@code tokens} is not null
   */
  public boolean isTokens() {
    return tokens != null;
  }

  /**
   * The same sequences in a seeded random order (a copy), e.g. before a train/validation split.
   *
   * @param seed seeds the shuffle; the same seed gives the same order
   * @return a new set holding copies of the arrays, sequences permuted
   */
  public SequenceSet shuffled(long seed) {
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = count - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return select(order);
  }

  /**
   * Sequences {@code [from, to)} as a new set (copies).
   *
   * @param from the first sequence kept, in [0, N)
   * @param to one past the last sequence kept, in (from, N]
   * @return a new set of {@code to - from} sequences, holding copies of the arrays
   * @throws IndexOutOfBoundsException if the range is not within [0, N]
   * @throws IllegalArgumentException if the range is empty
   */
  public SequenceSet slice(int from, int to) {
    Objects.checkFromToIndex(from, to, count);
    int[] order = new int[to - from];
    Arrays.setAll(order, i -> from + i);
    return select(order);
  }

  /** The sequences {@code order[0], order[1], …} as a new set (copies). */
  private SequenceSet select(int[] order) {
    int out = (everyStep ? steps : 1) * outputSize;
    float[] x = inputs == null ? null : new float[order.length * steps * inputSize];
    int[] k = tokens == null ? null : new int[order.length * steps];
    boolean[] m = mask == null ? null : new boolean[order.length * steps];
    float[] d = new float[order.length * out];
    for (int n = 0; n < order.length; n++) {
      int from = order[n];
      if (x != null) {
        System.arraycopy(inputs, from * steps * inputSize, x, n * steps * inputSize, steps * inputSize);
      }
      if (k != null) {
        System.arraycopy(tokens, from * steps, k, n * steps, steps);
      }
      if (m != null) {
        System.arraycopy(mask, from * steps, m, n * steps, steps);
      }
      System.arraycopy(targets, from * out, d, n * out, out);
    }
    return new SequenceSet(order.length, steps, inputSize, outputSize, everyStep, x, d, k, m);
  }
}
