package dev.recur;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ForwardTest {

  private static final RnnConfig CONFIG =
      RnnConfig.builder(5, 19, 4).output(OutputFunction.SOFTMAX).bias(Bias.PYTORCH_PAIR).seed(4).build();

  @Test
  void aBatchGivesTheNumbersOfEachSequenceAlone() {
    ElmanRnn model = ElmanRnn.initialize(CONFIG);
    int steps = 6;
    int batch = 3;
    float[] x = TestProblems.gaussian(new Random(1), steps * batch * 5);
    Workspace together = model.workspace(steps, batch);
    model.forward(together, Inputs.dense(x, steps, batch));

    Workspace alone = model.workspace(steps, 1);
    for (int b = 0; b < batch; b++) {
      float[] single = new float[steps * 5];
      for (int t = 0; t < steps; t++) {
        System.arraycopy(x, (t * batch + b) * 5, single, t * 5, 5);
      }
      model.forward(alone, Inputs.dense(single, steps));
      for (int t = 0; t < steps; t++) {
        float[] expected = Arrays.copyOfRange(alone.outputs(), t * 4, t * 4 + 4);
        float[] actual =
            Arrays.copyOfRange(together.outputs(), (t * batch + b) * 4, (t * batch + b) * 4 + 4);
        // batch rows and single vectors share one dot-product kernel: the same bits
        assertArrayEquals(expected, actual, "sequence " + b + " step " + t);
      }
    }
  }

  @Test
  void paddingCarriesTheStateOfTheLastRealStep() {
    ElmanRnn model = ElmanRnn.initialize(CONFIG);
    int[] tokens = {1, 3, 0, 2, 4, 4}; // one sequence of 4 real tokens, 2 of padding
    boolean[] mask = {true, true, true, true, false, false};
    Workspace padded = model.workspace(6, 1);
    model.forward(padded, Inputs.tokens(tokens, 6, 1).withMask(mask));
    Workspace exact = model.workspace(4, 1);
    model.forward(exact, Inputs.tokens(Arrays.copyOf(tokens, 4), 4, 1));
    assertArrayEquals(
        Arrays.copyOfRange(exact.outputs(), 3 * 4, 4 * 4),
        Arrays.copyOfRange(padded.outputs(), 5 * 4, 6 * 4));
  }

  @Test
  void tokensAreOneHotVectors() {
    ElmanRnn model = ElmanRnn.initialize(CONFIG);
    int[] tokens = {4, 0, 2};
    float[] oneHot = new float[3 * 5];
    for (int t = 0; t < 3; t++) {
      oneHot[t * 5 + tokens[t]] = 1f;
    }
    Workspace a = model.workspace(3, 1);
    Workspace b = model.workspace(3, 1);
    model.forward(a, Inputs.tokens(tokens, 3, 1));
    model.forward(b, Inputs.dense(oneHot, 3));
    assertArrayEquals(b.outputs(), a.outputs(), 1e-6f);
  }

  @Test
  void badInputsAreRejectedWithWhatWasExpected() {
    ElmanRnn model = ElmanRnn.initialize(CONFIG);
    Workspace ws = model.workspace(2, 1);
    assertMessage(
        "input length 9, model expects steps 2 × batch 1 × inputSize 5 = 10",
        () -> model.forward(ws, Inputs.dense(new float[9], 2)));
    assertMessage(
        "token 5 at step 1, sequence 0 is out of range; the model's vocabulary is [0, 5)",
        () -> model.forward(ws, Inputs.tokens(new int[] {0, 5}, 2, 1)));
    assertMessage(
        "inputs of steps 3 × batch 1 do not fit a workspace of steps 2 × batch 1",
        () -> model.forward(ws, Inputs.dense(new float[15], 3)));
    assertMessage(
        "initial hidden state length 18, expected batch 1 × hiddenSize 19 = 19",
        () -> model.forward(ws, Inputs.dense(new float[10], 2), new float[18]));
    assertMessage(
        "mask length 3, expected steps 2 × batch 1 = 2",
        () -> Inputs.dense(new float[10], 2).withMask(new boolean[3]));

    model.forward(ws, Inputs.dense(new float[10], 2));
    float[] outputs = ws.outputs().clone();
    assertMessage(
        "input length 11, model expects steps 2 × batch 1 × inputSize 5 = 10",
        () -> model.forward(ws, Inputs.dense(new float[11], 2)));
    assertArrayEquals(outputs, ws.outputs(), "a rejected forward pass leaves the workspace alone");

    Parameters gradients = Parameters.initialize(CONFIG); // nonzero, to see any change
    float[] before = gradients.recurrentWeights().clone();
    assertMessage(
        "BINARY_CROSS_ENTROPY needs the output function SIGMOID; this model's is SOFTMAX",
        () -> model.backward(ws, Loss.BINARY_CROSS_ENTROPY, Targets.everyStep(new float[8]), gradients));
    assertMessage(
        "target class 4 at row 1 is out of range [0, 4)",
        () -> model.backward(ws, Loss.CROSS_ENTROPY, Targets.everyStepClasses(new int[] {0, 4}), gradients));
    assertMessage(
        "target length 7, expected steps 2 × batch 1 × outputSize 4 = 8",
        () -> model.backward(ws, Loss.SQUARED_ERROR, Targets.everyStep(new float[7]), gradients));
    assertMessage(
        "CROSS_ENTROPY needs class indices; got target vectors",
        () -> model.backward(ws, Loss.CROSS_ENTROPY, Targets.everyStep(new float[8]), gradients));
    assertArrayEquals(before, gradients.recurrentWeights(), "rejected calls leave the gradients alone");
  }

  @Test
  void backwardNeedsAForwardPass() {
    ElmanRnn model = ElmanRnn.initialize(CONFIG);
    assertMessage(
        "no forward pass has run on this workspace",
        () -> model.backward(model.workspace(2, 1), Loss.CROSS_ENTROPY,
            Targets.everyStepClasses(new int[] {0, 1}), Parameters.zeros(CONFIG)));
  }

  private static void assertMessage(String expected, Runnable call) {
    RuntimeException e = assertThrows(RuntimeException.class, call::run);
    assertEquals(expected, e.getMessage());
  }
}
