package dev.recur;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A whole model gives the same outputs and gradients on the selected kernels as on the scalar
 * ones, at sizes that exercise every vector tail (H not a multiple of any lane count), for single
 * sequences and batches. Bound: {@code 1e-5 · max|entry| + 1e-6} per tensor, a few float
 * roundings of sums of at most a few hundred terms.
 */
class KernelAgreementTest {

  @ParameterizedTest(name = "I={0} H={1} O={2} T={3} B={4} {5}")
  @CsvSource({
    "11, 37, 5, 9, 1, TANH",
    "1, 65, 3, 20, 3, RELU",
    "23, 17, 7, 6, 8, SIGMOID",
    "64, 128, 64, 16, 4, TANH",
  })
  void vectorAndScalarModelsAgree(int in, int hidden, int out, int steps, int batch, Activation f) {
    RnnConfig config =
        RnnConfig.builder(in, hidden, out)
            .activation(f)
            .output(OutputFunction.SOFTMAX)
            .bias(Bias.PYTORCH_PAIR)
            .seed(hidden)
            .build();
    Parameters weights = Parameters.initialize(config);
    Random random = new Random(steps);
    float[] x = TestProblems.gaussian(random, steps * batch * in);
    int[] classes = new int[steps * batch];
    for (int r = 0; r < classes.length; r++) {
      classes[r] = random.nextInt(out);
    }

    Result scalar = run(weights, Engine.SCALAR, x, classes, steps, batch);
    Result vector = run(weights, Engine.PREFERRED, x, classes, steps, batch);

    assertClose("outputs", scalar.outputs(), vector.outputs());
    assertClose("hidden", scalar.hidden(), vector.hidden());
    assertClose("dx", scalar.inputGradient(), vector.inputGradient());
    List<Tensor> expected = scalar.gradients().tensors();
    for (int i = 0; i < expected.size(); i++) {
      assertClose(
          expected.get(i).name(), expected.get(i).values(),
          vector.gradients().tensors().get(i).values());
    }
  }

  private record Result(float[] outputs, float[] hidden, float[] inputGradient, Parameters gradients) {}

  private static Result run(
      Parameters weights, Engine engine, float[] x, int[] classes, int steps, int batch) {
    ElmanRnn model = new ElmanRnn(weights, engine);
    Workspace ws = model.workspace(steps, batch);
    model.forward(ws, Inputs.dense(x, steps, batch));
    Parameters gradients = Parameters.zeros(weights.config());
    model.backward(ws, Loss.CROSS_ENTROPY, Targets.everyStepClasses(classes), gradients);
    return new Result(
        ws.outputs().clone(), ws.hidden().clone(), ws.inputGradient().clone(), gradients);
  }

  private static void assertClose(String name, float[] expected, float[] actual) {
    float largest = 0;
    for (float v : expected) {
      largest = Math.max(largest, Math.abs(v));
    }
    double tolerance = 1e-5 * largest + 1e-6;
    for (int i = 0; i < expected.length; i++) {
      int at = i;
      assertTrue(
          Math.abs(expected[i] - actual[i]) <= tolerance,
          () -> name + "[" + at + "]: scalar " + expected[at] + ", vector " + actual[at]);
    }
  }
}
