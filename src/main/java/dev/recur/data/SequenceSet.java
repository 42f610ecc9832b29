package dev.recur.data;

import java.util.Objects;

/**
 * N labelled sequences of equal length T, each step a vector of I values, with targets at every
 * step (O values each) or at the last step only. Sequence n's step t is {@code inputs[(n·T + t)·I
 * ..]}; its targets start at {@code targets[n·T·O]} (every step) or {@code targets[n·O]} (last).
 *
 * @param count N
 * @param steps T
 * @param inputSize I
 * @param outputSize O
 * @param everyStep true for many-to-many targets, false for many-to-one
 */
public record SequenceSet(
    int count, int steps, int inputSize, int outputSize, boolean everyStep, float[] inputs,
    float[] targets) {

  public SequenceSet {
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(targets, "targets");
    if (count < 1 || steps < 1 || inputSize < 1 || outputSize < 1) {
      throw new IllegalArgumentException(
          "count, steps, inputSize, outputSize must be ≥ 1; got " + count + ", " + steps + ", "
              + inputSize + ", " + outputSize);
    }
    if (inputs.length != (long) count * steps * inputSize) {
      throw new IllegalArgumentException(
          "inputs length " + inputs.length + ", expected " + count + " × " + steps + " × " + inputSize);
    }
    long targetRows = everyStep ? (long) count * steps : count;
    if (targets.length != targetRows * outputSize) {
      throw new IllegalArgumentException(
          "targets length " + targets.length + ", expected " + targetRows + " × " + outputSize);
    }
  }

  /** The same sequences in a seeded random order (a copy), e.g. before a train/validation split. */
  public SequenceSet shuffled(long seed) {
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    for (int i = count - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    int in = steps * inputSize;
    int out = (everyStep ? steps : 1) * outputSize;
    float[] x = new float[inputs.length];
    float[] d = new float[targets.length];
    for (int n = 0; n < count; n++) {
      System.arraycopy(inputs, order[n] * in, x, n * in, in);
      System.arraycopy(targets, order[n] * out, d, n * out, out);
    }
    return new SequenceSet(count, steps, inputSize, outputSize, everyStep, x, d);
  }

  /** Sequences {@code [from, to)} as a new set (copies). */
  public SequenceSet slice(int from, int to) {
    Objects.checkFromToIndex(from, to, count);
    int in = steps * inputSize;
    int out = (everyStep ? steps : 1) * outputSize;
    float[] x = java.util.Arrays.copyOfRange(inputs, from * in, to * in);
    float[] d = java.util.Arrays.copyOfRange(targets, from * out, to * out);
    return new SequenceSet(to - from, steps, inputSize, outputSize, everyStep, x, d);
  }
}
