package dev.recur.inference;

import static dev.recur.inference.RnnStreamTest.assertMessage;
import static dev.recur.inference.RnnStreamTest.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class StreamBatchTest {

  @ParameterizedTest(name = "B={0}")
  @ValueSource(ints = {1, 3, 8, 32})
  void eachRowGetsExactlyWhatItsOwnStreamGets(int streams) {
    RnnConfig config = RnnConfig.builder(6, 45, 5).output(OutputFunction.SOFTMAX).seed(2).build();
    InferenceModel model = new InferenceModel(Parameters.initialize(config));
    StreamBatch batch = model.newBatch(streams);
    RnnStream[] alone = new RnnStream[streams];
    for (int b = 0; b < streams; b++) {
      alone[b] = model.newStream();
    }
    Random random = new Random(streams);
    for (int t = 0; t < 12; t++) {
      if (t == 6) { // reset one row mid-way: the others must not notice
        batch.reset(streams / 2);
        alone[streams / 2].reset();
      }
      float[] y;
      float[][] expected = new float[streams][];
      if (t % 3 == 2) {
        int[] tokens = new int[streams];
        for (int b = 0; b < streams; b++) {
          tokens[b] = random.nextInt(6);
          expected[b] = alone[b].step(tokens[b]).clone();
        }
        y = batch.step(tokens);
      } else {
        float[] x = gaussian(random, streams * 6);
        for (int b = 0; b < streams; b++) {
          expected[b] = alone[b].step(Arrays.copyOfRange(x, b * 6, b * 6 + 6)).clone();
        }
        y = batch.step(x);
      }
      for (int b = 0; b < streams; b++) {
        assertArrayEquals(expected[b], Arrays.copyOfRange(y, b * 5, b * 5 + 5), "step " + t + " row " + b);
      }
    }
  }

  @Test
  void badInputIsRejected() {
    InferenceModel model = new InferenceModel(Parameters.initialize(RnnConfig.builder(4, 8, 2).build()));
    StreamBatch batch = model.newBatch(3);
    assertMessage("inputs length 11, model expects 12", () -> batch.step(new float[11]));
    assertMessage("token count 2, expected 3", () -> batch.step(new int[2]));
    assertMessage("token -1 is out of range; the model's vocabulary is [0, 4)", () -> batch.step(new int[] {0, -1, 2}));
    assertMessage("Index 3 out of bounds for length 3", () -> batch.reset(3));
    assertMessage("a batch needs at least 1 stream; got 0", () -> model.newBatch(0));
    batch.close();
    assertMessage("this stream is closed", () -> batch.step(new float[12]));
  }
}
