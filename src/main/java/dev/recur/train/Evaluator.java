package dev.recur.train;

import dev.recur.ElmanRnn;
import dev.recur.Loss;
import dev.recur.data.SequenceSet;
import java.util.Objects;

/**
 * Scores a model on a data set: the mean loss per sequence, in minibatches, without training
 * anything. {@link Trainer} validates with it, and {@code recur eval} scores with it. Not
 * thread-safe (its batches hold workspaces).
 */
public final class Evaluator {

  private final ElmanRnn model;
  private final Loss loss;
  private final int batchSize;

  /**
   * Scores {@code model} by {@code loss} in batches of at most {@code batchSize} sequences.
   *
   * @param model the model to score; not changed
   * @param loss the per-step loss, as in training
   * @param batchSize sequences per forward pass, ≥ 1
   * @throws IllegalArgumentException if {@code batchSize} &lt; 1
   * @throws NullPointerException if the model or the loss is null
   */
  public Evaluator(ElmanRnn model, Loss loss, int batchSize) {
    this.model = Objects.requireNonNull(model, "model");
    this.loss = Objects.requireNonNull(loss, "loss");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1; got " + batchSize);
    }
    this.batchSize = batchSize;
  }

  /**
   * The mean over {@code set}'s sequences of each sequence's loss (as {@link ElmanRnn#loss}).
   *
   * @param set the sequences to score; input and target widths must match the model's
   * @return the mean loss per sequence
   * @throws IllegalArgumentException if the set's widths differ from the model's
   * @throws NullPointerException if {@code set} is null
   */
  public double meanLoss(SequenceSet set) {
    Objects.requireNonNull(set, "set");
    var c = model.config();
    if (set.inputSize() != c.inputSize() || set.outputSize() != c.outputSize()) {
      throw new IllegalArgumentException("data of inputs " + set.inputSize() + " and targets "
          + set.outputSize() + " for a model of I=" + c.inputSize() + ", O=" + c.outputSize());
    }
    return meanLoss(new Minibatches(model, loss, set, batchSize));
  }

  /** The mean loss over the set of {@code batches}, which must be for this model and loss. */
  double meanLoss(Minibatches batches) {
    int count = batches.set().count();
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    double sum = 0;
    for (int start = 0; start < count; start += batchSize) {
      int size = Math.min(batchSize, count - start);
      Minibatches.Batch batch = batches.gather(order, start, size);
      model.forward(batch.workspace(), batch.inputs());
      sum += model.loss(batch.workspace(), loss, batch.targets()) * size;
    }
    return sum / count;
  }
}
