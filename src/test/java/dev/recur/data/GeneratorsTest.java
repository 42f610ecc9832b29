package dev.recur.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GeneratorsTest {

  @Test
  void addingProblemMarksOneValueInEachHalfAndSumsThem() {
    SequenceSet set = AddingProblem.generate(500, 30, 1);
    for (int n = 0; n < set.count(); n++) {
      int firstHalf = 0;
      int secondHalf = 0;
      double sum = 0;
      for (int t = 0; t < 30; t++) {
        float value = set.inputs()[(n * 30 + t) * 2];
        float marker = set.inputs()[(n * 30 + t) * 2 + 1];
        assertTrue(value >= 0 && value < 1);
        if (marker == 1f) {
          sum += value;
          if (t < 15) {
            firstHalf++;
          } else {
            secondHalf++;
          }
        } else {
          assertEquals(0f, marker);
        }
      }
      assertEquals(1, firstHalf, "sequence " + n);
      assertEquals(1, secondHalf, "sequence " + n);
      assertEquals(sum, set.targets()[n], 1e-6);
    }
    assertArrayEquals(set.inputs(), AddingProblem.generate(500, 30, 1).inputs(), "seeded");
  }

  @Test
  void answeringOneScoresTheDocumentedBaseline() {
    SequenceSet set = AddingProblem.generate(40_000, 10, 2);
    double sum = 0;
    for (float d : set.targets()) {
      sum += (d - 1.0) * (d - 1.0);
    }
    // Var(U1 + U2) = 1/6; the standard error of this mean over 40,000 draws is ≈ 0.001
    assertEquals(AddingProblem.BASELINE_MSE, sum / set.count(), 0.005);
  }

  @Test
  void mackeyGlassMatchesAnIndependentEulerIntegration() {
    // The equation written out again, integrated by explicit Euler at dt = 1e-4 from the same
    // history. Over 60 time units (well inside the chaotic divergence time) the two agree to the
    // Euler error; a wrong coefficient, power or delay would not.
    int perUnit = 10_000;
    int delay = 17 * perUnit;
    double dt = 1.0 / perUnit;
    double[] x = new double[delay + 60 * perUnit + 1];
    java.util.Arrays.fill(x, 0, delay + 1, 1.2);
    for (int i = delay; i < x.length - 1; i++) {
      double lag = x[i - delay];
      x[i + 1] = x[i] + dt * (0.2 * lag / (1 + Math.pow(lag, 10)) - 0.1 * x[i]);
    }
    double[] rk4 = MackeyGlass.series(60, 0, 10);
    for (int s = 0; s < 60; s++) {
      assertEquals(x[delay + s * perUnit], rk4[s], 1e-3, "sample " + s);
    }
  }

  @Test
  void mackeyGlassStaysOnItsAttractor() {
    double[] x = MackeyGlass.series(2000);
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (double v : x) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    // τ = 17 attractor: roughly 0.4 to 1.3, never settling to a fixed point
    assertTrue(min > 0.3 && min < 0.6, "min " + min);
    assertTrue(max > 1.1 && max < 1.45, "max " + max);
  }
}
