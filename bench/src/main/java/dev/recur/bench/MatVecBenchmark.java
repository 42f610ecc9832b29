package dev.recur.bench;

import dev.recur.kernel.KernelSelection;
import dev.recur.kernel.Kernels;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * The recurrence's kernels, {@code y += W x} and {@code y += Wᵀ x} for a square H × H matrix:
 * scalar and vector side by side in one run, so their ratio comes from the same conditions.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class MatVecBenchmark {

  @Param({"64", "128", "207", "256", "512", "1024"})
  public int size;

  @Param({"scalar", "vector"})
  public String impl;

  private Kernels kernels;
  private float[] matrix;
  private float[] x;
  private float[] y;

  @Setup
  public void setUp() {
    kernels = impl.equals("scalar") ? KernelSelection.scalar() : KernelSelection.kernels();
    SplittableRandom random = new SplittableRandom(42);
    matrix = new float[size * size];
    x = new float[size];
    y = new float[size];
    for (int i = 0; i < matrix.length; i++) {
      matrix[i] = (float) random.nextDouble(-1, 1) / size;
    }
    for (int i = 0; i < size; i++) {
      x[i] = (float) random.nextDouble(-1, 1);
    }
  }

  /** Returns y (which keeps accumulating; its values stay finite at these magnitudes). */
  @Benchmark
  public float[] matVec() {
    kernels.matVec(matrix, 0, size, size, x, 0, y, 0);
    return y;
  }

  @Benchmark
  public float[] matTransVec() {
    kernels.matTransVec(matrix, 0, size, size, x, 0, y, 0);
    return y;
  }
}
