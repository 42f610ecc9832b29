package dev.recur.bench;

import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.inference.InferenceModel;
import dev.recur.inference.RnnStream;
import dev.recur.kernel.KernelSelection;

/**
 * What {@link InferenceModel#warmUp(int)} costs and buys, in a fresh JVM (so it must run once per
 * setting, never inside JMH): the first step and the mean of the next 100, with and without a
 * warm-up of the given number of steps.
 *
 * <pre>mvn -q package -DskipTests exec:exec@harness -Dharness=WarmUpCost -Dharness.args="512 10000"</pre>
 */
public final class WarmUpCost {

  private WarmUpCost() {}

  public static void main(String[] args) {
    int hidden = args.length > 0 ? Integer.parseInt(args[0]) : 128;
    int warmUpSteps = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    InferenceModel model =
        new InferenceModel(Parameters.initialize(RnnConfig.builder(64, hidden, 64).seed(1).build()));
    String warmUp = "no warm-up";
    if (warmUpSteps > 0) {
      InferenceModel.WarmUp report = model.warmUp(warmUpSteps);
      warmUp = String.format("warm-up of %d steps took %.2f s", warmUpSteps, report.took().toNanos() / 1e9);
    }
    RnnStream stream = model.newStream();
    float[] x = new float[64];
    long start = System.nanoTime();
    stream.step(x);
    long first = System.nanoTime() - start;
    start = System.nanoTime();
    for (int i = 0; i < 100; i++) {
      stream.step(x);
    }
    long next = (System.nanoTime() - start) / 100;
    System.out.printf(
        "H=%d I=O=64, %s, %s: first step %.1f µs, next 100 steps %.1f µs each%n",
        hidden, KernelSelection.kernels().description(), warmUp, first / 1e3, next / 1e3);
  }
}
