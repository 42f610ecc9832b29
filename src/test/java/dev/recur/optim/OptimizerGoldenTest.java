package dev.recur.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.recur.Bias;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each optimizer follows PyTorch's trajectory. {@code src/test/python/make_optimizer_golden.py}
 * ran {@code torch.optim} in float64 for 6 steps from float32 weights and gradients (committed
 * files); recur, in float32, must stay within {@code 1e-5 · max|w| + 1e-6} of every weight after
 * every step (a few float roundings per update, compounded over 6 updates).
 */
class OptimizerGoldenTest {

  /** A bias-free model with I=2, H=3, O=2: tensors W_x 3×2, W_h 3×3, W_y 2×3, as the script. */
  private static final RnnConfig CONFIG = RnnConfig.builder(2, 3, 2).bias(Bias.NONE).build();

  static Stream<Arguments> cases() {
    Map<String, Function<RnnConfig, Optimizer>> optimizers = new HashMap<>();
    optimizers.put("sgd", Sgd::plain);
    optimizers.put("sgd-momentum", c -> new Sgd(c, 0.9f, false, 0.01f));
    optimizers.put("sgd-nesterov", c -> new Sgd(c, 0.8f, true, 0f));
    optimizers.put("adagrad", c -> new Adagrad(c, 1e-10f, 0f));
    optimizers.put("rmsprop", c -> new RmsProp(c, 0.99f, 1e-8f, 0.001f));
    optimizers.put("adam", c -> new Adam(c, 0.9f, 0.999f, 1e-8f, 0.01f, false));
    optimizers.put("adamw", c -> new Adam(c, 0.9f, 0.999f, 1e-8f, 0.01f, true));
    return optimizers.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void followsPyTorch(String name, Function<RnnConfig, Optimizer> make)
      throws IOException, URISyntaxException {
    Path file = Path.of(getClass().getResource("/dev/recur/optim/" + name + ".txt").toURI());
    Map<String, double[]> golden = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      String[] parts = line.split(" ");
      if (parts[0].equals("initial") || parts[0].startsWith("grad") || parts[0].startsWith("after")) {
        double[] values = new double[parts.length - 1];
        for (int i = 1; i < parts.length; i++) {
          values[i - 1] = Double.parseDouble(parts[i]);
        }
        golden.put(parts[0], values);
      } else if (parts[0].equals("lr")) {
        assertEquals(0.05, Double.parseDouble(parts[1]));
      }
    }
    Parameters weights = Parameters.zeros(CONFIG);
    fill(weights, golden.get("initial"));
    Optimizer optimizer = make.apply(CONFIG);
    Parameters gradients = Parameters.zeros(CONFIG);
    for (int step = 0; step < 6; step++) {
      fill(gradients, golden.get("grad" + step));
      Parameters gradientsBefore = gradients.copy();
      optimizer.step(weights, gradients, 0.05f);
      double[] expected = golden.get("after" + step);
      double largest = 0;
      for (double v : expected) {
        largest = Math.max(largest, Math.abs(v));
      }
      double[] actual = flatten(weights);
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], actual[i], 1e-5 * largest + 1e-6, name + " step " + step + " weight " + i);
      }
      org.junit.jupiter.api.Assertions.assertArrayEquals(flatten(gradientsBefore), flatten(gradients),
          "the gradients are not modified");
    }
    assertEquals(6, optimizer.steps());
  }

  private static void fill(Parameters p, double[] values) {
    int at = 0;
    for (Tensor t : p.tensors()) {
      for (int i = 0; i < t.size(); i++) {
        t.values()[i] = (float) values[at++]; // exact: the script drew float32 values
      }
    }
    assertEquals(values.length, at);
  }

  private static double[] flatten(Parameters p) {
    double[] all = new double[p.tensors().stream().mapToInt(Tensor::size).sum()];
    int at = 0;
    for (Tensor t : p.tensors()) {
      for (float v : t.values()) {
        all[at++] = v;
      }
    }
    return all;
  }
}
