package dev.recur.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * After the first call a step allocates nothing, measured with {@code
 * ThreadMXBean.getThreadAllocatedBytes}. Vector code allocates until C2 compiles it, so rounds of
 * steps run until one allocates nothing; a step that truly allocates never gets there.
 */
class StreamAllocationTest {

  private static final int ROUNDS = 250;
  private static final int STEPS_PER_ROUND = 500;

  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final InferenceModel model =
      new InferenceModel(
          Parameters.initialize(
              RnnConfig.builder(16, 64, 8).output(OutputFunction.SOFTMAX).build()));

  @Test
  void denseAndTokenStepsAllocateNothing() {
    RnnStream stream = model.newStream();
    float[] x = RnnStreamTest.gaussian(new Random(1), 16);
    float[] y = new float[8];
    assertEquals(0, fewestBytes(() -> {
      stream.step(x);
      stream.step(3);
      stream.step(x, y);
    }), "bytes per round of " + STEPS_PER_ROUND + " × 3 steps, best round");
  }

  @Test
  void batchStepsAllocateNothing() {
    StreamBatch batch = model.newBatch(8);
    float[] x = RnnStreamTest.gaussian(new Random(1), 8 * 16);
    int[] tokens = {0, 1, 2, 3, 4, 5, 6, 7};
    assertEquals(0, fewestBytes(() -> {
      batch.step(x);
      batch.step(tokens);
    }), "bytes per round of " + STEPS_PER_ROUND + " × 2 batch steps, best round");
  }

  private long fewestBytes(Runnable steps) {
    long fewest = Long.MAX_VALUE;
    for (int round = 0; round < ROUNDS && fewest > 0; round++) {
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < STEPS_PER_ROUND; i++) {
        steps.run();
      }
      fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
    }
    return fewest;
  }
}
