package dev.recur;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * {@link ElmanRnn#warmUp} runs the training path of a stand-in model for every loss kind and
 * batch shape, and refuses nonsense. (What it buys, compiled code from the first real pass, is
 * measured in bench/: TrainingBenchmark's bytes per op; JIT timing has no place in a unit test.)
 */
class WarmUpTest {

  @Test
  void runsEachOutputsLossAtEveryBatchShape() {
    Object[][] pairs = {
      {OutputFunction.IDENTITY, Loss.MEAN_SQUARED_ERROR},
      {OutputFunction.SOFTMAX, Loss.CROSS_ENTROPY},
      {OutputFunction.SIGMOID, Loss.BINARY_CROSS_ENTROPY},
    };
    for (Object[] pair : pairs) {
      RnnConfig config = RnnConfig.builder(5, 40, 3).activation(Activation.RELU)
          .output((OutputFunction) pair[0]).bias(Bias.PYTORCH_PAIR).build();
      for (int batch : new int[] {1, 3}) {
        assertFalse(ElmanRnn.warmUp(config, batch, (Loss) pair[1], 20).isNegative(),
            pair[1] + ", batch " + batch);
      }
    }
    RnnConfig softmax = RnnConfig.builder(2, 4, 3).output(OutputFunction.SOFTMAX).build();
    assertThrows(IllegalArgumentException.class,
        () -> ElmanRnn.warmUp(softmax, 1, Loss.BINARY_CROSS_ENTROPY, 1), "a loss the output cannot take");
  }

  @Test
  void refusesBadArguments() {
    RnnConfig config = RnnConfig.builder(2, 4, 1).build();
    assertEquals("need batch ≥ 1 and passes ≥ 0; got 0, 10", assertThrows(
        IllegalArgumentException.class, () -> ElmanRnn.warmUp(config, 0, Loss.MEAN_SQUARED_ERROR, 10))
        .getMessage());
  }
}
