package dev.recur;

import java.util.Random;

/** Small random problems shared by the gradient tests. */
final class TestProblems {

  private TestProblems() {}

  /** A problem as the float model takes it, and the same numbers as the reference takes them. */
  record Case(
      ElmanRnn model,
      Inputs inputs,
      float[] initialHidden,
      Loss loss,
      Targets targets,
      ReferenceRnn.Problem reference) {}

  static Case random(
      RnnConfig config, int steps, int batch, Loss loss, boolean manyToMany, boolean tokens,
      boolean masked, long seed) {
    Random random = new Random(seed);
    Parameters weights = Parameters.initialize(config.toBuilder().seed(seed).build());
    ElmanRnn model = new ElmanRnn(weights);
    int rows = steps * batch;
    int in = config.inputSize();
    int out = config.outputSize();

    float[] dense = null;
    int[] tokenIds = null;
    Inputs inputs;
    if (tokens) {
      tokenIds = new int[rows];
      for (int r = 0; r < rows; r++) {
        tokenIds[r] = random.nextInt(in);
      }
      inputs = Inputs.tokens(tokenIds, steps, batch);
    } else {
      dense = gaussian(random, rows * in);
      inputs = Inputs.dense(dense, steps, batch);
    }
    boolean[] mask = null;
    if (masked) {
      // sequence b is real for its first (steps - b) steps, then padding
      mask = new boolean[rows];
      for (int t = 0; t < steps; t++) {
        for (int b = 0; b < batch; b++) {
          mask[t * batch + b] = t < steps - b;
        }
      }
      inputs = inputs.withMask(mask);
    }
    float[] initialHidden = gaussian(random,
        config.layers() * config.directions() * batch * config.hiddenSize());
    for (int i = 0; i < initialHidden.length; i++) {
      initialHidden[i] *= 0.5f;
    }

    int targetRows = manyToMany ? rows : batch;
    Targets targets;
    if (loss.takesClassIndices()) {
      int[] classes = new int[targetRows];
      for (int r = 0; r < targetRows; r++) {
        classes[r] = random.nextInt(out);
      }
      targets = manyToMany ? Targets.everyStepClasses(classes) : Targets.lastStepClasses(classes);
    } else {
      float[] values = new float[targetRows * out];
      for (int i = 0; i < values.length; i++) {
        values[i] =
            loss == Loss.BINARY_CROSS_ENTROPY ? random.nextFloat() : (float) random.nextGaussian();
      }
      targets = manyToMany ? Targets.everyStep(values) : Targets.lastStep(values);
    }
    ReferenceRnn.Problem reference =
        new ReferenceRnn.Problem(
            steps, batch, dense == null ? null : ReferenceRnn.toDouble(dense), tokenIds, mask,
            ReferenceRnn.toDouble(initialHidden), loss, targets);
    return new Case(model, inputs, initialHidden, loss, targets, reference);
  }

  static float[] gaussian(Random random, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }
}
