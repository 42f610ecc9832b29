package consumer;

import dev.recur.ElmanRnn;
import dev.recur.Engine;
import dev.recur.GradientClipping;
import dev.recur.Inputs;
import dev.recur.Loss;
import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.Targets;
import dev.recur.Workspace;
import dev.recur.optim.Sgd;

/** Ten SGD steps on one many-to-one example, on both engines; exits 1 unless the loss falls. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    if (Engine.class.getModule().isNamed()) {
      fail("recur was loaded as a named module; this consumer is meant for the class path");
    }
    for (Engine engine : Engine.values()) {
      double[] losses = train(engine);
      System.out.printf("%s (%s): loss %.4f -> %.4f%n",
          engine, engine.description(), losses[0], losses[1]);
      if (!(losses[1] < losses[0])) {
        fail("the loss did not fall on " + engine);
      }
    }
  }

  /** The loss before the first step and after the last. */
  private static double[] train(Engine engine) {
    RnnConfig config = RnnConfig.builder(3, 8, 2).output(OutputFunction.SOFTMAX).seed(7).build();
    ElmanRnn model = new ElmanRnn(Parameters.initialize(config), engine);
    int steps = 4;
    float[] x = new float[steps * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.cos(i);
    }
    Inputs inputs = Inputs.dense(x, steps);
    Targets answer = Targets.lastStepClasses(new int[] {1});
    Workspace workspace = model.workspace(steps, 1);
    Parameters gradients = Parameters.zeros(config);
    Sgd sgd = Sgd.plain(config);
    model.forward(workspace, inputs);
    double first = model.loss(workspace, Loss.CROSS_ENTROPY, answer);
    for (int update = 0; update < 10; update++) {
      gradients.zero();
      model.forward(workspace, inputs);
      model.backward(workspace, Loss.CROSS_ENTROPY, answer, gradients);
      GradientClipping.clipByGlobalNorm(gradients, 5f, engine);
      sgd.step(model.weights(), gradients, 0.1f);
    }
    model.forward(workspace, inputs);
    return new double[] {first, model.loss(workspace, Loss.CROSS_ENTROPY, answer)};
  }

  private static void fail(String message) {
    System.err.println("classpath-consumer: " + message);
    System.exit(1);
  }
}
