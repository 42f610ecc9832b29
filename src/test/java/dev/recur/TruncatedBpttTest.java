package dev.recur;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * TBPTT(k1, k2) against its definition: for each chunk, the loss of the chunk's k1 steps as a
 * function of the weights, with the state at the start of the k2-step window held fixed at its
 * true value. The reference computes that function in double precision from the whole stream's
 * prefix; its finite differences are the expected gradient.
 */
class TruncatedBpttTest {

  private static final int IN = 3;
  private static final int HIDDEN = 4;
  private static final int OUT = 2;
  private static final int BATCH = 2;

  @ParameterizedTest(name = "k1={0} k2={1} layers={2}")
  @CsvSource({"3, 3, 1", "3, 5, 1", "2, 7, 1", "4, 9, 1", "3, 5, 2", "2, 7, 3"})
  void eachChunkGetsTheTruncatedGradientAndTheStateIsCarried(int k1, int k2, int layers) {
    int chunks = 4;
    int length = k1 * chunks;
    RnnConfig config = RnnConfig.builder(IN, HIDDEN, OUT).bias(Bias.PYTORCH_PAIR).layers(layers)
        .seed(3).build();
    ElmanRnn model = ElmanRnn.initialize(config);
    Random random = new Random(5);
    float[] stream = TestProblems.gaussian(random, length * BATCH * IN); // row t*B + b
    float[] targets = TestProblems.gaussian(random, length * BATCH * OUT);

    TruncatedBptt tbptt = new TruncatedBptt(model, k1, k2, BATCH, false);
    ReferenceRnn reference = new ReferenceRnn(model.weights());
    for (int c = 0; c < chunks; c++) {
      int end = (c + 1) * k1;
      float[] chunkInputs = Arrays.copyOfRange(stream, (end - k1) * BATCH * IN, end * BATCH * IN);
      float[] chunkTargets =
          Arrays.copyOfRange(targets, (end - k1) * BATCH * OUT, end * BATCH * OUT);
      Parameters gradients = Parameters.zeros(config);
      double loss =
          tbptt.train(
              Inputs.dense(chunkInputs, k1, BATCH), Loss.SQUARED_ERROR,
              Targets.everyStep(chunkTargets), gradients);

      // The definition: the window [start, end) run from the true state at `start`.
      int start = Math.max(0, end - k2);
      double[] startState = reference.stateAfter(prefix(stream, start));
      ReferenceRnn.Problem window =
          new ReferenceRnn.Problem(
              end - start, BATCH,
              ReferenceRnn.toDouble(Arrays.copyOfRange(stream, start * BATCH * IN, end * BATCH * IN)),
              null, null, startState, Loss.SQUARED_ERROR,
              Targets.everyStepFrom(end - start - k1, chunkTargets));
      assertEquals(reference.loss(window), loss, 1e-5 * Math.abs(loss), "loss of chunk " + c);
      List<Tensor> tensors = gradients.tensors();
      for (int i = 0; i < tensors.size(); i++) {
        double[] fd =
            GradientCheckTest.finiteDifferences(reference.tensors[i], () -> reference.loss(window));
        GradientCheckTest.assertGradient(
            "chunk " + c + " " + tensors.get(i).name(), fd, tensors.get(i).values());
      }
      double[] carried = reference.stateAfter(prefix(stream, end));
      for (int i = 0; i < carried.length; i++) {
        assertEquals(carried[i], tbptt.hidden()[i], 1e-5, "carried state after chunk " + c);
      }
    }
  }

  /** The first {@code steps} steps of the stream, as a problem with no targets. */
  private static ReferenceRnn.Problem prefix(float[] stream, int steps) {
    if (steps == 0) {
      return new ReferenceRnn.Problem(0, BATCH, new double[0], null, null, null, null, null);
    }
    return new ReferenceRnn.Problem(
        steps, BATCH, ReferenceRnn.toDouble(Arrays.copyOf(stream, steps * BATCH * IN)), null, null,
        null, null, null);
  }

  @Test
  void oneChunkAsLongAsTheDepthIsFullBptt() {
    RnnConfig config = RnnConfig.builder(5, 6, 5).output(OutputFunction.SOFTMAX).seed(9).build();
    ElmanRnn model = ElmanRnn.initialize(config);
    int[] tokens = {1, 4, 0, 2, 2, 3, 1, 0};
    int[] next = {4, 0, 2, 2, 3, 1, 0, 1};
    Parameters truncated = Parameters.zeros(config);
    new TruncatedBptt(model, 8, 8, 1, true)
        .train(Inputs.tokens(tokens, 8, 1), Loss.CROSS_ENTROPY, Targets.everyStepClasses(next), truncated);
    Parameters full = Parameters.zeros(config);
    Workspace ws = model.workspace(8, 1);
    model.forward(ws, Inputs.tokens(tokens, 8, 1));
    model.backward(ws, Loss.CROSS_ENTROPY, Targets.everyStepClasses(next), full);
    for (int i = 0; i < full.tensors().size(); i++) {
      assertArrayEquals(full.tensors().get(i).values(), truncated.tensors().get(i).values());
    }
  }

  @Test
  void refusesABidirectionalModel() {
    ElmanRnn model = ElmanRnn.initialize(RnnConfig.builder(2, 3, 2).bidirectional(true).build());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new TruncatedBptt(model, 2, 4, 1, false));
    assertEquals("truncated BPTT carries the state forward from chunk to chunk; a bidirectional "
        + "model's reverse direction would need the inputs that come after the chunk", e.getMessage());
  }

  @Test
  void rejectsADepthShorterThanTheChunk() {
    ElmanRnn model = ElmanRnn.initialize(RnnConfig.builder(2, 3, 2).build());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new TruncatedBptt(model, 5, 4, 1, false));
    assertEquals("need 1 ≤ chunk k1 ≤ depth k2; got k1 = 5, k2 = 4", e.getMessage());
  }
}
