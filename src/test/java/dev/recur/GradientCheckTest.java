package dev.recur;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * BPTT against central finite differences of an independent double-precision model ({@link
 * ReferenceRnn}), for every activation × output function × loss × many-to-many/many-to-one, over
 * every parameter tensor, the initial state and the inputs.
 *
 * <p>Bound: the float gradient may differ from the double-precision difference quotient by {@code
 * 1e-4 · max|g| + 1e-5} per tensor. The quotient itself is exact to about 1e-10 (ε = 1e-5, error
 * O(ε²)); what remains is float rounding in sums of a few dozen O(1) products.
 */
class GradientCheckTest {

  private static final double STEP = 1e-5;

  static Stream<Arguments> combinations() {
    List<Arguments> cases = new ArrayList<>();
    int index = 0;
    for (Activation activation : Activation.values()) {
      for (OutputFunction output : OutputFunction.values()) {
        for (Loss loss : Loss.values()) {
          if (!loss.supports(output)) {
            continue;
          }
          for (boolean manyToMany : new boolean[] {true, false}) {
            // vary the other settings across cases so each is covered with every loss family
            Bias bias = Bias.values()[index % 3];
            boolean tokens = index % 4 == 3;
            boolean masked = index % 5 < 2;
            cases.add(Arguments.of(activation, output, loss, manyToMany, bias, tokens, masked, index));
            index++;
          }
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2} manyToMany={3} {4} tokens={5} masked={6}")
  @MethodSource("combinations")
  void gradientsMatchFiniteDifferences(
      Activation activation, OutputFunction output, Loss loss, boolean manyToMany, Bias bias,
      boolean tokens, boolean masked, int seed) {
    RnnConfig config =
        RnnConfig.builder(3, 5, 4).activation(activation).output(output).bias(bias).build();
    TestProblems.Case c =
        TestProblems.random(config, 4, 2, loss, manyToMany, tokens, masked, 1000 + seed);
    ElmanRnn model = c.model();
    Workspace ws = model.workspace(4, 2);
    model.forward(ws, c.inputs(), c.initialHidden());
    Parameters gradients = Parameters.zeros(config);
    double loss1 = model.backward(ws, loss, c.targets(), gradients);

    ReferenceRnn reference = new ReferenceRnn(model.weights());
    double expectedLoss = reference.loss(c.reference());
    assertEquals(expectedLoss, loss1, 1e-5 * Math.max(1, Math.abs(expectedLoss)), "loss");

    assertEveryTensor(gradients, reference, c.reference());
    double[] fdHidden =
        finiteDifferences(c.reference().initialHidden(), () -> reference.loss(c.reference()));
    assertGradient("h_-1", fdHidden, ws.initialHiddenGradient());
    if (!tokens) {
      double[] fdInputs =
          finiteDifferences(c.reference().dense(), () -> reference.loss(c.reference()));
      assertGradient("x", fdInputs, ws.inputGradient());
    }
  }

  /** Every tensor of {@code gradients} against finite differences of the reference's loss. */
  static void assertEveryTensor(Parameters gradients, ReferenceRnn reference,
      ReferenceRnn.Problem problem) {
    List<Tensor> tensors = gradients.tensors();
    for (int i = 0; i < tensors.size(); i++) {
      double[] fd = finiteDifferences(reference.tensors[i], () -> reference.loss(problem));
      assertGradient(tensors.get(i).name(), fd, tensors.get(i).values());
    }
  }

  /** Central differences of {@code loss} with respect to each entry of {@code values}. */
  static double[] finiteDifferences(double[] values, DoubleSupplier loss) {
    double[] gradient = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      double saved = values[i];
      values[i] = saved + STEP;
      double plus = loss.getAsDouble();
      values[i] = saved - STEP;
      double minus = loss.getAsDouble();
      values[i] = saved;
      gradient[i] = (plus - minus) / (2 * STEP);
    }
    return gradient;
  }

  static void assertGradient(String name, double[] expected, float[] actual) {
    assertEquals(expected.length, actual.length, name + " length");
    double largest = 0;
    for (double v : expected) {
      largest = Math.max(largest, Math.abs(v));
    }
    double tolerance = 1e-4 * largest + 1e-5;
    for (int i = 0; i < expected.length; i++) {
      double difference = Math.abs(expected[i] - actual[i]);
      int at = i;
      assertTrue(
          difference <= tolerance,
          () -> name + "[" + at + "]: finite difference " + expected[at] + ", BPTT " + actual[at]
              + ", off by " + difference + " > " + tolerance);
    }
  }
}
