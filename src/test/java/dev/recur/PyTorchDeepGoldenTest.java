package dev.recur;

import static dev.recur.PyTorchGoldenTest.assertClose;
import static dev.recur.PyTorchGoldenTest.copy;
import static dev.recur.PyTorchGoldenTest.toFloat;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * PyTorch as external truth for stacked and bidirectional models: {@code
 * src/test/python/make_pytorch_deep_golden.py} built {@code nn.Embedding} + {@code nn.RNN(num_layers,
 * bidirectional)} + {@code nn.Linear} models (each part optional, every bias combination, padded
 * batches run through {@code pack_padded_sequence}) and recorded, in float64 autograd, the loss,
 * outputs, {@code h_n} and every gradient (the committed files under {@code
 * resources/dev/recur/pytorch-deep}). recur runs the same weights in float32.
 *
 * <p>The bound is {@link PyTorchGoldenTest}'s: every entry within {@code 1e-4 ×} the largest
 * absolute entry of its tensor. Outputs at padding steps are not compared (PyTorch pads them
 * with zeros; recur carries the state there, and no loss reads them).
 */
class PyTorchDeepGoldenTest {

  private static final double RELATIVE_BOUND = 1e-4;

  static Stream<Path> cases() throws IOException, URISyntaxException {
    Path dir = Path.of(PyTorchDeepGoldenTest.class.getResource("pytorch-deep").toURI());
    return Files.list(dir).filter(p -> p.toString().endsWith(".txt")).sorted();
  }

  @Test
  void everyPromisedCaseIsThere() throws Exception {
    List<String> names = cases().map(p -> p.getFileName().toString()).toList();
    assertEquals(27, names.size(), names.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesPyTorch(Path file) throws IOException {
    PyTorchGolden golden = PyTorchGolden.read(file);
    boolean crossEntropy = golden.meta("loss").equals("ce");
    RnnConfig config = config(golden);
    assertEquals(golden.size("output"), config.outputSize());
    Parameters weights = weights(golden, config);
    int steps = golden.size("steps");
    int batch = golden.size("batch");
    boolean[] mask = mask(golden);
    Inputs inputs = inputs(golden, config);
    boolean everyStep = golden.meta("targets").equals("every");
    double[] targetValues = golden.tensor("targets");
    Targets targets;
    if (crossEntropy) {
      int[] classes = toInts(targetValues);
      targets = everyStep ? Targets.everyStepClasses(classes) : Targets.lastStepClasses(classes);
    } else {
      float[] values = toFloat(targetValues);
      targets = everyStep ? Targets.everyStep(values) : Targets.lastStep(values);
    }

    ElmanRnn model = new ElmanRnn(weights);
    Workspace ws = model.workspace(steps, batch);
    model.forward(ws, inputs, toFloat(golden.tensor("h0")));
    Parameters gradients = Parameters.zeros(config);
    double loss = model.backward(
        ws, crossEntropy ? Loss.CROSS_ENTROPY : Loss.MEAN_SQUARED_ERROR, targets, gradients);

    double expectedLoss = Double.parseDouble(golden.meta("value"));
    assertEquals(expectedLoss, loss, RELATIVE_BOUND * Math.abs(expectedLoss), "loss");
    assertClose("outputs", golden.tensor("outputs"),
        atRealSteps(ws.outputs(), mask, config.outputSize()));
    assertClose("h_n", golden.tensor("h_n"), ws.finalHidden());
    for (Tensor t : gradients.tensors()) {
      assertClose("grad_" + t.name(), golden.tensor("grad_" + pyTorchName(t.name())), t.values());
    }
    if (!config.hasEmbedding()) {
      assertClose("grad_x", golden.tensor("grad_x"), ws.inputGradient());
    }
    assertClose("grad_h0", golden.tensor("grad_h0"), ws.initialHiddenGradient());
  }

  /** The model a case describes. */
  static RnnConfig config(PyTorchGolden golden) {
    boolean head = golden.meta("head").equals("yes");
    RnnConfig.Builder builder =
        RnnConfig.builder(golden.size("input"), golden.size("hidden"), golden.size("output"))
            .activation(golden.meta("activation").equals("relu") ? Activation.RELU : Activation.TANH)
            .output(golden.meta("loss").equals("ce") ? OutputFunction.SOFTMAX : OutputFunction.IDENTITY)
            .bias(golden.meta("layer_bias").equals("two") ? Bias.PYTORCH_PAIR : Bias.NONE)
            .layers(golden.size("layers"))
            .bidirectional(golden.meta("bidirectional").equals("yes"))
            .embedding(golden.size("embedding"));
    return (head ? builder.headBias(golden.meta("head_bias").equals("yes"))
        : builder.noHead()).build();
  }

  /** The case's weights, under recur's names. */
  static Parameters weights(PyTorchGolden golden, RnnConfig config) {
    Parameters weights = Parameters.zeros(config);
    for (Tensor t : weights.tensors()) {
      copy(golden.tensor(pyTorchName(t.name())), t.values());
    }
    return weights;
  }

  /** The case's inputs (tokens or dense), with its mask when it has one. */
  static Inputs inputs(PyTorchGolden golden, RnnConfig config) {
    int steps = golden.size("steps");
    int batch = golden.size("batch");
    Inputs inputs = config.hasEmbedding()
        ? Inputs.tokens(toInts(golden.tensor("tokens")), steps, batch)
        : Inputs.dense(toFloat(golden.tensor("x")), steps, batch);
    boolean[] mask = mask(golden);
    return mask == null ? inputs : inputs.withMask(mask);
  }

  /** Which rows are real steps; null when the case is unmasked. */
  static boolean[] mask(PyTorchGolden golden) {
    return golden.meta("masked").equals("yes") ? toMask(golden.tensor("mask")) : null;
  }

  /** recur's tensor name as the generator's module calls it. */
  static String pyTorchName(String name) {
    if (name.equals("E")) {
      return "embedding.weight";
    }
    if (name.equals("W_y")) {
      return "head.weight";
    }
    if (name.equals("b_y")) {
      return "head.bias";
    }
    int cut = name.indexOf("_l");
    String base = name.substring(0, cut);
    String suffix = name.substring(cut); // _l<k>[_reverse]
    String kind = switch (base) {
      case "W_x" -> "weight_ih";
      case "W_h" -> "weight_hh";
      case "b_ih" -> "bias_ih";
      case "b_hh" -> "bias_hh";
      default -> throw new IllegalArgumentException("no PyTorch name for " + name);
    };
    return "rnn." + kind + suffix;
  }

  /** The rows at real steps kept, padding rows zeroed (as PyTorch writes them). */
  private static float[] atRealSteps(float[] rows, boolean[] mask, int width) {
    float[] result = rows.clone();
    if (mask != null) {
      for (int r = 0; r < mask.length; r++) {
        if (!mask[r]) {
          java.util.Arrays.fill(result, r * width, (r + 1) * width, 0f);
        }
      }
    }
    return result;
  }

  private static boolean[] toMask(double[] values) {
    boolean[] mask = new boolean[values.length];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = values[i] != 0;
    }
    return mask;
  }

  private static int[] toInts(double[] values) {
    int[] ints = new int[values.length];
    for (int i = 0; i < ints.length; i++) {
      ints[i] = (int) values[i];
    }
    return ints;
  }
}
