package dev.recur.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.recur.AllocationProbe;
import dev.recur.Bias;
import dev.recur.ElmanRnn;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A model frozen in a reduced precision computes what an FP32 model computes whose weight
 * matrices were first replaced by the values that precision holds (biases and the embedding stay
 * float), on every path — a single stream, a batch, tokens, stacked layers, the head, whole
 * sequences. bf16 gives exactly those bits (the same products of the same values). int8 sums
 * {@code q·x} and scales once, where the FP32 twin sums {@code (s·q)·x}: the same value up to
 * float rounding, which {@link #INT8_ROUNDING} bounds (a wrong scale or rounding is off by
 * orders of magnitude more).
 */
class ReducedPrecisionServingTest {

  /**
   * Largest |difference| allowed between an int8 model's outputs (probabilities, or values of
   * order 1) and its FP32 twin's: a few float rounding units (2⁻²⁴ ≈ 6e-8) per sum, carried
   * through 40 steps of a contracting recurrence (measured: 1–2 units, about 2e-8).
   */
  private static final float INT8_ROUNDING = 1e-6f;

  /**
   * The FP32 twin: every weight matrix (W_x, W_h, W_y) replaced by its values in {@code
   * precision}, written here from the definitions (bf16: round to nearest even of the upper 16
   * bits; int8: per row of W, s = max |w| / 127 rounded up to 16 significant bits, w ↦ s ·
   * rint(w / s)), the rest as it is.
   */
  private static Parameters twin(Parameters weights, Precision precision) {
    Parameters twin = weights.copy();
    for (Tensor t : twin.tensors()) {
      if (!t.name().startsWith("W_")) {
        continue;
      }
      float[] w = t.values();
      if (precision == Precision.BF16) {
        for (int i = 0; i < w.length; i++) {
          w[i] = Bf16.toFloat(Bf16.fromFloat(w[i]));
        }
      } else {
        int cols = t.cols();
        for (int row = 0; row < w.length; row += cols) {
          float largest = 0f;
          for (int j = 0; j < cols; j++) {
            largest = Math.max(largest, Math.abs(w[row + j]));
          }
          // s = largest / 127 rounded up to 16 significant bits (the low 8 of 24 cleared)
          int bits = Float.floatToRawIntBits(largest / 127f);
          float scale = Float.intBitsToFloat((bits & 0xFF) == 0 ? bits : (bits | 0xFF) + 1);
          for (int j = 0; j < cols; j++) {
            w[row + j] = scale == 0f ? 0f : scale * (int) Math.rint(w[row + j] / scale); // an integer: no −0
          }
        }
      }
    }
    return twin;
  }

  /** The twin's outputs, bit for bit in bf16, within {@link #INT8_ROUNDING} in int8. */
  private static void assertTwin(Precision precision, float[] twin, float[] mine, String what) {
    if (precision == Precision.BF16) {
      assertArrayEquals(twin, mine, what);
    } else {
      assertArrayEquals(twin, mine, INT8_ROUNDING, what);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Precision.class, names = {"BF16", "INT8"})
  void aDenseStreamAndBatchGiveTheTwinsOutputs(Precision precision) {
    // H = 69: odd (a bf16 pair without partner), not a multiple of any vector width, and wider
    // than the batch kernels' strips at every width (64 columns at 512 bits)
    Parameters weights = Parameters.initialize(RnnConfig.builder(9, 69, 5)
        .output(OutputFunction.SOFTMAX).bias(Bias.PYTORCH_PAIR).layers(2).seed(3).build());
    InferenceModel reduced = new InferenceModel(weights, precision);
    InferenceModel twin = new InferenceModel(twin(weights, precision));
    assertEquals(precision, reduced.precision());
    RnnStream stream = reduced.newStream();
    RnnStream twinStream = twin.newStream();
    StreamBatch batch = reduced.newBatch(3);
    StreamBatch twinBatch = twin.newBatch(3);
    Random random = new Random(7);
    for (int t = 0; t < 40; t++) {
      float[] x = RnnStreamTest.gaussian(random, 9);
      float[] one = stream.step(x).clone();
      assertTwin(precision, twinStream.step(x), one, "step " + t);
      float[] xs = RnnStreamTest.gaussian(random, 27);
      float[] rows = batch.step(xs).clone();
      assertTwin(precision, twinBatch.step(xs), rows, "batch step " + t);
    }
    // and it is not the unrounded model's output: the rounding is really there
    RnnStream exact = new InferenceModel(weights).newStream();
    RnnStream again = reduced.newStream();
    float[] x = RnnStreamTest.gaussian(random, 9);
    assertFalse(Arrays.equals(exact.step(x), again.step(x)));
    // the weights it reports are the rounded ones
    for (int i = 0; i < weights.tensors().size(); i++) {
      assertArrayEquals(twin.weights().tensors().get(i).values(),
          reduced.weights().tensors().get(i).values(), weights.tensors().get(i).name());
    }
    // and a batch row is exactly the stream's step (the same kernel chain per row), for a row
    // of the batch kernel's 4-row tiles and for the row past them
    RnnStream third = reduced.newStream();
    RnnStream fifth = reduced.newStream();
    StreamBatch five = reduced.newBatch(5);
    for (int t = 0; t < 5; t++) {
      float[] xs = RnnStreamTest.gaussian(random, 45);
      float[] rows = five.step(xs);
      assertArrayEquals(third.step(Arrays.copyOfRange(xs, 18, 27)),
          Arrays.copyOfRange(rows, 10, 15), "the third row at step " + t);
      assertArrayEquals(fifth.step(Arrays.copyOfRange(xs, 36, 45)),
          Arrays.copyOfRange(rows, 20, 25), "the fifth row at step " + t);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Precision.class, names = {"BF16", "INT8"})
  void tokensThroughColumnsOrAnEmbeddingGiveTheTwinsOutputs(Precision precision) {
    for (int embedding : new int[] {0, 6}) {
      Parameters weights = Parameters.initialize(RnnConfig.builder(20, 13, 20).embedding(embedding)
          .output(OutputFunction.SOFTMAX).layers(embedding > 0 ? 3 : 1).seed(5).build());
      InferenceModel reduced = new InferenceModel(weights, precision);
      InferenceModel twin = new InferenceModel(twin(weights, precision));
      RnnStream stream = reduced.newStream();
      RnnStream twinStream = twin.newStream();
      StreamBatch batch = reduced.newBatch(2);
      StreamBatch twinBatch = twin.newBatch(2);
      for (int t = 0; t < 30; t++) {
        float[] one = stream.step(t % 20).clone();
        assertTwin(precision, twinStream.step(t % 20), one, "token step " + t);
        int[] tokens = {(3 * t) % 20, (7 * t + 1) % 20};
        float[] rows = batch.step(tokens).clone();
        assertTwin(precision, twinBatch.step(tokens), rows, "batch " + t);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Precision.class, names = {"BF16", "INT8"})
  void wholeSequencesOfABidirectionalModelGiveTheTwinsOutputs(Precision precision) {
    Parameters weights = Parameters.initialize(
        RnnConfig.builder(4, 11, 3).layers(2).bidirectional(true).seed(9).build());
    ElmanRnn reduced =
        new InferenceModel(weights, precision).sequences();
    ElmanRnn twin = new InferenceModel(twin(weights, precision)).sequences();
    Inputs inputs = Inputs.dense(RnnStreamTest.gaussian(new Random(2), 8 * 2 * 4), 8, 2);
    Workspace mine = reduced.workspace(8, 2);
    Workspace theirs = twin.workspace(8, 2);
    reduced.forward(mine, inputs);
    twin.forward(theirs, inputs);
    assertTwin(precision, theirs.outputs(), mine.outputs(), "outputs");
  }

  @ParameterizedTest
  @EnumSource(value = Precision.class, names = {"BF16", "INT8"})
  void aStepAllocatesNothing(Precision precision) {
    InferenceModel reduced = new InferenceModel(Parameters.initialize(
        RnnConfig.builder(16, 64, 8).layers(2).build()), precision);
    RnnStream stream = reduced.newStream();
    StreamBatch batch = reduced.newBatch(4);
    float[] x = RnnStreamTest.gaussian(new Random(1), 16);
    float[] xs = RnnStreamTest.gaussian(new Random(2), 64);
    AllocationProbe.assertAllocatesNothing(500, () -> {
      stream.step(x);
      stream.step(3);
      batch.step(xs);
    }, "500 × 2 stream steps and a 4-row batch step in " + precision);
  }
}
