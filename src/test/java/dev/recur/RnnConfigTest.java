package dev.recur;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RnnConfigTest {

  @Test
  void defaults() {
    RnnConfig c = RnnConfig.builder(3, 4, 5).build();
    assertEquals(Activation.TANH, c.activation());
    assertEquals(OutputFunction.IDENTITY, c.output());
    assertEquals(Bias.SINGLE, c.bias());
    assertEquals(Initializer.PYTORCH_UNIFORM, c.initializer());
    assertEquals(c, c.toBuilder().build());
  }

  @Test
  void invalidConfigurationsSayWhatIsWrong() {
    assertMessage("hiddenSize must be between 1 and 65536; got 0", () -> RnnConfig.builder(3, 0, 2).build());
    assertMessage("inputSize must be between 1 and 65536; got -4", () -> RnnConfig.builder(-4, 8, 2).build());
    assertMessage("outputSize must be between 1 and 65536; got 70000", () -> RnnConfig.builder(3, 8, 70000).build());
    assertMessage(
        "identityScale must be a finite positive number; got NaN",
        () -> RnnConfig.builder(3, 8, 2).identityScale(Float.NaN).build());
    assertMessage("activation", () -> RnnConfig.builder(3, 8, 2).activation(null).build());
    assertMessage(
        "weight matrices of 4294967296 entries do not fit a Java array; reduce hiddenSize (65536)",
        () -> RnnConfig.builder(3, 65536, 2).build());
  }

  @Test
  void stackSettingsAreCheckedAndDefaultToTheNotesNetwork() {
    RnnConfig c = RnnConfig.builder(3, 4, 5).build();
    assertEquals(1, c.layers());
    assertEquals(false, c.bidirectional());
    assertEquals(0, c.embeddingSize());
    assertEquals(true, c.head());
    assertEquals(true, c.headBias());
    assertEquals(false, RnnConfig.builder(3, 4, 5).bias(Bias.NONE).build().headBias());
    assertEquals(true, RnnConfig.builder(3, 4, 5).bias(Bias.NONE).headBias(true).build().headBias());
    RnnConfig headless = RnnConfig.builder(3, 4, 99).bidirectional(true).layers(2).noHead().build();
    assertEquals(8, headless.outputSize());
    assertEquals(headless, headless.toBuilder().build());
    assertEquals(8, headless.layerInputSize(1));
    assertEquals(6, RnnConfig.builder(30, 4, 5).embedding(6).build().layerInputSize(0));

    // counted from the config alone, as the tensors a model of it has
    for (RnnConfig config : java.util.List.of(c, headless,
        RnnConfig.builder(30, 4, 5).embedding(6).layers(3).bias(Bias.PYTORCH_PAIR).headBias(false).build())) {
      long made = Parameters.zeros(config).tensors().stream().mapToLong(Tensor::size).sum();
      assertEquals(made, config.parameterCount(), config.toString());
    }

    assertEquals(false, RnnConfig.builder(3, 5, 2).noHead().headBias(false).build().head());
    assertEquals(false, RnnConfig.builder(3, 5, 2).headBias(false).noHead().build().head());
    assertMessage("headBias needs a head; this config has none",
        () -> RnnConfig.builder(3, 5, 2).noHead().headBias(true).build());
    assertMessage("weight matrices of 2147614720 entries do not fit a Java array; reduce "
        + "hiddenSize (16385)",
        () -> RnnConfig.builder(1, 16385, 65536).bidirectional(true).build());

    assertMessage("layers must be between 1 and 64; got 0", () -> RnnConfig.builder(3, 4, 5).layers(0).build());
    assertMessage("embeddingSize (0 for none) must be between 1 and 65536; got -2",
        () -> RnnConfig.builder(3, 4, 5).embedding(-2).build());
    assertMessage("dropout must be in [0, 1); got 1.0",
        () -> RnnConfig.builder(3, 4, 5).layers(2).dropout(1f).build());
    assertMessage("dropout acts between recurrent layers; a model of 1 layer has none (got dropout 0.5)",
        () -> RnnConfig.builder(3, 4, 5).dropout(0.5f).build());
    assertMessage("without a head the outputs are the top layer's states: outputSize must be "
        + "2 × hiddenSize = 8; got 5",
        () -> new RnnConfig(3, 4, 5, Activation.TANH, OutputFunction.IDENTITY, Bias.SINGLE,
            Initializer.PYTORCH_UNIFORM, 1f, 0, 1, true, 0, false, false, 0f));
  }

  @Test
  void aModelRefusesInputsAndStatesOfTheWrongKind() {
    ElmanRnn embedded = ElmanRnn.initialize(RnnConfig.builder(7, 4, 2).embedding(3).build());
    assertMessage("a model with an embedding reads token indices; got dense inputs",
        () -> embedded.forward(embedded.workspace(2, 1), Inputs.dense(new float[14], 2, 1)));
    ElmanRnn stack = ElmanRnn.initialize(RnnConfig.builder(3, 4, 2).layers(2).bidirectional(true).build());
    assertMessage("initial hidden state length 8, expected layers × directions 4 × batch 2 × "
        + "hiddenSize 4 = 32",
        () -> stack.forward(stack.workspace(2, 2), Inputs.dense(new float[12], 2, 2), new float[8]));
    float[] values = new float[12];
    values[7] = Float.NaN;
    assertMessage("input NaN at step 1, sequence 0, entry 1; inputs must be finite",
        () -> stack.forward(stack.workspace(2, 2), Inputs.dense(values, 2, 2)));
    ElmanRnn single = ElmanRnn.initialize(RnnConfig.builder(3, 4, 2).build());
    assertMessage("the workspace was made for a model of another shape",
        () -> single.forward(stack.workspace(2, 2), Inputs.dense(new float[12], 2, 2)));
  }

  private static void assertMessage(String expected, Runnable build) {
    RuntimeException e = assertThrows(RuntimeException.class, build::run);
    assertEquals(expected, e.getMessage());
  }
}
