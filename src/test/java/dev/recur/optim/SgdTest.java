package dev.recur.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.Tensor;
import org.junit.jupiter.api.Test;

class SgdTest {

  @Test
  void subtractsTheLearningRateTimesTheGradient() {
    RnnConfig config = RnnConfig.builder(3, 17, 2).build();
    Parameters weights = Parameters.initialize(config);
    Parameters before = weights.copy();
    Parameters gradients = Parameters.initialize(config.toBuilder().seed(99).build());

    new Sgd(0.25f).step(weights, gradients);

    for (int t = 0; t < weights.tensors().size(); t++) {
      Tensor w = weights.tensors().get(t);
      for (int i = 0; i < w.size(); i++) {
        float expected =
            Math.fma(-0.25f, gradients.tensors().get(t).values()[i], before.tensors().get(t).values()[i]);
        assertEquals(expected, w.values()[i], w.name() + "[" + i + "]");
      }
    }
  }

  @Test
  void rejectsBadLearningRatesAndMismatchedShapes() {
    assertEquals(
        "learning rate must be finite and positive; got -1.0",
        assertThrows(IllegalArgumentException.class, () -> new Sgd(-1f)).getMessage());
    Parameters small = Parameters.zeros(RnnConfig.builder(3, 4, 2).build());
    Parameters large = Parameters.zeros(RnnConfig.builder(3, 5, 2).build());
    assertEquals(
        "gradient W_x has 15 entries, weight W_x 12",
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1f).step(small, large))
            .getMessage());
  }
}
