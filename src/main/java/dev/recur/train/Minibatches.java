package dev.recur.train;

import dev.recur.ElmanRnn;
import dev.recur.Inputs;
import dev.recur.Loss;
import dev.recur.Targets;
import dev.recur.Workspace;
import dev.recur.data.SequenceSet;

/**
 * Gathers minibatches of a set into {@link Inputs}' layout (row t·B + b), with buffers and a
 * workspace made once per batch size met (the full size, a last partial batch, shard sizes).
 */
final class Minibatches {

  record Batch(Workspace workspace, Inputs inputs, Targets targets) {}

  private final ElmanRnn model;
  private final Loss loss;
  private final SequenceSet set;
  private final Buffers[] bySize;

  /** Batches of at most {@code maxSize} sequences of {@code set}, for {@code model} and {@code loss}. */
  Minibatches(ElmanRnn model, Loss loss, SequenceSet set, int maxSize) {
    this.model = model;
    this.loss = loss;
    this.set = set;
    this.bySize = new Buffers[Math.min(maxSize, set.count()) + 1];
  }

  SequenceSet set() {
    return set;
  }

  Batch gather(int[] order, int start, int size) {
    if (bySize[size] == null) {
      bySize[size] = new Buffers(size);
    }
    Buffers b = bySize[size];
    int steps = set.steps();
    int in = set.inputSize();
    int out = set.outputSize();
    for (int k = 0; k < size; k++) {
      int n = order[start + k];
      for (int t = 0; t < steps; t++) {
        int row = t * size + k;
        if (b.tokens != null) {
          b.tokens[row] = set.tokens()[n * steps + t];
        } else {
          System.arraycopy(set.inputs(), (n * steps + t) * in, b.inputs, row * in, in);
        }
        if (b.mask != null) {
          b.mask[row] = set.mask()[n * steps + t];
        }
        if (set.everyStep()) {
          System.arraycopy(set.targets(), (n * steps + t) * out, b.targets, (t * size + k) * out, out);
        }
      }
      if (!set.everyStep()) {
        System.arraycopy(set.targets(), n * out, b.targets, k * out, out);
      }
    }
    if (b.classes != null) {
      // class-index losses: each one-hot target row becomes the index of its 1
      for (int r = 0; r < b.classes.length; r++) {
        int best = 0;
        for (int o = 1; o < out; o++) {
          if (b.targets[r * out + o] > b.targets[r * out + best]) {
            best = o;
          }
        }
        b.classes[r] = best;
      }
    }
    return b.batch;
  }

  private final class Buffers {
    final float[] inputs;
    final int[] tokens;
    final boolean[] mask;
    final float[] targets;
    /** Class indices, for losses that take them (the set's targets are then one-hot rows). */
    final int[] classes;
    final Batch batch;

    Buffers(int size) {
      int steps = set.steps();
      inputs = set.isTokens() ? null : new float[steps * size * set.inputSize()];
      tokens = set.isTokens() ? new int[steps * size] : null;
      mask = set.mask() == null ? null : new boolean[steps * size];
      int rows = (set.everyStep() ? steps : 1) * size;
      targets = new float[rows * set.outputSize()];
      Targets t;
      if (loss.takesClassIndices()) {
        classes = new int[rows];
        t = set.everyStep() ? Targets.everyStepClasses(classes) : Targets.lastStepClasses(classes);
      } else {
        classes = null;
        t = set.everyStep() ? Targets.everyStep(targets) : Targets.lastStep(targets);
      }
      Inputs in = tokens != null ? Inputs.tokens(tokens, steps, size) : Inputs.dense(inputs, steps, size);
      batch = new Batch(model.workspace(steps, size), mask == null ? in : in.withMask(mask), t);
    }
  }
}
