package dev.recur.bench;

import dev.recur.kernel.KernelSelection;
import dev.recur.kernel.Kernels;
import java.util.SplittableRandom;

/** What the benchmarks' {@code impl} parameter names, and seeded test data. */
final class Impl {

  private Impl() {}

  /** {@code "scalar"}: the plain-Java twins; {@code "vector"}: the kernels selected here. */
  static Kernels kernels(String impl) {
    return switch (impl) {
      case "scalar" -> KernelSelection.scalar();
      case "vector" -> KernelSelection.kernels();
      default -> throw new IllegalArgumentException("impl is scalar or vector, got " + impl);
    };
  }

  /** {@code n} values uniform in {@code [-scale, scale)}. */
  static float[] uniform(SplittableRandom random, int n, float scale) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextDouble(-scale, scale);
    }
    return values;
  }
}
