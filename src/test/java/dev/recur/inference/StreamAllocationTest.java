package dev.recur.inference;

import dev.recur.AllocationProbe;
import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * After the first call a step allocates nothing (see {@link AllocationProbe} for how the JIT's
 * warm-up is waited out).
 */
class StreamAllocationTest {

  private static final int STEPS_PER_ROUND = 500;

  private final InferenceModel model =
      new InferenceModel(
          Parameters.initialize(
              RnnConfig.builder(16, 64, 8).output(OutputFunction.SOFTMAX).build()));

  @Test
  void denseAndTokenStepsAllocateNothing() {
    RnnStream stream = model.newStream();
    float[] x = RnnStreamTest.gaussian(new Random(1), 16);
    float[] y = new float[8];
    AllocationProbe.assertAllocatesNothing(STEPS_PER_ROUND, () -> {
      stream.step(x);
      stream.step(3);
      stream.step(x, y);
    }, STEPS_PER_ROUND + " × 3 stream steps");
  }

  @Test
  void batchStepsAllocateNothing() {
    StreamBatch batch = model.newBatch(8);
    float[] x = RnnStreamTest.gaussian(new Random(1), 8 * 16);
    int[] tokens = {0, 1, 2, 3, 4, 5, 6, 7};
    AllocationProbe.assertAllocatesNothing(STEPS_PER_ROUND, () -> {
      batch.step(x);
      batch.step(tokens);
    }, STEPS_PER_ROUND + " × 2 batch steps");
  }
}
