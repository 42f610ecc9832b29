package dev.recur.train;

import dev.recur.ElmanRnn;
import dev.recur.Loss;
import dev.recur.data.SequenceSet;
import java.util.Objects;

/**
 * How well a classifier's or tagger's most probable class matches one-hot targets, at every real
 * step (targets at every step) or at the last step (targets at the last step): the accuracy, and
 * the precision, recall and F1 of one class (a word ending after a character, say). Computed
 * with whole-sequence forward passes, so it scores models of every shape, bidirectional ones
 * included; nothing is dropped out.
 *
 * @param steps the steps scored: the real (unmasked) ones, or one per sequence
 * @param correct steps whose most probable class is the target's
 * @param truePositives steps of the class predicted as the class
 * @param falsePositives steps of other classes predicted as the class
 * @param falseNegatives steps of the class predicted as another
 */
public record ClassScore(
    long steps, long correct, long truePositives, long falsePositives, long falseNegatives) {

  /**
   * Scores {@code model} on {@code set} (token or dense inputs, one-hot targets) in batches of at
   * most {@code batchSize} sequences; {@code positive} is the class whose precision, recall and
   * F1 are counted. Ties go to the lower class index.
   *
   * @param model the classifier; its input and output sizes must match the set's
   * @param set sequences with one-hot targets at every step or at the last step
   * @param positive the class index, in [0, O), whose precision, recall and F1 are counted
   * @param batchSize sequences per forward pass, ≥ 1
   * @return the counts over every scored step
   * @throws IllegalArgumentException if the set's widths differ from the model's or {@code
   *     batchSize} &lt; 1
   * @throws IndexOutOfBoundsException if {@code positive} is outside [0, O)
   * @throws NullPointerException if the model or the set is null
   */
  public static ClassScore of(ElmanRnn model, SequenceSet set, int positive, int batchSize) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(set, "set");
    int classes = set.outputSize();
    var c = model.config();
    if (set.inputSize() != c.inputSize() || classes != c.outputSize()) {
      throw new IllegalArgumentException("data of inputs " + set.inputSize() + " and "
          + classes + " classes for a model of I=" + c.inputSize() + ", O=" + c.outputSize());
    }
    Objects.checkIndex(positive, classes);
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1; got " + batchSize);
    }
    Minibatches batches = new Minibatches(model, Loss.CROSS_ENTROPY, set, batchSize);
    int count = set.count();
    int steps = set.steps();
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    long scored = 0;
    long correct = 0;
    long truePositives = 0;
    long falsePositives = 0;
    long falseNegatives = 0;
    for (int start = 0; start < count; start += batchSize) {
      int size = Math.min(batchSize, count - start);
      Minibatches.Batch batch = batches.gather(order, start, size);
      model.forward(batch.workspace(), batch.inputs());
      float[] outputs = batch.workspace().outputs();
      for (int k = 0; k < size; k++) {
        int n = start + k;
        for (int t = set.everyStep() ? 0 : steps - 1; t < steps; t++) {
          if (set.everyStep() && set.mask() != null && !set.mask()[n * steps + t]) {
            continue;
          }
          int predicted = argmax(outputs, (t * size + k) * classes, classes);
          int truth = argmax(set.targets(),
              (set.everyStep() ? n * steps + t : n) * classes, classes);
          scored++;
          correct += predicted == truth ? 1 : 0;
          truePositives += predicted == positive && truth == positive ? 1 : 0;
          falsePositives += predicted == positive && truth != positive ? 1 : 0;
          falseNegatives += predicted != positive && truth == positive ? 1 : 0;
        }
      }
    }
    return new ClassScore(scored, correct, truePositives, falsePositives, falseNegatives);
  }

  /**
   * Correct steps over all steps; 0 when there are none.
   *
   * @return the accuracy, in [0, 1]
   */
  public double accuracy() {
    return ratio(correct, steps);
  }

  /**
   * Of the steps predicted as the class, how many are; 0 when none is predicted.
   *
   * @return TP / (TP + FP), in [0, 1]
   */
  public double precision() {
    return ratio(truePositives, truePositives + falsePositives);
  }

  /**
   * Of the steps of the class, how many are predicted as it; 0 when there are none.
   *
   * @return TP / (TP + FN), in [0, 1]
   */
  public double recall() {
    return ratio(truePositives, truePositives + falseNegatives);
  }

  /**
   * The harmonic mean of precision and recall, {@code 2TP / (2TP + FP + FN)}; 0 when undefined.
   *
   * @return F1, in [0, 1]
   */
  public double f1() {
    return ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
  }

  private static double ratio(long numerator, long denominator) {
    return denominator == 0 ? 0 : (double) numerator / denominator;
  }

  private static int argmax(float[] values, int offset, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (values[offset + i] > values[offset + best]) {
        best = i;
      }
    }
    return best;
  }
}
