package dev.recur;

import static dev.recur.GradientCheckTest.assertGradient;
import static dev.recur.GradientCheckTest.finiteDifferences;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * BPTT through layers and through time against central finite differences of the
 * double-precision {@link ReferenceRnn}, for stacks of 2 and 3 layers, both directions, an
 * embedding, no head, every bias combination, masks, tokens and each loss family: every
 * parameter, {@code ∂L/∂h0} of every layer and direction, and {@code ∂L/∂x}. The bound is
 * {@link GradientCheckTest}'s.
 */
class StackGradientCheckTest {

  record Shape(int layers, boolean bidirectional, int embedding, Bias bias, boolean head,
      boolean headBias, boolean tokens, boolean masked, Activation activation, Loss loss,
      boolean manyToMany) {
    @Override
    public String toString() {
      return layers + " layers" + (bidirectional ? " bidirectional" : "")
          + (embedding > 0 ? " embedding " + embedding : tokens ? " tokens" : " dense")
          + " bias " + bias + (head ? headBias ? " head+bias" : " head" : " no head")
          + (masked ? " masked" : "") + " " + activation + " " + loss
          + (manyToMany ? " many-to-many" : " many-to-one");
    }
  }

  static Stream<Arguments> shapes() {
    return Stream.of(
        new Shape(2, false, 0, Bias.SINGLE, true, true, false, false, Activation.TANH,
            Loss.MEAN_SQUARED_ERROR, true),
        new Shape(3, false, 0, Bias.PYTORCH_PAIR, true, false, true, true, Activation.TANH,
            Loss.CROSS_ENTROPY, true),
        new Shape(2, false, 4, Bias.NONE, false, false, true, false, Activation.SIGMOID,
            Loss.MEAN_SQUARED_ERROR, false),
        new Shape(1, true, 0, Bias.SINGLE, true, true, false, true, Activation.TANH,
            Loss.MEAN_SQUARED_ERROR, true),
        new Shape(2, true, 0, Bias.PYTORCH_PAIR, true, true, false, true, Activation.RELU,
            Loss.CROSS_ENTROPY, true),
        new Shape(2, true, 0, Bias.NONE, true, true, false, false, Activation.TANH,
            Loss.BINARY_CROSS_ENTROPY, false),
        new Shape(3, true, 3, Bias.SINGLE, false, false, true, true, Activation.TANH,
            Loss.CROSS_ENTROPY, true),
        new Shape(2, true, 0, Bias.SINGLE, false, false, true, false, Activation.SIGMOID,
            Loss.SQUARED_ERROR, true),
        new Shape(2, true, 5, Bias.PYTORCH_PAIR, true, false, true, true, Activation.TANH,
            Loss.MEAN_SQUARED_ERROR, true),
        // a classifier over padded sequences: scored where each one ends
        new Shape(2, true, 0, Bias.SINGLE, true, true, false, true, Activation.TANH,
            Loss.CROSS_ENTROPY, false))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void gradientsMatchFiniteDifferences(Shape shape) {
    OutputFunction output = switch (shape.loss()) {
      case CROSS_ENTROPY -> OutputFunction.SOFTMAX;
      case BINARY_CROSS_ENTROPY -> OutputFunction.SIGMOID;
      default -> OutputFunction.IDENTITY;
    };
    RnnConfig.Builder builder = RnnConfig.builder(3, 5, 4).activation(shape.activation())
        .output(output).bias(shape.bias()).layers(shape.layers())
        .bidirectional(shape.bidirectional()).embedding(shape.embedding());
    RnnConfig config =
        (shape.head() ? builder.headBias(shape.headBias()) : builder.noHead()).build();
    int steps = 4;
    int batch = 3;
    TestProblems.Case c = TestProblems.random(config, steps, batch, shape.loss(),
        shape.manyToMany(), shape.tokens(), shape.masked(), shape.hashCode());
    ElmanRnn model = c.model();
    Workspace ws = model.workspace(steps, batch);
    model.forward(ws, c.inputs(), c.initialHidden());
    Parameters gradients = Parameters.zeros(config);
    double loss = model.backward(ws, shape.loss(), c.targets(), gradients);

    ReferenceRnn reference = new ReferenceRnn(model.weights());
    double expectedLoss = reference.loss(c.reference());
    assertEquals(expectedLoss, loss, 1e-5 * Math.max(1, Math.abs(expectedLoss)), "loss");
    GradientCheckTest.assertEveryTensor(gradients, reference, c.reference());
    double[] fdHidden =
        finiteDifferences(c.reference().initialHidden(), () -> reference.loss(c.reference()));
    assertGradient("h0 of every layer and direction", fdHidden, ws.initialHiddenGradient());
    if (!shape.tokens()) {
      double[] fdInputs =
          finiteDifferences(c.reference().dense(), () -> reference.loss(c.reference()));
      assertGradient("x", fdInputs, ws.inputGradient());
    }
    double[] states = reference.stateAfter(c.reference());
    for (int i = 0; i < states.length; i++) {
      assertEquals(states[i], ws.finalHidden()[i], 1e-5, "h_n[" + i + "]");
    }
  }
}
