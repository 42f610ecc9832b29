package dev.recur.bench;

import dev.recur.Engine;
import dev.recur.kernel.Kernels;
import dev.recur.layer.EngineKernels;
import java.util.SplittableRandom;

/** What the benchmarks' {@code impl} parameter names, and seeded test data. */
final class Impl {

  private Impl() {}

  /** {@code "scalar"}: the plain-Java twins; {@code "vector"}: the engine selected here. */
  static Engine engine(String impl) {
    return switch (impl) {
      case "scalar" -> Engine.SCALAR;
      case "vector" -> Engine.PREFERRED;
      default -> throw new IllegalArgumentException("impl is scalar or vector, got " + impl);
    };
  }

  /** The kernels of {@link #engine}, for benchmarks of the kernels themselves. */
  static Kernels kernels(String impl) {
    return EngineKernels.of(engine(impl));
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
