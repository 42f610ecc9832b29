package dev.recur.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.recur.Activation;
import dev.recur.Bias;
import dev.recur.ElmanRnn;
import dev.recur.Inputs;
import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.Workspace;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RnnStreamTest {

  private static final int STEPS = 9;

  static float[] gaussian(Random random, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  @ParameterizedTest(name = "{0} {1} {2} H={3}")
  @CsvSource({
    "TANH, SOFTMAX, PYTORCH_PAIR, 37",
    "RELU, IDENTITY, NONE, 64",
    "SIGMOID, SIGMOID, SINGLE, 5",
  })
  void stepsGiveTheTrainingForwardPassBitForBit(
      Activation f, OutputFunction g, Bias bias, int hidden) {
    RnnConfig config =
        RnnConfig.builder(7, hidden, 4).activation(f).output(g).bias(bias).seed(hidden).build();
    Parameters weights = Parameters.initialize(config);
    float[] x = gaussian(new Random(3), STEPS * 7);
    ElmanRnn training = new ElmanRnn(weights);
    Workspace ws = training.workspace(STEPS, 1);
    training.forward(ws, Inputs.dense(x, STEPS));

    RnnStream stream = new InferenceModel(weights).newStream();
    for (int t = 0; t < STEPS; t++) {
      float[] y = stream.step(Arrays.copyOfRange(x, t * 7, t * 7 + 7));
      assertArrayEquals(Arrays.copyOfRange(ws.outputs(), t * 4, t * 4 + 4), y, "step " + t);
    }
    float[] hiddenNow = new float[hidden];
    stream.copyHidden(hiddenNow);
    assertArrayEquals(Arrays.copyOfRange(ws.hidden(), STEPS * hidden, (STEPS + 1) * hidden), hiddenNow);

    int[] tokens = {6, 0, 3, 3, 1, 5, 2, 4, 0};
    training.forward(ws, Inputs.tokens(tokens, STEPS, 1));
    stream.reset();
    float[] predicted = new float[STEPS * 4];
    stream.predict(tokens, predicted);
    assertArrayEquals(ws.outputs(), predicted, "token sequence");
  }

  @Test
  void predictEqualsSteppingAndASavedStateContinuesTheSame() {
    InferenceModel model =
        new InferenceModel(Parameters.initialize(RnnConfig.builder(3, 20, 2).build()));
    Random random = new Random(8);
    float[] x = gaussian(random, 6 * 3);
    RnnStream stepped = model.newStream();
    float[] expected = new float[6 * 2];
    float[] output = new float[2];
    for (int t = 0; t < 6; t++) {
      stepped.step(Arrays.copyOfRange(x, t * 3, t * 3 + 3), output);
      System.arraycopy(output, 0, expected, t * 2, 2);
    }
    RnnStream whole = model.newStream();
    float[] outputs = new float[6 * 2];
    whole.predict(x, outputs);
    assertArrayEquals(expected, outputs);

    float[] probe = gaussian(random, 3);
    float[] saved = new float[20];
    whole.copyHidden(saved);
    float[] next = whole.step(probe).clone();
    whole.step(gaussian(random, 3));
    whole.step(gaussian(random, 3));
    whole.setHidden(saved);
    assertArrayEquals(next, whole.step(probe), "a restored state continues as before");

    whole.reset();
    float[] fresh = model.newStream().step(probe).clone();
    assertArrayEquals(fresh, whole.step(probe), "reset is a fresh stream");
  }

  @Test
  void badInputIsRejectedAndLeavesTheStateAlone() {
    InferenceModel model = new InferenceModel(Parameters.initialize(RnnConfig.builder(64, 8, 2).build()));
    RnnStream stream = model.newStream();
    stream.step(gaussian(new Random(1), 64));
    float[] before = new float[8];
    stream.copyHidden(before);

    assertMessage("input length 63, model expects 64", () -> stream.step(new float[63]));
    float[] nan = new float[64];
    nan[5] = Float.NaN;
    assertMessage("input[5] is NaN", () -> stream.step(nan));
    assertMessage("token 64 is out of range; the model's vocabulary is [0, 64)", () -> stream.step(64));
    assertMessage("input", () -> stream.step((float[]) null));
    assertMessage("hidden state length 7, model expects 8", () -> stream.setHidden(new float[7]));
    assertMessage("output length 3, expected 2", () -> stream.step(new float[64], new float[3]));
    assertMessage(
        "inputs length 65 is not a positive multiple of inputSize 64",
        () -> stream.predict(new float[65], new float[2]));
    assertMessage("inputs length 0 is not a positive multiple of inputSize 64",
        () -> stream.predict(new float[0], new float[0]));
    assertMessage("tokens is empty; a sequence needs at least one token",
        () -> stream.predict(new int[0], new float[0]));

    float[] after = new float[8];
    stream.copyHidden(after);
    assertArrayEquals(before, after);

    stream.close();
    assertMessage("this stream is closed", () -> stream.step(new float[64]));
    assertMessage("this stream is closed", stream::reset);
  }

  static void assertMessage(String expected, Runnable call) {
    RuntimeException e = assertThrows(RuntimeException.class, call::run);
    assertEquals(expected, e.getMessage());
  }
}
