package dev.recur;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Once a workspace exists, forward and backward passes allocate nothing. Vector code allocates
 * its vector boxes until C2 compiles it, so the test measures rounds of passes until one round
 * allocates nothing (measured here: up to ~10⁵ calls of a kernel before C2 has compiled it at
 * 128 bits on AVX-512); a pass that truly allocates never gets there.
 */
class AllocationTest {

  private static final int ROUNDS = 250;
  private static final int PASSES_PER_ROUND = 200;

  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void forwardAndBackwardAllocateNothing() {
    RnnConfig config =
        RnnConfig.builder(8, 24, 6).output(OutputFunction.SOFTMAX).bias(Bias.PYTORCH_PAIR).build();
    ElmanRnn model = ElmanRnn.initialize(config);
    Random random = new Random(2);
    int steps = 12;
    int batch = 3;
    boolean[] mask = new boolean[steps * batch];
    for (int r = 0; r < mask.length; r++) {
      mask[r] = r < mask.length - 2;
    }
    Inputs inputs =
        Inputs.dense(TestProblems.gaussian(random, steps * batch * 8), steps, batch).withMask(mask);
    int[] classes = new int[steps * batch];
    Targets targets = Targets.everyStepClasses(classes);
    Workspace ws = model.workspace(steps, batch);
    Parameters gradients = Parameters.zeros(config);

    long fewest = minimumOverRounds(() -> {
      model.forward(ws, inputs);
      model.backward(ws, Loss.CROSS_ENTROPY, targets, gradients);
      GradientClipping.clipByGlobalNorm(gradients, 1f);
    });
    assertEquals(0, fewest, "bytes allocated by " + PASSES_PER_ROUND + " passes, in the best round");
  }

  @Test
  void truncatedBpttAllocatesNothingPerChunk() {
    RnnConfig config = RnnConfig.builder(5, 16, 5).output(OutputFunction.SOFTMAX).build();
    ElmanRnn model = ElmanRnn.initialize(config);
    TruncatedBptt tbptt = new TruncatedBptt(model, 4, 8, 2, true);
    Inputs chunk = Inputs.tokens(new int[] {0, 1, 2, 3, 4, 0, 1, 2}, 4, 2);
    Targets targets = Targets.everyStepClasses(new int[] {1, 2, 3, 4, 0, 1, 2, 3});
    Parameters gradients = Parameters.zeros(config);
    long fewest = minimumOverRounds(() -> tbptt.train(chunk, Loss.CROSS_ENTROPY, targets, gradients));
    assertEquals(0, fewest, "bytes allocated by " + PASSES_PER_ROUND + " chunks, in the best round");
  }

  private long minimumOverRounds(Runnable pass) {
    long fewest = Long.MAX_VALUE;
    for (int round = 0; round < ROUNDS && fewest > 0; round++) {
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < PASSES_PER_ROUND; i++) {
        pass.run();
      }
      long after = threads.getCurrentThreadAllocatedBytes();
      fewest = Math.min(fewest, after - before);
    }
    return fewest;
  }
}
