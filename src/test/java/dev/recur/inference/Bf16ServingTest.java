package dev.recur.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.recur.AllocationProbe;
import dev.recur.Bias;
import dev.recur.ElmanRnn;
import dev.recur.Engine;
import dev.recur.Inputs;
import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.Precision;
import dev.recur.RnnConfig;
import dev.recur.Tensor;
import dev.recur.Workspace;
import dev.recur.kernel.Bf16;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A model frozen in bf16 computes exactly what an FP32 model computes whose weight matrices were
 * rounded to bf16 first (biases and the embedding stay float): every path — a single stream, a
 * batch, tokens, stacked layers, the head, whole sequences — gives those bits.
 */
class Bf16ServingTest {

  /** The FP32 twin: every weight matrix (W_x, W_h, W_y) rounded to bf16, the rest as it is. */
  private static Parameters roundedMatrices(Parameters weights) {
    Parameters rounded = weights.copy();
    for (Tensor t : rounded.tensors()) {
      boolean matrix = t.name().startsWith("W_");
      for (int i = 0; matrix && i < t.values().length; i++) {
        t.values()[i] = Bf16.toFloat(Bf16.fromFloat(t.values()[i]));
      }
    }
    return rounded;
  }

  @Test
  void aDenseStreamAndBatchGiveTheBitsOfTheRoundedFp32Model() {
    // H = 37: odd (a bf16 pair without partner) and not a multiple of any vector width
    Parameters weights = Parameters.initialize(RnnConfig.builder(9, 37, 5)
        .output(OutputFunction.SOFTMAX).bias(Bias.PYTORCH_PAIR).layers(2).seed(3).build());
    InferenceModel bf16 = new InferenceModel(weights, Engine.PREFERRED, Precision.BF16);
    InferenceModel twin = new InferenceModel(roundedMatrices(weights));
    assertEquals(Precision.BF16, bf16.precision());
    RnnStream stream = bf16.newStream();
    RnnStream twinStream = twin.newStream();
    StreamBatch batch = bf16.newBatch(3);
    StreamBatch twinBatch = twin.newBatch(3);
    Random random = new Random(7);
    for (int t = 0; t < 40; t++) {
      float[] x = RnnStreamTest.gaussian(random, 9);
      assertArrayEquals(twinStream.step(x).clone(), stream.step(x), "step " + t);
      float[] xs = RnnStreamTest.gaussian(random, 27);
      assertArrayEquals(twinBatch.step(xs).clone(), batch.step(xs), "batch step " + t);
    }
    // and it is not the unrounded model's output: the rounding is really there
    RnnStream exact = new InferenceModel(weights).newStream();
    RnnStream again = bf16.newStream();
    float[] x = RnnStreamTest.gaussian(random, 9);
    assertFalse(Arrays.equals(exact.step(x), again.step(x)));
    // the weights it reports are the rounded ones
    for (int i = 0; i < weights.tensors().size(); i++) {
      assertArrayEquals(twin.weights().tensors().get(i).values(),
          bf16.weights().tensors().get(i).values(), weights.tensors().get(i).name());
    }
  }

  @Test
  void tokensThroughColumnsOrAnEmbeddingGiveTheTwinsBits() {
    for (int embedding : new int[] {0, 6}) {
      Parameters weights = Parameters.initialize(RnnConfig.builder(20, 13, 20).embedding(embedding)
          .output(OutputFunction.SOFTMAX).layers(embedding > 0 ? 3 : 1).seed(5).build());
      InferenceModel bf16 = new InferenceModel(weights, Engine.PREFERRED, Precision.BF16);
      InferenceModel twin = new InferenceModel(roundedMatrices(weights));
      RnnStream stream = bf16.newStream();
      RnnStream twinStream = twin.newStream();
      StreamBatch batch = bf16.newBatch(2);
      StreamBatch twinBatch = twin.newBatch(2);
      for (int t = 0; t < 30; t++) {
        assertArrayEquals(twinStream.step(t % 20).clone(), stream.step(t % 20), "token step " + t);
        int[] tokens = {(3 * t) % 20, (7 * t + 1) % 20};
        assertArrayEquals(twinBatch.step(tokens).clone(), batch.step(tokens), "batch " + t);
      }
    }
  }

  @Test
  void wholeSequencesOfABidirectionalModelGiveTheTwinsBits() {
    Parameters weights = Parameters.initialize(
        RnnConfig.builder(4, 11, 3).layers(2).bidirectional(true).seed(9).build());
    ElmanRnn bf16 =
        new InferenceModel(weights, Engine.PREFERRED, Precision.BF16).sequences();
    ElmanRnn twin = new InferenceModel(roundedMatrices(weights)).sequences();
    Inputs inputs = Inputs.dense(RnnStreamTest.gaussian(new Random(2), 8 * 2 * 4), 8, 2);
    Workspace mine = bf16.workspace(8, 2);
    Workspace theirs = twin.workspace(8, 2);
    bf16.forward(mine, inputs);
    twin.forward(theirs, inputs);
    assertArrayEquals(theirs.outputs(), mine.outputs());
  }

  @Test
  void aBf16StepAllocatesNothing() {
    InferenceModel bf16 = new InferenceModel(Parameters.initialize(
        RnnConfig.builder(16, 64, 8).layers(2).build()), Engine.PREFERRED, Precision.BF16);
    RnnStream stream = bf16.newStream();
    StreamBatch batch = bf16.newBatch(4);
    float[] x = RnnStreamTest.gaussian(new Random(1), 16);
    float[] xs = RnnStreamTest.gaussian(new Random(2), 64);
    assertEquals(0, AllocationProbe.fewestBytes(500, () -> {
      stream.step(x);
      stream.step(3);
      batch.step(xs);
    }), "bytes per round of 500 bf16 steps");
  }
}
