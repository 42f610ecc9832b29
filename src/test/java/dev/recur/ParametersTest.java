package dev.recur;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParametersTest {

  private static RnnConfig config(Initializer init, Bias bias) {
    return RnnConfig.builder(6, 40, 3).initializer(init).bias(bias).seed(17).build();
  }

  @Test
  void tensorsFollowTheBiasMode() {
    assertEquals(
        List.of("W_x", "W_h", "W_y"),
        Parameters.zeros(config(Initializer.PYTORCH_UNIFORM, Bias.NONE)).tensors().stream()
            .map(Tensor::name).toList());
    assertEquals(
        List.of("W_x", "W_h", "b_h", "W_y", "b_y"),
        Parameters.zeros(config(Initializer.PYTORCH_UNIFORM, Bias.SINGLE)).tensors().stream()
            .map(Tensor::name).toList());
    Parameters pair = Parameters.zeros(config(Initializer.PYTORCH_UNIFORM, Bias.PYTORCH_PAIR));
    assertEquals(
        List.of("W_x", "W_h", "b_ih", "b_hh", "W_y", "b_y"),
        pair.tensors().stream().map(Tensor::name).toList());
    assertEquals(40 * 6, pair.tensor("W_x").size());
    assertEquals(3 * 40, pair.tensor("W_y").size());
  }

  @Test
  void pytorchUniformStaysWithinOneOverRootH() {
    Parameters p = Parameters.initialize(config(Initializer.PYTORCH_UNIFORM, Bias.PYTORCH_PAIR));
    double bound = 1 / Math.sqrt(40);
    for (Tensor t : p.tensors()) {
      double max = 0;
      for (float v : t.values()) {
        max = Math.max(max, Math.abs(v));
      }
      assertTrue(max <= bound, t.name() + " max " + max);
      if (t.size() >= 40) { // P(max of n uniform draws < 0.8·bound) = 0.8ⁿ: tiny for n ≥ 40
        assertTrue(max > 0.8 * bound, t.name() + " fills its range: max " + max);
      }
    }
  }

  @Test
  void xavierUsesFanInAndFanOutAndZeroBiases() {
    Parameters p = Parameters.initialize(config(Initializer.XAVIER_UNIFORM, Bias.SINGLE));
    assertWithin(p.inputWeights(), Math.sqrt(6.0 / (6 + 40)));
    assertWithin(p.recurrentWeights(), Math.sqrt(6.0 / (40 + 40)));
    assertWithin(p.outputWeights(), Math.sqrt(6.0 / (40 + 3)));
    assertArrayEquals(new float[40], p.hiddenBias());
    assertArrayEquals(new float[3], p.outputBias());
  }

  @Test
  void orthogonalRecurrentMatrixHasOrthonormalRows() {
    float[] w = Parameters.initialize(config(Initializer.ORTHOGONAL, Bias.SINGLE)).recurrentWeights();
    for (int i = 0; i < 40; i++) {
      for (int j = 0; j < 40; j++) {
        double dot = 0;
        for (int k = 0; k < 40; k++) {
          dot += (double) w[i * 40 + k] * w[j * 40 + k];
        }
        assertEquals(i == j ? 1 : 0, dot, 1e-5, "row " + i + " · row " + j);
      }
    }
  }

  @Test
  void identityInitialisationIsTheIrnn() {
    RnnConfig config =
        RnnConfig.builder(6, 40, 3).initializer(Initializer.IDENTITY).identityScale(0.9f).build();
    Parameters p = Parameters.initialize(config);
    for (int i = 0; i < 40; i++) {
      for (int j = 0; j < 40; j++) {
        assertEquals(i == j ? 0.9f : 0f, p.recurrentWeights()[i * 40 + j]);
      }
    }
    assertArrayEquals(new float[40], p.hiddenBias());
    assertWithin(p.inputWeights(), 0.006); // Gaussian, σ = 0.001: six σ
  }

  @Test
  void theSeedDecidesTheWeights() {
    RnnConfig config = config(Initializer.PYTORCH_UNIFORM, Bias.SINGLE);
    assertArrayEquals(
        Parameters.initialize(config).recurrentWeights(),
        Parameters.initialize(config).recurrentWeights());
    float[] other = Parameters.initialize(config.toBuilder().seed(18).build()).recurrentWeights();
    assertTrue(other[0] != Parameters.initialize(config).recurrentWeights()[0]);
  }

  @Test
  void copyFromRejectsAnotherShape() {
    Parameters small = Parameters.zeros(RnnConfig.builder(2, 3, 2).build());
    Parameters large = Parameters.zeros(RnnConfig.builder(2, 4, 2).build());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> small.copyFrom(large));
    assertTrue(e.getMessage().startsWith("parameters of shape [W_x 4×2"), e.getMessage());
  }

  private static void assertWithin(float[] values, double bound) {
    for (float v : values) {
      assertTrue(Math.abs(v) <= bound, v + " outside ±" + bound);
    }
  }
}
