package dev.recur.bench;

import dev.recur.Activation;
import dev.recur.kernel.Nonlinearity;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * tanh over H pre-activations, four ways:
 *
 * <ul>
 *   <li>{@code recur}: the library's vector kernel (Cephes-style tanhf from exactly rounded lane
 *       operations, the same bits interpreted and compiled);
 *   <li>{@code mathTanh}: {@link Math#tanh} per element (the scalar kernels' choice);
 *   <li>{@code lanewise}: {@code FloatVector.lanewise(TANH)}, the JDK's (SVML stubs on x86 once
 *       C2 compiles it; its bits differ between the interpreter and C2, which is why recur does
 *       not use it);
 *   <li>{@code rational}: {@link #rationalTanh}, a [7/6] Padé approximant of tanh, clamped — the
 *       cheap approximation a fast path might take. The report prints its largest error.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class ActivationBenchmark {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  @Param({"64", "128", "207", "256", "512", "1024"})
  public int size;

  @Param({"recur", "mathTanh", "lanewise", "rational"})
  public String variant;

  private dev.recur.kernel.Kernels kernels;
  private float[] in;
  private float[] out;

  @Setup
  public void setUp() {
    kernels = Impl.kernels("vector");
    in = Impl.uniform(new SplittableRandom(7), size, 3f);
    out = new float[size];
  }

  @Benchmark
  public float[] tanh() {
    switch (variant) {
      case "recur" -> kernels.activate(Nonlinearity.TANH, in, 0, out, 0, size);
      case "mathTanh" -> {
        for (int i = 0; i < size; i++) {
          out[i] = (float) Math.tanh(in[i]);
        }
      }
      case "lanewise" -> lanewise(in, out);
      case "rational" -> rational(in, out);
      default -> throw new IllegalArgumentException(variant);
    }
    return out;
  }

  static void lanewise(float[] in, float[] out) {
    int i = 0;
    for (int bound = F.loopBound(in.length); i < bound; i += F.length()) {
      FloatVector.fromArray(F, in, i).lanewise(VectorOperators.TANH).intoArray(out, i);
    }
    for (; i < in.length; i++) {
      out[i] = (float) Math.tanh(in[i]);
    }
  }

  static void rational(float[] in, float[] out) {
    int i = 0;
    for (int bound = F.loopBound(in.length); i < bound; i += F.length()) {
      rationalTanh(FloatVector.fromArray(F, in, i)).intoArray(out, i);
    }
    for (; i < in.length; i++) {
      out[i] = rationalTanh(in[i]);
    }
  }

  /** Beyond ±4.97 the approximant passes ±1; it is clamped there. */
  static final float RATIONAL_LIMIT = 4.97f;

  /**
   * tanh x ≈ x (135135 + 17325 x² + 378 x⁴ + x⁶) / (135135 + 62370 x² + 3150 x⁴ + 28 x⁶), the
   * [7/6] Padé approximant (from Lambert's continued fraction), with x clamped to ±{@link
   * #RATIONAL_LIMIT}.
   */
  static FloatVector rationalTanh(FloatVector x) {
    FloatVector c = x.max(-RATIONAL_LIMIT).min(RATIONAL_LIMIT);
    FloatVector x2 = c.mul(c);
    FloatVector p = x2.add(378f).fma(x2, FloatVector.broadcast(F, 17325f)).fma(x2, FloatVector.broadcast(F, 135135f));
    FloatVector q = x2.mul(28f).add(3150f).fma(x2, FloatVector.broadcast(F, 62370f)).fma(x2, FloatVector.broadcast(F, 135135f));
    return c.mul(p).div(q);
  }

  static float rationalTanh(float x) {
    float c = Math.max(-RATIONAL_LIMIT, Math.min(RATIONAL_LIMIT, x));
    float x2 = c * c;
    float p = ((x2 + 378f) * x2 + 17325f) * x2 + 135135f;
    float q = ((28f * x2 + 3150f) * x2 + 62370f) * x2 + 135135f;
    return c * p / q;
  }
}
