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

  private static void assertMessage(String expected, Runnable build) {
    RuntimeException e = assertThrows(RuntimeException.class, build::run);
    assertEquals(expected, e.getMessage());
  }
}
