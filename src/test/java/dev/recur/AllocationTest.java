package dev.recur;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Once a workspace exists, forward and backward passes allocate nothing (see {@link
 * AllocationProbe} for how the JIT's warm-up is waited out).
 */
class AllocationTest {

  private static final int PASSES_PER_ROUND = 200;

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

    AllocationProbe.assertAllocatesNothing(PASSES_PER_ROUND, () -> {
      model.forward(ws, inputs);
      model.backward(ws, Loss.CROSS_ENTROPY, targets, gradients);
      GradientClipping.clipByGlobalNorm(gradients, 1f);
    }, PASSES_PER_ROUND + " passes");
  }

  /** The same for a bidirectional, embedded 3-layer stack training with dropout. */
  @Test
  void stackedPassesWithDropoutAllocateNothing() {
    RnnConfig config = RnnConfig.builder(20, 12, 5).output(OutputFunction.SOFTMAX).layers(3)
        .bidirectional(true).embedding(6).dropout(0.3f).build();
    ElmanRnn model = ElmanRnn.initialize(config);
    int steps = 7;
    int batch = 3;
    int[] tokens = new int[steps * batch];
    boolean[] mask = new boolean[steps * batch];
    for (int r = 0; r < tokens.length; r++) {
      tokens[r] = r % 20;
      mask[r] = r < tokens.length - 2;
    }
    Inputs inputs = Inputs.tokens(tokens, steps, batch).withMask(mask);
    Targets targets = Targets.everyStepClasses(new int[steps * batch]);
    Workspace ws = model.workspace(steps, batch);
    Parameters gradients = Parameters.zeros(config);
    long[] pass = {0};
    AllocationProbe.assertAllocatesNothing(PASSES_PER_ROUND, () -> {
      ws.dropoutForNextPass(pass[0]++, 0);
      model.forward(ws, inputs);
      model.backward(ws, Loss.CROSS_ENTROPY, targets, gradients);
    }, PASSES_PER_ROUND + " passes");
  }

  @Test
  void truncatedBpttAllocatesNothingPerChunk() {
    RnnConfig config = RnnConfig.builder(5, 16, 5).output(OutputFunction.SOFTMAX).build();
    ElmanRnn model = ElmanRnn.initialize(config);
    TruncatedBptt tbptt = new TruncatedBptt(model, 4, 8, 2, true);
    Inputs chunk = Inputs.tokens(new int[] {0, 1, 2, 3, 4, 0, 1, 2}, 4, 2);
    Targets targets = Targets.everyStepClasses(new int[] {1, 2, 3, 4, 0, 1, 2, 3});
    Parameters gradients = Parameters.zeros(config);
    AllocationProbe.assertAllocatesNothing(PASSES_PER_ROUND,
        () -> tbptt.train(chunk, Loss.CROSS_ENTROPY, targets, gradients),
        PASSES_PER_ROUND + " truncated-BPTT chunks");
  }
}
