package dev.recur;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PyTorch as external truth. {@code src/test/python/make_pytorch_golden.py} built {@code nn.RNN} +
 * {@code nn.Linear} models with random weights and recorded, in float64, the outputs, hidden
 * states, loss and every gradient from autograd (the committed files under {@code
 * resources/dev/recur/pytorch}). recur runs the same weights in float32.
 *
 * <p>Bound: every entry within {@code 1e-4 ×} the largest absolute entry of its tensor. float32
 * carries about 7 digits; sums of a few hundred O(1) terms lose at most two of them. This bound
 * is part of the contract with PyTorch and is not to be loosened.
 */
class PyTorchGoldenTest {

  private static final double RELATIVE_BOUND = 1e-4;

  static Stream<Path> cases() throws IOException, URISyntaxException {
    Path dir = Path.of(PyTorchGoldenTest.class.getResource("pytorch").toURI());
    return Files.list(dir).filter(p -> p.toString().endsWith(".txt")).sorted();
  }

  @Test
  void everyPromisedCaseIsThere() throws Exception {
    List<String> names = cases().map(p -> p.getFileName().toString()).toList();
    assertEquals(16, names.size(), names.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesPyTorch(Path file) throws IOException {
    PyTorchGolden golden = PyTorchGolden.read(file);
    boolean crossEntropy = golden.meta("loss").equals("ce");
    RnnConfig config =
        RnnConfig.builder(golden.size("input"), golden.size("hidden"), golden.size("output"))
            .activation(golden.meta("activation").equals("relu") ? Activation.RELU : Activation.TANH)
            .output(crossEntropy ? OutputFunction.SOFTMAX : OutputFunction.IDENTITY)
            .bias(golden.meta("bias").equals("two") ? Bias.PYTORCH_PAIR : Bias.NONE)
            .build();
    Parameters weights = Parameters.zeros(config);
    for (Tensor t : weights.tensors()) {
      copy(golden.tensor(t.name()), t.values());
    }
    int steps = golden.size("steps");
    int batch = golden.size("batch");
    boolean everyStep = golden.meta("targets").equals("every");
    float[] targetValues = toFloat(golden.tensor("targets"));
    Targets targets;
    if (crossEntropy) {
      int[] classes = new int[targetValues.length];
      for (int i = 0; i < classes.length; i++) {
        classes[i] = (int) targetValues[i];
      }
      targets = everyStep ? Targets.everyStepClasses(classes) : Targets.lastStepClasses(classes);
    } else {
      targets = everyStep ? Targets.everyStep(targetValues) : Targets.lastStep(targetValues);
    }

    ElmanRnn model = new ElmanRnn(weights);
    Workspace ws = model.workspace(steps, batch);
    model.forward(ws, Inputs.dense(toFloat(golden.tensor("x")), steps, batch), toFloat(golden.tensor("h0")));
    Parameters gradients = Parameters.zeros(config);
    double loss =
        model.backward(ws, crossEntropy ? Loss.CROSS_ENTROPY : Loss.MEAN_SQUARED_ERROR, targets, gradients);

    double expectedLoss = Double.parseDouble(golden.meta("value"));
    assertEquals(expectedLoss, loss, RELATIVE_BOUND * Math.abs(expectedLoss), "loss");
    int hiddenSize = config.hiddenSize();
    float[] states = new float[steps * batch * hiddenSize];
    System.arraycopy(ws.hidden(), batch * hiddenSize, states, 0, states.length); // skip h_{-1}
    assertClose("hidden", golden.tensor("hidden"), states);
    assertClose("outputs", golden.tensor("outputs"), ws.outputs());
    for (Tensor t : gradients.tensors()) {
      assertClose("grad_" + t.name(), golden.tensor("grad_" + t.name()), t.values());
    }
    assertClose("grad_x", golden.tensor("grad_x"), ws.inputGradient());
    assertClose("grad_h0", golden.tensor("grad_h0"), ws.initialHiddenGradient());
  }

  static void assertClose(String name, double[] expected, float[] actual) {
    assertEquals(expected.length, actual.length, name + " length");
    double largest = 0;
    for (double v : expected) {
      largest = Math.max(largest, Math.abs(v));
    }
    double tolerance = RELATIVE_BOUND * largest;
    for (int i = 0; i < expected.length; i++) {
      int at = i;
      assertTrue(
          Math.abs(expected[i] - actual[i]) <= tolerance,
          () -> name + "[" + at + "]: PyTorch " + expected[at] + ", recur " + actual[at]
              + " (bound " + tolerance + ")");
    }
  }

  static void copy(double[] source, float[] target) {
    assertEquals(source.length, target.length);
    for (int i = 0; i < source.length; i++) {
      target[i] = (float) source[i]; // exact: the script drew float32 values
    }
  }

  static float[] toFloat(double[] values) {
    float[] result = new float[values.length];
    copy(values, result);
    return result;
  }
}
