package dev.recur.bench;

import dev.recur.kernel.Bf16;
import dev.recur.kernel.Int8;
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
 * The kernels the recurrence spends its time in, for a square H × H weight matrix, scalar and
 * vector side by side in one run so their ratio comes from the same conditions:
 *
 * <ul>
 *   <li>{@code matVec}: {@code y += W x}, the batch-1 product (backward's {@code W_hᵀ δ} against
 *       a transposed copy, and the plain layout's forward);
 *   <li>{@code matTransVec}: {@code y += Wᵀ x} row by row, the forward step against {@code W_hᵀ};
 *   <li>{@code matMulBatch}: {@code C += A W} for a batch of {@link #BATCH} rows, the batched
 *       forward step (2·B·H² flops: the report turns the time into GFLOP/s);
 *   <li>{@code matMulPanels}: the same product with W laid out once in the products' panels
 *       ({@code Kernels.packPanels}), as a layer's weights are: what a batch forward step runs;
 *   <li>{@code matMulTransA}: {@code C += Aᵀ B} over {@link #BATCH} rows, a weight gradient;
 *   <li>{@code gradient}: {@code C += Aᵀ B} over {@link #GRADIENT_ROWS} rows, the weight gradient
 *       a training update computes (T = 64 steps of a batch of 32, all in one product).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class KernelBenchmark {

  /** Rows of the matrix-matrix products: a training minibatch or a batch of streams. */
  public static final int BATCH = 32;

  /** Rows of the {@link #gradient} product: T·B of a training update (64 steps of 32). */
  public static final int GRADIENT_ROWS = 64 * BATCH;

  @Param({"64", "128", "207", "256", "512", "1024"})
  public int size;

  @Param({"scalar", "vector"})
  public String impl;

  private Kernels kernels;
  private float[] matrix;
  /** {@link #matrix} in bf16, packed as row pairs. */
  private int[] bf16Pairs;
  /** {@link #matrix} in int8, one scale per column. */
  private byte[] int8Values;
  private float[] int8Scales;
  private float[] x;
  private float[] y;
  private float[] rows;
  /** {@link #matrix} in the kernels' panel layout. */
  private float[] panels;
  private float[] product;
  private float[] gradient;
  /** T·B rows of deltas and of previous states for {@link #gradient}. */
  private float[] deltas;
  private float[] states;

  @Setup
  public void setUp() {
    kernels = Impl.kernels(impl);
    SplittableRandom random = new SplittableRandom(42);
    matrix = Impl.uniform(random, size * size, 1f / size);
    bf16Pairs = new int[Bf16.packedSize(size, size)];
    Bf16.packRowPairs(matrix, 0, size, size, bf16Pairs);
    int8Values = new byte[size * size];
    int8Scales = new float[size];
    Int8.quantizeColumns(matrix, 0, size, size, int8Values, int8Scales);
    x = Impl.uniform(random, size, 1f);
    y = new float[size];
    rows = Impl.uniform(random, BATCH * size, 1f);
    panels = new float[kernels.panelsSize(size, size)];
    kernels.packPanels(matrix, 0, size, size, panels);
    product = new float[BATCH * size];
    gradient = new float[size * size];
    deltas = Impl.uniform(random, GRADIENT_ROWS * size, 1f);
    states = Impl.uniform(random, GRADIENT_ROWS * size, 1f);
  }

  /** Returns y, which keeps accumulating; its values stay finite at these magnitudes. */
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

  /** {@link #matTransVec} over the same matrix in bf16: half the bytes read. */
  @Benchmark
  public float[] matTransVecBf16() {
    kernels.matTransVecBf16(bf16Pairs, size, size, x, 0, y, 0);
    return y;
  }

  /** {@link #matTransVec} over the same matrix in int8 with a scale per column: a quarter. */
  @Benchmark
  public float[] matTransVecInt8() {
    kernels.matTransVecInt8(int8Values, int8Scales, size, size, x, 0, y, 0);
    return y;
  }

  @Benchmark
  public float[] matMulBatch() {
    kernels.matMul(BATCH, size, size, rows, 0, matrix, 0, product, 0);
    return product;
  }

  @Benchmark
  public float[] matMulPanels() {
    kernels.matMulPanels(BATCH, size, size, rows, 0, panels, product, 0);
    return product;
  }

  @Benchmark
  public float[] matMulTransA() {
    kernels.matMulTransA(size, size, BATCH, rows, 0, rows, 0, gradient, 0);
    return gradient;
  }

  @Benchmark
  public float[] gradient() {
    kernels.matMulTransA(size, size, GRADIENT_ROWS, deltas, 0, states, 0, gradient, 0);
    return gradient;
  }
}
