package dev.recur.kernel;

import dev.recur.AllocationProbe;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Run in a fresh JVM by {@link ShapeChangeAllocationTest}: calls every kernel a few hundred
 * thousand times at the smallest vector length (one vector: no unrolled loop, no second tile
 * column, no tail), once in a thousand at a large one, so C2 compiles them with those paths
 * rare (the large calls are too few to make their call sites count as hot); then
 * switches to lengths that take every path and prints, per kernel, the fewest bytes a round of
 * calls allocated ({@code name bytes} lines).
 */
final class ShapeChangeProbe {

  private static final int POLLUTING_ROUNDS = 100_000;
  private static final int RARE_EVERY = 1000;
  private static final int CALLS_PER_ROUND = 20;
  private static final Duration LIMIT_PER_KERNEL = Duration.ofSeconds(5);

  private ShapeChangeProbe() {}

  public static void main(String[] args) {
    Kernels kernels = KernelSelection.kernels();
    int lanes = kernels instanceof VectorKernels ? VectorKernels.F.length() : 8;
    Map<String, Runnable> small = calls(kernels, lanes, 4);
    // 9 vectors and 3 more: unrolled loops, the one-vector remainder and the scalar tail.
    int length = 9 * lanes + 3;
    Map<String, Runnable> large = calls(kernels, length, 9);
    // Past the 1 MiB of weights beyond which the transposed pair streams rows.
    large.put("matTransVecPair(streamed)", pair(kernels, 272, 520));
    for (int round = 1; round <= POLLUTING_ROUNDS; round++) {
      // now and then a large call, so the rare paths are profiled as rare, not as never taken
      (round % RARE_EVERY == 0 ? large : small).values().forEach(Runnable::run);
    }
    large.forEach((name, call) -> System.out.println(
        name + " " + AllocationProbe.fewestBytes(CALLS_PER_ROUND, LIMIT_PER_KERNEL, call)));
  }

  /** One call of each kernel on vectors of {@code n}, matrices {@code n × n} and {@code m × n}. */
  private static Map<String, Runnable> calls(Kernels k, int n, int m) {
    Random random = new Random(n);
    float[] a = gaussian(random, n * n);
    float[] b = gaussian(random, n * n);
    float[] c = new float[m * n];
    float[] x = gaussian(random, n);
    float[] y = new float[n];
    Map<String, Runnable> calls = new LinkedHashMap<>();
    calls.put("dot", () -> y[0] = k.dot(a, 0, x, 0, n));
    calls.put("axpy", () -> k.axpy(1e-3f, x, 0, y, 0, n));
    calls.put("scale", () -> k.scale(0.5f, y, 0, n));
    calls.put("sumOfSquares", () -> y[0] = k.sumOfSquares(x, 0, n));
    calls.put("maxAbs", () -> y[0] = k.maxAbs(x, 0, n));
    calls.put("clamp", () -> k.clamp(y, 0, n, 1f));
    calls.put("matVec", () -> k.matVec(a, 0, n, n, x, 0, y, 0));
    calls.put("matTransVec", () -> k.matTransVec(a, 0, n, n, x, 0, y, 0));
    calls.put("matTransVecPair", pair(k, n, n));
    calls.put("matMul", () -> k.matMul(m, n, n, a, 0, b, 0, c, 0));
    int[] pairs = new int[Bf16.packedSize(n, n)];
    Bf16.packRowPairs(a, 0, n, n, pairs);
    calls.put("matTransVecBf16", () -> k.matTransVecBf16(pairs, n, n, x, 0, y, 0));
    calls.put("addBf16Row", () -> k.addBf16Row(pairs, n - 1, n, y, 0));
    byte[] q = new byte[n * n];
    float[] scales = new float[n];
    Int8.quantizeColumns(a, 0, n, n, q, scales);
    calls.put("matTransVecInt8", () -> k.matTransVecInt8(q, scales, n, n, x, 0, y, 0));
    calls.put("addInt8Row", () -> k.addInt8Row(q, scales, n - 1, n, y, 0));
    float[] rowsOfX = gaussian(random, m * n);
    calls.put("matMulBf16", () -> k.matMulBf16(m, pairs, n, n, rowsOfX, 0, c, 0));
    calls.put("matMulInt8", () -> k.matMulInt8(m, q, scales, n, n, rowsOfX, 0, c, 0));
    calls.put("matMulTransA", () -> k.matMulTransA(m, n, n, a, 0, b, 0, c, 0));
    calls.put("matMulTransB", () -> k.matMulTransB(m, n, n, a, 0, b, 0, c, 0));
    for (Nonlinearity f : Nonlinearity.values()) {
      calls.put("activate(" + f + ")", () -> k.activate(f, x, 0, y, 0, n));
      calls.put("activateRows(" + f + ")", () -> k.activateRows(f, c, 0, c, 0, m, n));
      calls.put("activationBackward(" + f + ")", () -> k.activationBackward(f, x, 0, x, 0, y, 0, n));
    }
    calls.put("softmax", () -> k.softmax(x, 0, y, 0, n));
    calls.put("logSoftmax", () -> k.logSoftmax(x, 0, y, 0, n));
    return calls;
  }

  private static Runnable pair(Kernels k, int rows, int cols) {
    Random random = new Random(rows);
    float[] a = gaussian(random, rows * cols);
    float[] b = gaussian(random, rows * cols);
    float[] x = gaussian(random, rows);
    float[] y = new float[cols];
    return () -> k.matTransVecPair(a, 0, rows, x, 0, b, 0, rows, x, 0, cols, y, 0);
  }

  private static float[] gaussian(Random random, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }
}
