package dev.recur.demo;

import dev.recur.ElmanRnn;
import dev.recur.GradientClipping;
import dev.recur.Inputs;
import dev.recur.Loss;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.Targets;
import dev.recur.Workspace;
import dev.recur.kernel.KernelSelection;
import dev.recur.optim.Sgd;
import java.io.PrintStream;
import java.util.Random;

/**
 * The end-to-end demo: a tanh RNN learns to continue sine waves of random phase and frequency
 * (many-to-many, identity output, mean squared error), trained by full BPTT with gradient-norm
 * clipping and SGD. Prints the loss as it falls and a prediction on a wave it has not seen.
 */
public final class Demo {

  private static final int HIDDEN = 32;
  private static final int STEPS = 40;
  private static final int BATCH = 32;
  private static final int UPDATES = 3000;

  private Demo() {}

  public static void main(String[] args) {
    run(System.out, UPDATES);
  }

  /** Runs the demo for {@code updates} minibatch updates; returns the last minibatch loss. */
  public static double run(PrintStream out, int updates) {
    out.println("recur demo: continue a sine wave one step ahead");
    out.println("kernels: " + KernelSelection.kernels().description());
    RnnConfig config = RnnConfig.builder(1, HIDDEN, 1).seed(1).build();
    ElmanRnn model = ElmanRnn.initialize(config);
    Workspace ws = model.workspace(STEPS, BATCH);
    Parameters gradients = Parameters.zeros(config);
    Sgd sgd = Sgd.plain(config);
    Random random = new Random(7);
    float[] inputs = new float[STEPS * BATCH];
    float[] targets = new float[STEPS * BATCH];
    Inputs batch = Inputs.dense(inputs, STEPS, BATCH);
    Targets next = Targets.everyStep(targets);

    double loss = Double.NaN;
    long start = System.nanoTime();
    for (int update = 1; update <= updates; update++) {
      for (int b = 0; b < BATCH; b++) {
        fillWave(random, inputs, targets, b, BATCH);
      }
      model.forward(ws, batch);
      gradients.zero();
      loss = model.backward(ws, Loss.MEAN_SQUARED_ERROR, next, gradients) / STEPS;
      GradientClipping.clipByGlobalNorm(gradients, 1f);
      sgd.step(model.weights(), gradients, 0.05f);
      if (update == 1 || update % (updates / 10) == 0) {
        out.printf("update %5d  mean squared error per step %.5f%n", update, loss);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    out.printf(
        "%d updates of %d×%d steps in %.2f s (%.2f µs per sequence-step, forward + backward)%n",
        updates, BATCH, STEPS, seconds, seconds * 1e6 / ((double) updates * BATCH * STEPS));

    // A wave the model has not seen: frequency and phase drawn afresh.
    Workspace single = model.workspace(STEPS, 1);
    float[] wave = new float[STEPS];
    float[] truth = new float[STEPS];
    fillWave(new Random(12345), wave, truth, 0, 1);
    model.forward(single, Inputs.dense(wave, STEPS));
    out.println("unseen wave, last steps:   input  -> predicted next  (true next)");
    for (int t = STEPS - 5; t < STEPS; t++) {
      out.printf("  t=%2d                  %+.3f -> %+.3f           (%+.3f)%n",
          t, wave[t], single.outputs()[t], truth[t]);
    }
    return loss;
  }

  /** Sequence b of a batch: x_t = sin(ω t + φ), target x_{t+1}, ω in [0.15, 0.45]. */
  private static void fillWave(Random random, float[] inputs, float[] targets, int b, int batch) {
    double omega = 0.15 + 0.3 * random.nextDouble();
    double phase = 2 * Math.PI * random.nextDouble();
    for (int t = 0; t < STEPS; t++) {
      inputs[t * batch + b] = (float) Math.sin(omega * t + phase);
      targets[t * batch + b] = (float) Math.sin(omega * (t + 1) + phase);
    }
  }
}
