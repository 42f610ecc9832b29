package dev.recur.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.recur.AllocationProbe;
import dev.recur.Bias;
import dev.recur.ElmanRnn;
import dev.recur.Inputs;
import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.Workspace;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Serving stacked models: a unidirectional stack steps as one layer does (every layer's state in
 * the stream, the training forward's bits, single streams and batch rows alike, 0 bytes per
 * step); a bidirectional model refuses streams and runs whole sequences with the training
 * forward's bits.
 */
class StackServingTest {

  private static final int STEPS = 9;

  /** 3 layers, H = 13 (not a multiple of any vector width), head without bias over paired biases. */
  private static final RnnConfig STACK = RnnConfig.builder(5, 13, 4).layers(3)
      .bias(Bias.PYTORCH_PAIR).headBias(false).output(OutputFunction.SOFTMAX).seed(11).build();

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aStackStepsWithTheTrainingForwardsBits(boolean embedded) {
    RnnConfig config = embedded ? STACK.toBuilder().embedding(6).build() : STACK;
    Parameters weights = Parameters.initialize(config);
    ElmanRnn training = new ElmanRnn(weights);
    InferenceModel serving = new InferenceModel(weights);
    Random random = new Random(3);
    int batch = 3;
    int rows = STEPS * batch;
    int[] tokens = new int[rows];
    for (int r = 0; r < rows; r++) {
      tokens[r] = random.nextInt(config.inputSize());
    }
    float[] x = RnnStreamTest.gaussian(random, rows * config.inputSize());
    Inputs inputs = embedded ? Inputs.tokens(tokens, STEPS, batch) : Inputs.dense(x, STEPS, batch);
    Workspace ws = training.workspace(STEPS, batch);
    training.forward(ws, inputs);

    int out = config.outputSize();
    StreamBatch rowsTogether = serving.newBatch(batch);
    RnnStream[] streams = new RnnStream[batch];
    Arrays.setAll(streams, b -> serving.newStream());
    for (int t = 0; t < STEPS; t++) {
      float[] batchOutputs = embedded
          ? rowsTogether.step(Arrays.copyOfRange(tokens, t * batch, (t + 1) * batch))
          : rowsTogether.step(Arrays.copyOfRange(x, t * batch * 5, (t + 1) * batch * 5));
      for (int b = 0; b < batch; b++) {
        int r = t * batch + b;
        float[] expected = Arrays.copyOfRange(ws.outputs(), r * out, (r + 1) * out);
        float[] single = embedded ? streams[b].step(tokens[r])
            : streams[b].step(Arrays.copyOfRange(x, r * 5, (r + 1) * 5));
        assertArrayEquals(expected, single, "stream " + b + " step " + t);
        assertArrayEquals(expected, Arrays.copyOfRange(batchOutputs, b * out, (b + 1) * out),
            "batch row " + b + " step " + t);
      }
    }
    // Each stream's state is every layer's h after the last step: the training pass's h_n.
    int hidden = config.hiddenSize();
    float[] state = new float[serving.stateSize()];
    float[] row = new float[serving.stateSize()];
    for (int b = 0; b < batch; b++) {
      streams[b].copyHidden(state);
      rowsTogether.copyHidden(b, row);
      assertArrayEquals(state, row);
      for (int l = 0; l < config.layers(); l++) {
        int from = (l * batch + b) * hidden;
        assertArrayEquals(Arrays.copyOfRange(ws.finalHidden(), from, from + hidden),
            Arrays.copyOfRange(state, l * hidden, (l + 1) * hidden), "layer " + l);
      }
    }
  }

  @Test
  void aSavedStackStateContinuesTheSame() {
    InferenceModel serving = new InferenceModel(Parameters.initialize(STACK));
    RnnStream first = serving.newStream();
    float[] x = RnnStreamTest.gaussian(new Random(5), 5);
    first.step(x);
    float[] state = new float[serving.stateSize()];
    first.copyHidden(state);
    RnnStream second = serving.newStream();
    second.setHidden(state);
    assertArrayEquals(first.step(x).clone(), second.step(x));
    assertThrows(IllegalArgumentException.class, () -> second.setHidden(new float[13]));
  }

  @Test
  void anEmbeddedModelRefusesDenseInputsAndWarmsUpOnTokens() {
    InferenceModel serving = new InferenceModel(
        Parameters.initialize(STACK.toBuilder().embedding(6).build()));
    RnnStream stream = serving.newStream();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> stream.step(new float[5]));
    assertEquals("this model has an embedding: its inputs are token indices, not dense vectors",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> serving.newBatch(2).step(new float[10]));
    assertThrows(IllegalArgumentException.class,
        () -> stream.predict(new float[10], new float[8]));
    assertEquals(300, serving.warmUp(300).steps());
    float[] before = stream.step(4).clone();
    assertArrayEquals(before, serving.newStream().step(4), "warm-up touched no stream's state");
  }

  @Test
  void aBidirectionalModelWarmsUpOnWholeSequences() {
    RnnConfig config = RnnConfig.builder(4, 7, 3).layers(2).bidirectional(true).seed(2).build();
    InferenceModel serving = new InferenceModel(Parameters.initialize(config));
    assertEquals(500, serving.warmUp(500).steps());
  }

  @Test
  void aStackStepAllocatesNothing() {
    InferenceModel serving = new InferenceModel(
        Parameters.initialize(STACK.toBuilder().embedding(6).build()));
    RnnStream stream = serving.newStream();
    StreamBatch batch = serving.newBatch(4);
    int[] tokens = {0, 1, 2, 3};
    AllocationProbe.assertAllocatesNothing(500, () -> {
      stream.step(3);
      batch.step(tokens);
    }, "500 single and batch steps of a 3-layer embedded stack");
  }

  @Test
  void aBidirectionalModelRefusesStreamsAndServesWholeSequencesWithTheTrainingBits() {
    RnnConfig config = RnnConfig.builder(4, 7, 3).layers(2).bidirectional(true).seed(2).build();
    Parameters weights = Parameters.initialize(config);
    InferenceModel serving = new InferenceModel(weights);
    IllegalStateException e = assertThrows(IllegalStateException.class, serving::newStream);
    assertEquals("a bidirectional model cannot be stepped as a stream: its output at each step "
        + "depends on later inputs; run whole sequences with InferenceModel.sequences(...)",
        e.getMessage());
    assertThrows(IllegalStateException.class, () -> serving.newBatch(2));

    float[] x = RnnStreamTest.gaussian(new Random(9), STEPS * 2 * 4);
    boolean[] mask = new boolean[STEPS * 2];
    Arrays.fill(mask, 0, STEPS * 2 - 3, true); // the second sequence ends two steps early
    Inputs inputs = Inputs.dense(x, STEPS, 2).withMask(mask);
    ElmanRnn training = new ElmanRnn(weights);
    Workspace expected = training.workspace(STEPS, 2);
    training.forward(expected, inputs);

    ElmanRnn sequences = serving.sequences();
    Workspace buffer = sequences.workspace(STEPS, 2);
    sequences.forward(buffer, inputs);
    assertArrayEquals(expected.outputs(), buffer.outputs());
    assertArrayEquals(expected.finalHidden(), buffer.finalHidden());
    AllocationProbe.assertAllocatesNothing(50, () -> sequences.forward(buffer, inputs),
        "50 whole-sequence passes on a reused buffer");
    IllegalStateException frozen = assertThrows(IllegalStateException.class,
        () -> sequences.backward(buffer, dev.recur.Loss.MEAN_SQUARED_ERROR,
            dev.recur.Targets.everyStep(new float[STEPS * 2 * 3]), Parameters.zeros(config)));
    assertEquals("a frozen (serving) model has no backward pass", frozen.getMessage());
  }
}
