package dev.recur;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GradientClippingTest {

  private static Parameters randomGradients(float scale) {
    Parameters g = Parameters.zeros(RnnConfig.builder(7, 9, 5).bias(Bias.PYTORCH_PAIR).build());
    Random random = new Random(1);
    for (Tensor t : g.tensors()) {
      for (int i = 0; i < t.size(); i++) {
        t.values()[i] = (float) random.nextGaussian() * scale;
      }
    }
    return g;
  }

  private static double normInDouble(Parameters g) {
    double sum = 0;
    for (Tensor t : g.tensors()) {
      for (float v : t.values()) {
        sum += (double) v * v;
      }
    }
    return Math.sqrt(sum);
  }

  @Test
  void globalNormClippingScalesEverythingByOneFactor() {
    Parameters g = randomGradients(3f);
    Parameters before = g.copy();
    double norm = normInDouble(before);
    assertTrue(norm > 5, "the example must need clipping");

    double reported = GradientClipping.clipByGlobalNorm(g, 5f);

    assertEquals(norm, reported, 1e-5 * norm);
    assertEquals(5.0, normInDouble(g), 1e-5);
    double factor = 5.0 / (norm + 1e-6);
    for (int t = 0; t < g.tensors().size(); t++) {
      float[] original = before.tensors().get(t).values();
      float[] clipped = g.tensors().get(t).values();
      for (int i = 0; i < original.length; i++) {
        assertEquals(original[i] * factor, clipped[i], 1e-6 * Math.abs(original[i]) + 1e-7);
      }
    }
  }

  @Test
  void globalNormBelowTheLimitChangesNothing() {
    Parameters g = randomGradients(0.01f);
    Parameters before = g.copy();
    GradientClipping.clipByGlobalNorm(g, 5f);
    for (int t = 0; t < g.tensors().size(); t++) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(
          before.tensors().get(t).values(), g.tensors().get(t).values());
    }
  }

  @Test
  void valueClippingClampsOnlyTheLargeEntries() {
    Parameters g = randomGradients(4f);
    Parameters before = g.copy();
    assertTrue(GradientClipping.clipByValue(g, 5f));
    for (int t = 0; t < g.tensors().size(); t++) {
      float[] original = before.tensors().get(t).values();
      float[] clipped = g.tensors().get(t).values();
      for (int i = 0; i < original.length; i++) {
        assertEquals(Math.max(-5f, Math.min(5f, original[i])), clipped[i]);
      }
    }
    assertFalse(GradientClipping.clipByValue(g, 5f), "nothing left to clip");
  }

  @Test
  void nonFiniteNormIsReportedAndNothingIsScaled() {
    Parameters g = randomGradients(3f);
    g.recurrentWeights()[0] = Float.NaN;
    float kept = g.inputWeights()[0];
    assertTrue(Double.isNaN(GradientClipping.clipByGlobalNorm(g, 1f)));
    assertEquals(kept, g.inputWeights()[0]);
  }

  @Test
  void rejectsNonPositiveLimits() {
    Parameters g = randomGradients(1f);
    assertEquals(
        "maxNorm must be finite and positive; got 0.0",
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByGlobalNorm(g, 0f))
            .getMessage());
    assertEquals(
        "limit must be finite and positive; got NaN",
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByValue(g, Float.NaN))
            .getMessage());
  }
}
