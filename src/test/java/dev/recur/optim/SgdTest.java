package dev.recur.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.Tensor;
import org.junit.jupiter.api.Test;

class SgdTest {

  @Test
  void plainSgdSubtractsTheLearningRateTimesTheGradient() {
    RnnConfig config = RnnConfig.builder(3, 17, 2).build();
    Parameters weights = Parameters.initialize(config);
    Parameters before = weights.copy();
    Parameters gradients = Parameters.initialize(config.toBuilder().seed(99).build());

    Sgd.plain(config).step(weights, gradients, 0.25f);

    for (int t = 0; t < weights.tensors().size(); t++) {
      Tensor w = weights.tensors().get(t);
      for (int i = 0; i < w.size(); i++) {
        float expected =
            before.tensors().get(t).values()[i] - 0.25f * gradients.tensors().get(t).values()[i];
        assertEquals(expected, w.values()[i], w.name() + "[" + i + "]");
      }
    }
  }

  @Test
  void rejectsBadSettingsAndMismatchedShapes() {
    RnnConfig small = RnnConfig.builder(3, 4, 2).build();
    assertEquals(
        "momentum must be in [0, 1); got 1.5",
        assertThrows(IllegalArgumentException.class, () -> new Sgd(small, 1.5f, false, 0f)).getMessage());
    assertEquals(
        "Nesterov momentum needs momentum > 0",
        assertThrows(IllegalArgumentException.class, () -> new Sgd(small, 0f, true, 0f)).getMessage());
    Parameters weights = Parameters.zeros(small);
    Parameters large = Parameters.zeros(RnnConfig.builder(3, 5, 2).build());
    assertEquals(
        "gradient W_x has 15 entries, weight W_x 12",
        assertThrows(IllegalArgumentException.class, () -> Sgd.plain(small).step(weights, large, 0.1f))
            .getMessage());
    assertEquals(
        "learning rate must be finite and ≥ 0; got NaN",
        assertThrows(IllegalArgumentException.class,
            () -> Sgd.plain(small).step(weights, weights.copy(), Float.NaN)).getMessage());
  }
}
