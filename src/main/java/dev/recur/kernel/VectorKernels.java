package dev.recur.kernel;

import static dev.recur.kernel.VectorMath.sumLanes;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.MAX;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Java Vector API. Loaded only by {@link KernelSelection}, and only once it has
 * checked that {@code jdk.incubator.vector} is readable.
 *
 * <p>Results do not depend on the JIT's progress: lane sums and e^x, tanh come from {@link
 * VectorMath}, built from exactly rounded lane operations only.
 *
 * <p>Every loop has the same shape: a main loop up to {@link VectorSpecies#loopBound} and a scalar
 * tail, never a masked load (masked memory access runs as scalar Java on AVX2). Two exceptions,
 * where a scalar tail entry costs about what a whole vector does: tanh ({@link VectorMath#tanh})
 * and the matrix products' columns. There the last vector is the one ending at the last entry,
 * overlapping the one before, and its overlapped lanes get back what was stored there. Reductions keep
 * their partial sums in vector registers and reduce lanes once, after the loop. The summation
 * order therefore differs from {@link ScalarKernels}; tests compare the two with a tolerance
 * that grows with the length.
 */
final class VectorKernels implements Kernels {

  /**
   * The one species every loop uses. A {@code static final} field, so C2 treats it as a constant
   * and intrinsifies the vector operations; an instance field would not be folded.
   */
  static final VectorSpecies<Float> F = species(KernelSelection.requestedBits());

  private static final int LANES = F.length();

  /** Ints of the float species' shape: a packed bf16 row pair per lane ({@link Bf16}). */
  private static final VectorSpecies<Integer> PAIRS = VectorSpecies.of(int.class, F.vectorShape());

  /**
   * Bytes loaded to widen one float vector of int8 weights: the float species' lane count, but
   * never under 64 bits (the narrowest byte vector), so a 128-bit species loads 8 bytes and
   * widens the first 4.
   */
  private static final VectorSpecies<Byte> BYTES =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, LANES * Byte.SIZE)));

  /** Bytes a load reads past those it widens: loops stop this far before a row's end. */
  private static final int BYTES_BEYOND = BYTES.length() - LANES;

  /** 0, 1, 2, … in the lanes: compared with a count, the lanes from that count on. */
  static final FloatVector LANE_INDEX = laneIndex();

  private static FloatVector laneIndex() {
    float[] indices = new float[LANES];
    for (int lane = 0; lane < LANES; lane++) {
      indices[lane] = lane;
    }
    return FloatVector.fromArray(F, indices, 0);
  }

  /** Rows of a matrix handled together, so that each load of the shared operand serves four. */
  private static final int ROW_TILE = 4;

  /** Vectors of y held in registers by {@link #addTransposedProducts}: 8 of 16–32 registers. */
  private static final int COLUMN_BLOCK = 8;

  /**
   * Up to this many weights (1 MiB) {@link #addTransposedProducts} reads in column blocks, each
   * row's block at a stride of a row; beyond, it streams rows in memory order, which is faster
   * once the weights leave the core's caches (figures in docs/DESIGN-MEASUREMENTS.md).
   */
  private static final long CACHED_FLOATS = 1 << 18;

  /**
   * Lengths under one vector go to the scalar twin: no vector code runs for them, so none is
   * compiled with a never-taken loop whose live vectors C2 would have to box.
   */
  private static final ScalarKernels SCALAR = ScalarKernels.INSTANCE;

  private final boolean fma;

  private VectorKernels(boolean fma) {
    this.fma = fma;
  }

  /**
   * Returns the vector kernels, or throws {@link UnsupportedOperationException} when the chosen
   * species is narrower than 128 bits (the vectors would be slower than scalar code).
   */
  static Kernels create(boolean fma) {
    if (F.vectorBitSize() < 128) {
      throw new UnsupportedOperationException(
          "preferred vector size is " + F.vectorBitSize() + " bits; at least 128 are needed");
    }
    return new VectorKernels(fma);
  }

  /** The bit size of the species in use. */
  static int bitSize() {
    return F.vectorBitSize();
  }

  private static VectorSpecies<Float> species(int requestedBits) {
    return requestedBits == 0
        ? FloatVector.SPECIES_PREFERRED
        : VectorSpecies.of(float.class, VectorShape.forBitSize(requestedBits));
  }

  @Override
  public String description() {
    return "vector (jdk.incubator.vector): "
        + F.vectorBitSize()
        + "-bit FloatVector, "
        + LANES
        + " lanes, hardware FMA "
        + (fma ? "yes" : "no");
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    if (n < LANES) {
      return SCALAR.dot(a, aOff, b, bOff, n);
    }
    int i = 0;
    float sum = 0f;
    if (n >= LANES) {
      // Four independent accumulators hide the FMA latency (one chain would stall on each add).
      FloatVector acc0 = FloatVector.zero(F);
      FloatVector acc1 = FloatVector.zero(F);
      FloatVector acc2 = FloatVector.zero(F);
      FloatVector acc3 = FloatVector.zero(F);
      int unrolledBound = n - n % (4 * LANES);
      for (; i < unrolledBound; i += 4 * LANES) {
        int ai = aOff + i;
        int bi = bOff + i;
        acc0 = FloatVector.fromArray(F, a, ai).fma(FloatVector.fromArray(F, b, bi), acc0);
        acc1 = FloatVector.fromArray(F, a, ai + LANES)
            .fma(FloatVector.fromArray(F, b, bi + LANES), acc1);
        acc2 = FloatVector.fromArray(F, a, ai + 2 * LANES)
            .fma(FloatVector.fromArray(F, b, bi + 2 * LANES), acc2);
        acc3 = FloatVector.fromArray(F, a, ai + 3 * LANES)
            .fma(FloatVector.fromArray(F, b, bi + 3 * LANES), acc3);
      }
      int bound = F.loopBound(n);
      for (; i < bound; i += LANES) {
        acc0 = FloatVector.fromArray(F, a, aOff + i)
            .fma(FloatVector.fromArray(F, b, bOff + i), acc0);
      }
      sum = sumLanes(acc0.add(acc1).add(acc2.add(acc3)));
    }
    for (; i < n; i++) {
      sum = Math.fma(a[aOff + i], b[bOff + i], sum);
    }
    return sum;
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    if (n < LANES) {
      SCALAR.axpy(alpha, x, xOff, y, yOff, n);
      return;
    }
    int i = 0;
    int bound = F.loopBound(n);
    FloatVector alphas = FloatVector.broadcast(F, alpha);
    for (; i < bound; i += LANES) {
      FloatVector.fromArray(F, x, xOff + i)
          .fma(alphas, FloatVector.fromArray(F, y, yOff + i))
          .intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
    }
  }

  @Override
  public void scale(float alpha, float[] x, int xOff, int n) {
    if (n < LANES) {
      SCALAR.scale(alpha, x, xOff, n);
      return;
    }
    int i = 0;
    int bound = F.loopBound(n);
    for (; i < bound; i += LANES) {
      FloatVector.fromArray(F, x, xOff + i).mul(alpha).intoArray(x, xOff + i);
    }
    for (; i < n; i++) {
      x[xOff + i] *= alpha;
    }
  }

  @Override
  public float sumOfSquares(float[] x, int xOff, int n) {
    return dot(x, xOff, x, xOff, n);
  }

  @Override
  public float maxAbs(float[] x, int xOff, int n) {
    if (n < LANES) {
      return SCALAR.maxAbs(x, xOff, n);
    }
    int i = 0;
    int bound = F.loopBound(n);
    FloatVector max = FloatVector.zero(F);
    for (; i < bound; i += LANES) {
      max = max.max(FloatVector.fromArray(F, x, xOff + i).abs());
    }
    float result = max.reduceLanes(MAX);
    for (; i < n; i++) {
      result = Math.max(result, Math.abs(x[xOff + i]));
    }
    return result;
  }

  @Override
  public void clamp(float[] x, int xOff, int n, float limit) {
    if (n < LANES) {
      SCALAR.clamp(x, xOff, n, limit);
      return;
    }
    int i = 0;
    int bound = F.loopBound(n);
    for (; i < bound; i += LANES) {
      FloatVector.fromArray(F, x, xOff + i).max(-limit).min(limit).intoArray(x, xOff + i);
    }
    for (; i < n; i++) {
      x[xOff + i] = Math.clamp(x[xOff + i], -limit, limit);
    }
  }

  @Override
  public void matVec(
      float[] a, int aOff, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
    if (cols < LANES) {
      SCALAR.matVec(a, aOff, rows, cols, x, xOff, y, yOff);
      return;
    }
    int i = 0;
    for (; i + ROW_TILE <= rows; i += ROW_TILE) {
      addFourDots(a, aOff + i * cols, cols, x, xOff, y, yOff + i);
    }
    for (; i < rows; i++) {
      y[yOff + i] += dot(a, aOff + i * cols, x, xOff, cols);
    }
  }

  /**
   * {@code out[outOff + r] += A[r,:] · x} for the four consecutive rows r of A (each of {@code
   * cols} entries) starting at {@code rowsOff}: each load of x feeds four independent FMA chains.
   * {@link #matVec} and {@link #matMulTransB} both go through here, so a batch row gets exactly
   * the bits a single vector would.
   */
  private static void addFourDots(
      float[] a, int rowsOff, int cols, float[] x, int xOff, float[] out, int outOff) {
    int row0 = rowsOff;
    int row1 = row0 + cols;
    int row2 = row1 + cols;
    int row3 = row2 + cols;
    FloatVector acc0 = FloatVector.zero(F);
    FloatVector acc1 = FloatVector.zero(F);
    FloatVector acc2 = FloatVector.zero(F);
    FloatVector acc3 = FloatVector.zero(F);
    int bound = F.loopBound(cols);
    int j = 0;
    for (; j < bound; j += LANES) {
      FloatVector xs = FloatVector.fromArray(F, x, xOff + j);
      acc0 = FloatVector.fromArray(F, a, row0 + j).fma(xs, acc0);
      acc1 = FloatVector.fromArray(F, a, row1 + j).fma(xs, acc1);
      acc2 = FloatVector.fromArray(F, a, row2 + j).fma(xs, acc2);
      acc3 = FloatVector.fromArray(F, a, row3 + j).fma(xs, acc3);
    }
    float sum0 = sumLanes(acc0);
    float sum1 = sumLanes(acc1);
    float sum2 = sumLanes(acc2);
    float sum3 = sumLanes(acc3);
    for (; j < cols; j++) {
      float xj = x[xOff + j];
      sum0 = Math.fma(a[row0 + j], xj, sum0);
      sum1 = Math.fma(a[row1 + j], xj, sum1);
      sum2 = Math.fma(a[row2 + j], xj, sum2);
      sum3 = Math.fma(a[row3 + j], xj, sum3);
    }
    out[outOff] += sum0;
    out[outOff + 1] += sum1;
    out[outOff + 2] += sum2;
    out[outOff + 3] += sum3;
  }

  @Override
  public void matTransVec(
      float[] a, int aOff, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
    addTransposedProducts(a, aOff, rows, x, xOff, a, aOff, 0, x, xOff, cols, y, yOff);
  }

  /**
   * Blocks of {@value #BF16_BLOCK} column vectors of y held in registers (independent FMA chains,
   * so the FMA latency is hidden): for each packed row pair, one int load per vector, the upper
   * row's floats by a mask and the lower's by a shift, and their FMAs in row order. Leftover
   * column vectors go one at a time, and the columns past the last whole vector take the same
   * chain in scalar code.
   */
  @Override
  public void matTransVecBf16(
      int[] pairs, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
    int wholePairs = rows / 2;
    boolean oddRow = rows % 2 == 1;
    if ((long) (wholePairs + (oddRow ? 1 : 0)) * cols > CACHED_FLOATS) {
      // past the caches, read the weights in memory order: pair by pair, y (in L1) updated
      for (int p = 0; p < wholePairs + (oddRow ? 1 : 0); p++) {
        addPackedPair(pairs, p * cols, cols, x[xOff + 2 * p],
            p < wholePairs ? x[xOff + 2 * p + 1] : 0f, p < wholePairs, y, yOff);
      }
      return;
    }
    int c = 0;
    for (int block = BF16_BLOCK * LANES; c + block <= cols; c += block) {
      int at = yOff + c;
      FloatVector y0 = FloatVector.fromArray(F, y, at);
      FloatVector y1 = FloatVector.fromArray(F, y, at + LANES);
      FloatVector y2 = FloatVector.fromArray(F, y, at + 2 * LANES);
      FloatVector y3 = FloatVector.fromArray(F, y, at + 3 * LANES);
      FloatVector y4 = FloatVector.fromArray(F, y, at + 4 * LANES);
      FloatVector y5 = FloatVector.fromArray(F, y, at + 5 * LANES);
      FloatVector y6 = FloatVector.fromArray(F, y, at + 6 * LANES);
      FloatVector y7 = FloatVector.fromArray(F, y, at + 7 * LANES);
      int row = c;
      for (int p = 0; p < wholePairs + (oddRow ? 1 : 0); p++, row += cols) {
        FloatVector upperX = FloatVector.broadcast(F, x[xOff + 2 * p]);
        IntVector q0 = IntVector.fromArray(PAIRS, pairs, row);
        IntVector q1 = IntVector.fromArray(PAIRS, pairs, row + LANES);
        IntVector q2 = IntVector.fromArray(PAIRS, pairs, row + 2 * LANES);
        IntVector q3 = IntVector.fromArray(PAIRS, pairs, row + 3 * LANES);
        IntVector q4 = IntVector.fromArray(PAIRS, pairs, row + 4 * LANES);
        IntVector q5 = IntVector.fromArray(PAIRS, pairs, row + 5 * LANES);
        IntVector q6 = IntVector.fromArray(PAIRS, pairs, row + 6 * LANES);
        IntVector q7 = IntVector.fromArray(PAIRS, pairs, row + 7 * LANES);
        y0 = q0.and(0xFFFF0000).reinterpretAsFloats().fma(upperX, y0);
        y1 = q1.and(0xFFFF0000).reinterpretAsFloats().fma(upperX, y1);
        y2 = q2.and(0xFFFF0000).reinterpretAsFloats().fma(upperX, y2);
        y3 = q3.and(0xFFFF0000).reinterpretAsFloats().fma(upperX, y3);
        y4 = q4.and(0xFFFF0000).reinterpretAsFloats().fma(upperX, y4);
        y5 = q5.and(0xFFFF0000).reinterpretAsFloats().fma(upperX, y5);
        y6 = q6.and(0xFFFF0000).reinterpretAsFloats().fma(upperX, y6);
        y7 = q7.and(0xFFFF0000).reinterpretAsFloats().fma(upperX, y7);
        if (p < wholePairs) { // the last row of an odd count has no partner
          FloatVector lowerX = FloatVector.broadcast(F, x[xOff + 2 * p + 1]);
          y0 = q0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(lowerX, y0);
          y1 = q1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(lowerX, y1);
          y2 = q2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(lowerX, y2);
          y3 = q3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(lowerX, y3);
          y4 = q4.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(lowerX, y4);
          y5 = q5.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(lowerX, y5);
          y6 = q6.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(lowerX, y6);
          y7 = q7.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(lowerX, y7);
        }
      }
      y0.intoArray(y, at);
      y1.intoArray(y, at + LANES);
      y2.intoArray(y, at + 2 * LANES);
      y3.intoArray(y, at + 3 * LANES);
      y4.intoArray(y, at + 4 * LANES);
      y5.intoArray(y, at + 5 * LANES);
      y6.intoArray(y, at + 6 * LANES);
      y7.intoArray(y, at + 7 * LANES);
    }
    addBf16Columns(pairs, rows, cols, c, x, xOff, y, yOff);
  }

  /**
   * Columns {@code from … cols} of {@link #matTransVecBf16}: one vector of y at a time, then the
   * columns past the last whole vector in scalar code, with the same chain.
   */
  private static void addBf16Columns(
      int[] pairs, int rows, int cols, int from, float[] x, int xOff, float[] y, int yOff) {
    int wholePairs = rows / 2;
    boolean oddRow = rows % 2 == 1;
    int c = from;
    for (int bound = F.loopBound(cols); c < bound; c += LANES) {
      FloatVector acc = FloatVector.fromArray(F, y, yOff + c);
      int row = c;
      for (int p = 0; p < wholePairs + (oddRow ? 1 : 0); p++, row += cols) {
        IntVector packed = IntVector.fromArray(PAIRS, pairs, row);
        acc = packed.and(0xFFFF0000).reinterpretAsFloats()
            .fma(FloatVector.broadcast(F, x[xOff + 2 * p]), acc);
        if (p < wholePairs) {
          acc = packed.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()
              .fma(FloatVector.broadcast(F, x[xOff + 2 * p + 1]), acc);
        }
      }
      acc.intoArray(y, yOff + c);
    }
    for (; c < cols; c++) {
      float acc = y[yOff + c];
      for (int i = 0; i < rows; i++) {
        int pair = pairs[(i >> 1) * cols + c];
        acc = Math.fma((i & 1) == 0 ? Bf16.upper(pair) : Bf16.lower(pair), x[xOff + i], acc);
      }
      y[yOff + c] = acc;
    }
  }

  /**
   * {@code y += upperX · upper row + lowerX · lower row} of one packed pair (the lower only when
   * {@code hasLower}), in that order for every entry: the vector body, then the scalar tail.
   */
  private static void addPackedPair(int[] pairs, int row, int cols, float upperX, float lowerX,
      boolean hasLower, float[] y, int yOff) {
    FloatVector upperV = FloatVector.broadcast(F, upperX);
    FloatVector lowerV = FloatVector.broadcast(F, lowerX);
    int c = 0;
    for (int bound = F.loopBound(cols); c < bound; c += LANES) {
      IntVector packed = IntVector.fromArray(PAIRS, pairs, row + c);
      FloatVector acc = packed.and(0xFFFF0000).reinterpretAsFloats()
          .fma(upperV, FloatVector.fromArray(F, y, yOff + c));
      if (hasLower) {
        acc = packed.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(lowerV, acc);
      }
      acc.intoArray(y, yOff + c);
    }
    for (; c < cols; c++) {
      int pair = pairs[row + c];
      float acc = Math.fma(Bf16.upper(pair), upperX, y[yOff + c]);
      y[yOff + c] = hasLower ? Math.fma(Bf16.lower(pair), lowerX, acc) : acc;
    }
  }

  @Override
  public void addBf16Row(int[] pairs, int row, int cols, float[] y, int yOff) {
    int from = (row >> 1) * cols;
    boolean upper = (row & 1) == 0;
    int c = 0;
    for (int bound = F.loopBound(cols); c < bound; c += LANES) {
      IntVector packed = IntVector.fromArray(PAIRS, pairs, from + c);
      FloatVector w = upper
          ? packed.and(0xFFFF0000).reinterpretAsFloats()
          : packed.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
      w.add(FloatVector.fromArray(F, y, yOff + c)).intoArray(y, yOff + c);
    }
    for (; c < cols; c++) {
      int pair = pairs[from + c];
      y[yOff + c] += upper ? Bf16.upper(pair) : Bf16.lower(pair);
    }
  }

  /** Column vectors of y {@link #matTransVecBf16} keeps in registers at once. */
  private static final int BF16_BLOCK = 8;

  /**
   * Blocks of {@value #INT8_BLOCK} column vectors of y, as {@link #matTransVecBf16}: per row, one
   * byte load per vector widened to floats ({@code B2F}, exact), and an FMA into that vector's own
   * accumulator; the scales are applied once, after the last row. Leftover vectors go one at a
   * time, and the last columns take the same chain in scalar code. (The widening is written out
   * at each use: a helper returning a vector would be boxed where C2 declines to inline it, see
   * VectorInliningTest.)
   */
  @Override
  public void matTransVecInt8(
      byte[] q, float[] scales, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
    if (cols < LANES + BYTES_BEYOND) {
      SCALAR.matTransVecInt8(q, scales, rows, cols, x, xOff, y, yOff);
      return;
    }
    int c = 0;
    for (int block = INT8_BLOCK * LANES; c + block + BYTES_BEYOND <= cols; c += block) {
      FloatVector acc0 = FloatVector.zero(F);
      FloatVector acc1 = FloatVector.zero(F);
      FloatVector acc2 = FloatVector.zero(F);
      FloatVector acc3 = FloatVector.zero(F);
      FloatVector acc4 = FloatVector.zero(F);
      FloatVector acc5 = FloatVector.zero(F);
      FloatVector acc6 = FloatVector.zero(F);
      FloatVector acc7 = FloatVector.zero(F);
      for (int i = 0, row = c; i < rows; i++, row += cols) {
        FloatVector xi = FloatVector.broadcast(F, x[xOff + i]);
        acc0 = ByteVector.fromArray(BYTES, q, row).convertShape(B2F, F, 0)
            .reinterpretAsFloats().fma(xi, acc0);
        acc1 = ByteVector.fromArray(BYTES, q, row + LANES).convertShape(B2F, F, 0)
            .reinterpretAsFloats().fma(xi, acc1);
        acc2 = ByteVector.fromArray(BYTES, q, row + 2 * LANES).convertShape(B2F, F, 0)
            .reinterpretAsFloats().fma(xi, acc2);
        acc3 = ByteVector.fromArray(BYTES, q, row + 3 * LANES).convertShape(B2F, F, 0)
            .reinterpretAsFloats().fma(xi, acc3);
        acc4 = ByteVector.fromArray(BYTES, q, row + 4 * LANES).convertShape(B2F, F, 0)
            .reinterpretAsFloats().fma(xi, acc4);
        acc5 = ByteVector.fromArray(BYTES, q, row + 5 * LANES).convertShape(B2F, F, 0)
            .reinterpretAsFloats().fma(xi, acc5);
        acc6 = ByteVector.fromArray(BYTES, q, row + 6 * LANES).convertShape(B2F, F, 0)
            .reinterpretAsFloats().fma(xi, acc6);
        acc7 = ByteVector.fromArray(BYTES, q, row + 7 * LANES).convertShape(B2F, F, 0)
            .reinterpretAsFloats().fma(xi, acc7);
      }
      int at = yOff + c;
      FloatVector.fromArray(F, scales, c)
          .fma(acc0, FloatVector.fromArray(F, y, at)).intoArray(y, at);
      FloatVector.fromArray(F, scales, c + LANES)
          .fma(acc1, FloatVector.fromArray(F, y, at + LANES)).intoArray(y, at + LANES);
      FloatVector.fromArray(F, scales, c + 2 * LANES)
          .fma(acc2, FloatVector.fromArray(F, y, at + 2 * LANES)).intoArray(y, at + 2 * LANES);
      FloatVector.fromArray(F, scales, c + 3 * LANES)
          .fma(acc3, FloatVector.fromArray(F, y, at + 3 * LANES)).intoArray(y, at + 3 * LANES);
      FloatVector.fromArray(F, scales, c + 4 * LANES)
          .fma(acc4, FloatVector.fromArray(F, y, at + 4 * LANES)).intoArray(y, at + 4 * LANES);
      FloatVector.fromArray(F, scales, c + 5 * LANES)
          .fma(acc5, FloatVector.fromArray(F, y, at + 5 * LANES)).intoArray(y, at + 5 * LANES);
      FloatVector.fromArray(F, scales, c + 6 * LANES)
          .fma(acc6, FloatVector.fromArray(F, y, at + 6 * LANES)).intoArray(y, at + 6 * LANES);
      FloatVector.fromArray(F, scales, c + 7 * LANES)
          .fma(acc7, FloatVector.fromArray(F, y, at + 7 * LANES)).intoArray(y, at + 7 * LANES);
    }
    addInt8Columns(q, scales, rows, cols, c, x, xOff, y, yOff);
  }

  /**
   * Columns {@code from … cols} of {@link #matTransVecInt8}: one vector of y at a time, then the
   * columns past the last whole vector (and those a byte load would overrun) in scalar code.
   */
  private static void addInt8Columns(byte[] q, float[] scales, int rows, int cols, int from,
      float[] x, int xOff, float[] y, int yOff) {
    int c = from;
    for (; c + LANES + BYTES_BEYOND <= cols; c += LANES) {
      FloatVector acc = FloatVector.zero(F);
      for (int i = 0, row = c; i < rows; i++, row += cols) {
        acc = ByteVector.fromArray(BYTES, q, row).convertShape(B2F, F, 0).reinterpretAsFloats()
            .fma(FloatVector.broadcast(F, x[xOff + i]), acc);
      }
      FloatVector.fromArray(F, scales, c).fma(acc, FloatVector.fromArray(F, y, yOff + c))
          .intoArray(y, yOff + c);
    }
    for (; c < cols; c++) {
      float acc = 0f;
      for (int i = 0; i < rows; i++) {
        acc = Math.fma(q[i * cols + c], x[xOff + i], acc);
      }
      y[yOff + c] = Math.fma(scales[c], acc, y[yOff + c]);
    }
  }

  @Override
  public void addInt8Row(byte[] q, float[] scales, int row, int cols, float[] y, int yOff) {
    int from = row * cols;
    int c = 0;
    for (; c + LANES + BYTES_BEYOND <= cols; c += LANES) {
      FloatVector w = ByteVector.fromArray(BYTES, q, from + c).convertShape(B2F, F, 0)
          .reinterpretAsFloats();
      FloatVector.fromArray(F, scales, c).fma(w, FloatVector.fromArray(F, y, yOff + c))
          .intoArray(y, yOff + c);
    }
    for (; c < cols; c++) {
      y[yOff + c] = Math.fma(scales[c], q[from + c], y[yOff + c]);
    }
  }

  /** Column vectors of y {@link #matTransVecInt8} keeps in registers at once. */
  private static final int INT8_BLOCK = 8;

  /** Rows of X a bf16 or int8 batch tile steps together: each widened weight serves all four. */
  private static final int BATCH_ROWS = 4;

  /**
   * Column vectors of Y in a batch tile: with {@link #BATCH_ROWS} rows, 16 independent chains, and
   * each broadcast of x and each widened weight feeds four FMAs. At 32 streams on Zen 5 (AVX-512,
   * H = 1024) it took about a quarter less time than a 4 × 2 tile, for bf16 and for int8 (the
   * figures are in docs/BENCHMARKS.md, "Reduced precision in batches").
   */
  private static final int BATCH_VECTORS = 4;

  /**
   * Strips of {@value #BATCH_VECTORS} column vectors, and in each strip tiles of {@value
   * #BATCH_ROWS} rows of X: a strip of A is read from memory once and from the core's cache by
   * every tile after the first, and each pair of rows is widened once for four rows of X, where
   * row by row ({@link #matTransVecBf16}) would read and widen all of A for each. The columns
   * past the strips, and the rows past the tiles, go row by row; every entry keeps its chain.
   * ({@link #matMulInt8} repeats these loops around its own tile: a shared driver would have to
   * take the tile as a lambda, a call C2 need not inline.)
   */
  @Override
  public void matMulBf16(
      int m, int[] pairs, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
    int tiled = m - m % BATCH_ROWS;
    int strip = BATCH_VECTORS * LANES;
    int stripped = tiled == 0 ? 0 : cols - cols % strip;
    for (int c = 0; c < stripped; c += strip) {
      for (int r = 0; r < tiled; r += BATCH_ROWS) {
        addBf16Tile(pairs, rows, cols, c, x, xOff + r * rows, y, yOff + r * cols);
      }
    }
    for (int r = 0; r < tiled; r++) {
      addBf16Columns(pairs, rows, cols, stripped, x, xOff + r * rows, y, yOff + r * cols);
    }
    for (int r = tiled; r < m; r++) {
      matTransVecBf16(pairs, rows, cols, x, xOff + r * rows, y, yOff + r * cols);
    }
  }

  /**
   * Columns {@code c … c + 4·LANES} of four consecutive rows of Y ({@code rows} apart in X,
   * {@code cols} in Y): per packed pair, four int loads, each widened to its upper and lower row
   * once, and the FMAs of the four rows into their own accumulators, upper row before lower.
   */
  private static void addBf16Tile(
      int[] pairs, int rows, int cols, int c, float[] x, int xOff, float[] y, int yOff) {
    int wholePairs = rows / 2;
    int x0 = xOff;
    int x1 = x0 + rows;
    int x2 = x1 + rows;
    int x3 = x2 + rows;
    int y0 = yOff + c;
    int y1 = y0 + cols;
    int y2 = y1 + cols;
    int y3 = y2 + cols;
    FloatVector acc00 = FloatVector.fromArray(F, y, y0);
    FloatVector acc01 = FloatVector.fromArray(F, y, y0 + LANES);
    FloatVector acc02 = FloatVector.fromArray(F, y, y0 + 2 * LANES);
    FloatVector acc03 = FloatVector.fromArray(F, y, y0 + 3 * LANES);
    FloatVector acc10 = FloatVector.fromArray(F, y, y1);
    FloatVector acc11 = FloatVector.fromArray(F, y, y1 + LANES);
    FloatVector acc12 = FloatVector.fromArray(F, y, y1 + 2 * LANES);
    FloatVector acc13 = FloatVector.fromArray(F, y, y1 + 3 * LANES);
    FloatVector acc20 = FloatVector.fromArray(F, y, y2);
    FloatVector acc21 = FloatVector.fromArray(F, y, y2 + LANES);
    FloatVector acc22 = FloatVector.fromArray(F, y, y2 + 2 * LANES);
    FloatVector acc23 = FloatVector.fromArray(F, y, y2 + 3 * LANES);
    FloatVector acc30 = FloatVector.fromArray(F, y, y3);
    FloatVector acc31 = FloatVector.fromArray(F, y, y3 + LANES);
    FloatVector acc32 = FloatVector.fromArray(F, y, y3 + 2 * LANES);
    FloatVector acc33 = FloatVector.fromArray(F, y, y3 + 3 * LANES);
    int at = c;
    for (int p = 0; p < (rows + 1) / 2; p++, at += cols) {
      int i = 2 * p;
      IntVector packed0 = IntVector.fromArray(PAIRS, pairs, at);
      IntVector packed1 = IntVector.fromArray(PAIRS, pairs, at + LANES);
      IntVector packed2 = IntVector.fromArray(PAIRS, pairs, at + 2 * LANES);
      IntVector packed3 = IntVector.fromArray(PAIRS, pairs, at + 3 * LANES);
      FloatVector upper0 = packed0.and(0xFFFF0000).reinterpretAsFloats();
      FloatVector upper1 = packed1.and(0xFFFF0000).reinterpretAsFloats();
      FloatVector upper2 = packed2.and(0xFFFF0000).reinterpretAsFloats();
      FloatVector upper3 = packed3.and(0xFFFF0000).reinterpretAsFloats();
      FloatVector xs = FloatVector.broadcast(F, x[x0 + i]);
      acc00 = upper0.fma(xs, acc00);
      acc01 = upper1.fma(xs, acc01);
      acc02 = upper2.fma(xs, acc02);
      acc03 = upper3.fma(xs, acc03);
      xs = FloatVector.broadcast(F, x[x1 + i]);
      acc10 = upper0.fma(xs, acc10);
      acc11 = upper1.fma(xs, acc11);
      acc12 = upper2.fma(xs, acc12);
      acc13 = upper3.fma(xs, acc13);
      xs = FloatVector.broadcast(F, x[x2 + i]);
      acc20 = upper0.fma(xs, acc20);
      acc21 = upper1.fma(xs, acc21);
      acc22 = upper2.fma(xs, acc22);
      acc23 = upper3.fma(xs, acc23);
      xs = FloatVector.broadcast(F, x[x3 + i]);
      acc30 = upper0.fma(xs, acc30);
      acc31 = upper1.fma(xs, acc31);
      acc32 = upper2.fma(xs, acc32);
      acc33 = upper3.fma(xs, acc33);
      if (p < wholePairs) { // the last row of an odd count has no partner
        FloatVector lower0 = packed0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
        FloatVector lower1 = packed1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
        FloatVector lower2 = packed2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
        FloatVector lower3 = packed3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
        xs = FloatVector.broadcast(F, x[x0 + i + 1]);
        acc00 = lower0.fma(xs, acc00);
        acc01 = lower1.fma(xs, acc01);
        acc02 = lower2.fma(xs, acc02);
        acc03 = lower3.fma(xs, acc03);
        xs = FloatVector.broadcast(F, x[x1 + i + 1]);
        acc10 = lower0.fma(xs, acc10);
        acc11 = lower1.fma(xs, acc11);
        acc12 = lower2.fma(xs, acc12);
        acc13 = lower3.fma(xs, acc13);
        xs = FloatVector.broadcast(F, x[x2 + i + 1]);
        acc20 = lower0.fma(xs, acc20);
        acc21 = lower1.fma(xs, acc21);
        acc22 = lower2.fma(xs, acc22);
        acc23 = lower3.fma(xs, acc23);
        xs = FloatVector.broadcast(F, x[x3 + i + 1]);
        acc30 = lower0.fma(xs, acc30);
        acc31 = lower1.fma(xs, acc31);
        acc32 = lower2.fma(xs, acc32);
        acc33 = lower3.fma(xs, acc33);
      }
    }
    acc00.intoArray(y, y0);
    acc01.intoArray(y, y0 + LANES);
    acc02.intoArray(y, y0 + 2 * LANES);
    acc03.intoArray(y, y0 + 3 * LANES);
    acc10.intoArray(y, y1);
    acc11.intoArray(y, y1 + LANES);
    acc12.intoArray(y, y1 + 2 * LANES);
    acc13.intoArray(y, y1 + 3 * LANES);
    acc20.intoArray(y, y2);
    acc21.intoArray(y, y2 + LANES);
    acc22.intoArray(y, y2 + 2 * LANES);
    acc23.intoArray(y, y2 + 3 * LANES);
    acc30.intoArray(y, y3);
    acc31.intoArray(y, y3 + LANES);
    acc32.intoArray(y, y3 + 2 * LANES);
    acc33.intoArray(y, y3 + 3 * LANES);
  }

  /**
   * {@link #matMulBf16}'s strips and tiles for int8 weights: per row of A, four byte loads widened
   * once for the four rows of X; the scales are applied after the last row, as row by row.
   */
  @Override
  public void matMulInt8(int m, byte[] q, float[] scales, int rows, int cols, float[] x,
      int xOff, float[] y, int yOff) {
    int tiled = m - m % BATCH_ROWS;
    int strip = BATCH_VECTORS * LANES;
    // a strip's byte loads read BYTES_BEYOND bytes past it, which must stay inside the row
    int stripped = tiled == 0 ? 0 : Math.max(0, cols - BYTES_BEYOND) / strip * strip;
    for (int c = 0; c < stripped; c += strip) {
      for (int r = 0; r < tiled; r += BATCH_ROWS) {
        addInt8Tile(q, scales, rows, cols, c, x, xOff + r * rows, y, yOff + r * cols);
      }
    }
    for (int r = 0; r < tiled; r++) {
      addInt8Columns(q, scales, rows, cols, stripped, x, xOff + r * rows, y, yOff + r * cols);
    }
    for (int r = tiled; r < m; r++) {
      matTransVecInt8(q, scales, rows, cols, x, xOff + r * rows, y, yOff + r * cols);
    }
  }

  /** {@link #addBf16Tile} for int8 weights: sums from 0 over the rows, then the scales. */
  private static void addInt8Tile(byte[] q, float[] scales, int rows, int cols, int c, float[] x,
      int xOff, float[] y, int yOff) {
    int x0 = xOff;
    int x1 = x0 + rows;
    int x2 = x1 + rows;
    int x3 = x2 + rows;
    FloatVector acc00 = FloatVector.zero(F);
    FloatVector acc01 = FloatVector.zero(F);
    FloatVector acc02 = FloatVector.zero(F);
    FloatVector acc03 = FloatVector.zero(F);
    FloatVector acc10 = FloatVector.zero(F);
    FloatVector acc11 = FloatVector.zero(F);
    FloatVector acc12 = FloatVector.zero(F);
    FloatVector acc13 = FloatVector.zero(F);
    FloatVector acc20 = FloatVector.zero(F);
    FloatVector acc21 = FloatVector.zero(F);
    FloatVector acc22 = FloatVector.zero(F);
    FloatVector acc23 = FloatVector.zero(F);
    FloatVector acc30 = FloatVector.zero(F);
    FloatVector acc31 = FloatVector.zero(F);
    FloatVector acc32 = FloatVector.zero(F);
    FloatVector acc33 = FloatVector.zero(F);
    for (int i = 0, at = c; i < rows; i++, at += cols) {
      FloatVector w0 = ByteVector.fromArray(BYTES, q, at).convertShape(B2F, F, 0)
          .reinterpretAsFloats();
      FloatVector w1 = ByteVector.fromArray(BYTES, q, at + LANES).convertShape(B2F, F, 0)
          .reinterpretAsFloats();
      FloatVector w2 = ByteVector.fromArray(BYTES, q, at + 2 * LANES).convertShape(B2F, F, 0)
          .reinterpretAsFloats();
      FloatVector w3 = ByteVector.fromArray(BYTES, q, at + 3 * LANES).convertShape(B2F, F, 0)
          .reinterpretAsFloats();
      FloatVector xs = FloatVector.broadcast(F, x[x0 + i]);
      acc00 = w0.fma(xs, acc00);
      acc01 = w1.fma(xs, acc01);
      acc02 = w2.fma(xs, acc02);
      acc03 = w3.fma(xs, acc03);
      xs = FloatVector.broadcast(F, x[x1 + i]);
      acc10 = w0.fma(xs, acc10);
      acc11 = w1.fma(xs, acc11);
      acc12 = w2.fma(xs, acc12);
      acc13 = w3.fma(xs, acc13);
      xs = FloatVector.broadcast(F, x[x2 + i]);
      acc20 = w0.fma(xs, acc20);
      acc21 = w1.fma(xs, acc21);
      acc22 = w2.fma(xs, acc22);
      acc23 = w3.fma(xs, acc23);
      xs = FloatVector.broadcast(F, x[x3 + i]);
      acc30 = w0.fma(xs, acc30);
      acc31 = w1.fma(xs, acc31);
      acc32 = w2.fma(xs, acc32);
      acc33 = w3.fma(xs, acc33);
    }
    FloatVector scale0 = FloatVector.fromArray(F, scales, c);
    FloatVector scale1 = FloatVector.fromArray(F, scales, c + LANES);
    FloatVector scale2 = FloatVector.fromArray(F, scales, c + 2 * LANES);
    FloatVector scale3 = FloatVector.fromArray(F, scales, c + 3 * LANES);
    int y0 = yOff + c;
    int y1 = y0 + cols;
    int y2 = y1 + cols;
    int y3 = y2 + cols;
    scale0.fma(acc00, FloatVector.fromArray(F, y, y0)).intoArray(y, y0);
    scale1.fma(acc01, FloatVector.fromArray(F, y, y0 + LANES)).intoArray(y, y0 + LANES);
    scale2.fma(acc02, FloatVector.fromArray(F, y, y0 + 2 * LANES)).intoArray(y, y0 + 2 * LANES);
    scale3.fma(acc03, FloatVector.fromArray(F, y, y0 + 3 * LANES)).intoArray(y, y0 + 3 * LANES);
    scale0.fma(acc10, FloatVector.fromArray(F, y, y1)).intoArray(y, y1);
    scale1.fma(acc11, FloatVector.fromArray(F, y, y1 + LANES)).intoArray(y, y1 + LANES);
    scale2.fma(acc12, FloatVector.fromArray(F, y, y1 + 2 * LANES)).intoArray(y, y1 + 2 * LANES);
    scale3.fma(acc13, FloatVector.fromArray(F, y, y1 + 3 * LANES)).intoArray(y, y1 + 3 * LANES);
    scale0.fma(acc20, FloatVector.fromArray(F, y, y2)).intoArray(y, y2);
    scale1.fma(acc21, FloatVector.fromArray(F, y, y2 + LANES)).intoArray(y, y2 + LANES);
    scale2.fma(acc22, FloatVector.fromArray(F, y, y2 + 2 * LANES)).intoArray(y, y2 + 2 * LANES);
    scale3.fma(acc23, FloatVector.fromArray(F, y, y2 + 3 * LANES)).intoArray(y, y2 + 3 * LANES);
    scale0.fma(acc30, FloatVector.fromArray(F, y, y3)).intoArray(y, y3);
    scale1.fma(acc31, FloatVector.fromArray(F, y, y3 + LANES)).intoArray(y, y3 + LANES);
    scale2.fma(acc32, FloatVector.fromArray(F, y, y3 + 2 * LANES)).intoArray(y, y3 + 2 * LANES);
    scale3.fma(acc33, FloatVector.fromArray(F, y, y3 + 3 * LANES)).intoArray(y, y3 + 3 * LANES);
  }

  @Override
  public void matTransVecPair(
      float[] a, int aOff, int aRows, float[] x, int xOff, float[] b, int bOff, int bRows,
      float[] u, int uOff, int cols, float[] y, int yOff) {
    addTransposedProducts(a, aOff, aRows, x, xOff, b, bOff, bRows, u, uOff, cols, y, yOff);
  }

  /**
   * {@code y += Aᵀ x + Bᵀ u} with y held in registers: y is cut into blocks of {@value
   * #COLUMN_BLOCK} vectors, and each block, loaded once, takes {@code x[i] · A[i, block]} for
   * every row of A, then {@code u[i] · B[i, block]} for every row of B, before it is stored once.
   * Each load of a weight feeds one FMA and y is not re-read per row; a column's sum is the chain
   * of FMAs over the rows in order, the same bits as the scalar {@code y += x[i] · A[i,:]}.
   */
  private void addTransposedProducts(
      float[] a, int aOff, int aRows, float[] x, int xOff, float[] b, int bOff, int bRows,
      float[] u, int uOff, int cols, float[] y, int yOff) {
    if ((long) (aRows + bRows) * cols > CACHED_FLOATS) {
      addRowTiles(a, aOff, aRows, cols, x, xOff, y, yOff);
      addRowTiles(b, bOff, bRows, cols, u, uOff, y, yOff);
      return;
    }
    int block = COLUMN_BLOCK * LANES;
    int c = 0;
    for (; c + block <= cols; c += block) {
      int at = yOff + c;
      FloatVector y0 = FloatVector.fromArray(F, y, at);
      FloatVector y1 = FloatVector.fromArray(F, y, at + LANES);
      FloatVector y2 = FloatVector.fromArray(F, y, at + 2 * LANES);
      FloatVector y3 = FloatVector.fromArray(F, y, at + 3 * LANES);
      FloatVector y4 = FloatVector.fromArray(F, y, at + 4 * LANES);
      FloatVector y5 = FloatVector.fromArray(F, y, at + 5 * LANES);
      FloatVector y6 = FloatVector.fromArray(F, y, at + 6 * LANES);
      FloatVector y7 = FloatVector.fromArray(F, y, at + 7 * LANES);
      for (int matrix = 0; matrix < 2; matrix++) { // A with x, then B with u
        float[] w = matrix == 0 ? a : b;
        float[] v = matrix == 0 ? x : u;
        int rows = matrix == 0 ? aRows : bRows;
        int vOff = matrix == 0 ? xOff : uOff;
        int row = (matrix == 0 ? aOff : bOff) + c;
        for (int i = 0; i < rows; i++, row += cols) {
          FloatVector s = FloatVector.broadcast(F, v[vOff + i]);
          y0 = FloatVector.fromArray(F, w, row).fma(s, y0);
          y1 = FloatVector.fromArray(F, w, row + LANES).fma(s, y1);
          y2 = FloatVector.fromArray(F, w, row + 2 * LANES).fma(s, y2);
          y3 = FloatVector.fromArray(F, w, row + 3 * LANES).fma(s, y3);
          y4 = FloatVector.fromArray(F, w, row + 4 * LANES).fma(s, y4);
          y5 = FloatVector.fromArray(F, w, row + 5 * LANES).fma(s, y5);
          y6 = FloatVector.fromArray(F, w, row + 6 * LANES).fma(s, y6);
          y7 = FloatVector.fromArray(F, w, row + 7 * LANES).fma(s, y7);
        }
      }
      y0.intoArray(y, at);
      y1.intoArray(y, at + LANES);
      y2.intoArray(y, at + 2 * LANES);
      y3.intoArray(y, at + 3 * LANES);
      y4.intoArray(y, at + 4 * LANES);
      y5.intoArray(y, at + 5 * LANES);
      y6.intoArray(y, at + 6 * LANES);
      y7.intoArray(y, at + 7 * LANES);
    }
    for (; c + LANES <= cols; c += LANES) {
      FloatVector acc = FloatVector.fromArray(F, y, yOff + c);
      for (int i = 0, row = aOff + c; i < aRows; i++, row += cols) {
        acc = FloatVector.fromArray(F, a, row).fma(FloatVector.broadcast(F, x[xOff + i]), acc);
      }
      for (int i = 0, row = bOff + c; i < bRows; i++, row += cols) {
        acc = FloatVector.fromArray(F, b, row).fma(FloatVector.broadcast(F, u[uOff + i]), acc);
      }
      acc.intoArray(y, yOff + c);
    }
    // The last columns, fewer than a vector: row by row, so A and B are read in memory order
    // (column by column, every row would be a cache line for a few floats); each column's chain
    // is still its rows in order.
    for (int i = 0, row = aOff; c < cols && i < aRows; i++, row += cols) {
      addScaledTail(a, row, x[xOff + i], y, yOff, c, cols);
    }
    for (int i = 0, row = bOff; c < cols && i < bRows; i++, row += cols) {
      addScaledTail(b, row, u[uOff + i], y, yOff, c, cols);
    }
  }

  /** {@code y[j] += s · w[row + j]} for the columns {@code from ≤ j < cols}, one FMA each. */
  private static void addScaledTail(float[] w, int row, float s, float[] y, int yOff, int from, int cols) {
    for (int j = from; j < cols; j++) {
      y[yOff + j] = Math.fma(w[row + j], s, y[yOff + j]);
    }
  }
  /**
   * {@code y += Aᵀ x} streaming A row by row, four rows at a time (each load and store of y
   * serves four rows): for matrices too large for the caches, where reading A in its memory order
   * beats holding y in registers. Same FMA chain per entry as {@link #addTransposedProducts}.
   */
  private void addRowTiles(
      float[] a, int aOff, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
    int bound = F.loopBound(cols);
    int i = 0;
    // Four rows at a time: each load and store of y serves four rows of A.
    for (; i + ROW_TILE <= rows; i += ROW_TILE) {
      int row0 = aOff + i * cols;
      int row1 = row0 + cols;
      int row2 = row1 + cols;
      int row3 = row2 + cols;
      float x0 = x[xOff + i];
      float x1 = x[xOff + i + 1];
      float x2 = x[xOff + i + 2];
      float x3 = x[xOff + i + 3];
      FloatVector xs0 = FloatVector.broadcast(F, x0);
      FloatVector xs1 = FloatVector.broadcast(F, x1);
      FloatVector xs2 = FloatVector.broadcast(F, x2);
      FloatVector xs3 = FloatVector.broadcast(F, x3);
      int j = 0;
      for (; j < bound; j += LANES) {
        FloatVector acc = FloatVector.fromArray(F, y, yOff + j);
        acc = FloatVector.fromArray(F, a, row0 + j).fma(xs0, acc);
        acc = FloatVector.fromArray(F, a, row1 + j).fma(xs1, acc);
        acc = FloatVector.fromArray(F, a, row2 + j).fma(xs2, acc);
        acc = FloatVector.fromArray(F, a, row3 + j).fma(xs3, acc);
        acc.intoArray(y, yOff + j);
      }
      for (; j < cols; j++) {
        float acc = y[yOff + j];
        acc = Math.fma(a[row0 + j], x0, acc);
        acc = Math.fma(a[row1 + j], x1, acc);
        acc = Math.fma(a[row2 + j], x2, acc);
        acc = Math.fma(a[row3 + j], x3, acc);
        y[yOff + j] = acc;
      }
    }
    for (; i < rows; i++) {
      axpy(x[xOff + i], a, aOff + i * cols, y, yOff, cols);
    }
  }

  @Override
  public void matMul(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
    // A(i, p) = a[aOff + i*k + p]
    VectorProducts.add(m, n, k, a, aOff, k, 1, b, bOff, c, cOff);
  }

  @Override
  public int panelsSize(int k, int n) {
    return VectorProducts.panelsSize(k, n);
  }

  @Override
  public void packPanels(float[] b, int bOff, int k, int n, float[] panels) {
    VectorProducts.pack(b, bOff, k, n, panels);
  }

  @Override
  public void matMulPanels(
      int m, int n, int k, float[] a, int aOff, float[] panels, float[] c, int cOff) {
    VectorProducts.addPanels(m, n, k, a, aOff, k, 1, panels, c, cOff);
  }

  @Override
  public void matMulTransA(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
    // A is stored k × m, so the (i, p) entry of Aᵀ is a[aOff + p*m + i]
    VectorProducts.add(m, n, k, a, aOff, 1, m, b, bOff, c, cOff);
  }

  @Override
  public void matMulTransB(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
    if (k < LANES) {
      SCALAR.matMulTransB(m, n, k, a, aOff, b, bOff, c, cOff);
      return;
    }
    // Row i of C is B · (row i of A), a matrix·vector per row, but with the loops swapped:
    // a tile of four rows of B (16·k bytes, in L1 up to k = 2048) serves every row of A before
    // the next tile is read, so B (the weights) streams through the caches once per call,
    // not once per row of A.
    int j = 0;
    for (; j + ROW_TILE <= n; j += ROW_TILE) {
      for (int i = 0; i < m; i++) {
        addFourDots(b, bOff + j * k, k, a, aOff + i * k, c, cOff + i * n + j);
      }
    }
    for (; j < n; j++) {
      for (int i = 0; i < m; i++) {
        c[cOff + i * n + j] += dot(b, bOff + j * k, a, aOff + i * k, k);
      }
    }
  }

  @Override
  public void activate(Nonlinearity f, float[] in, int inOff, float[] out, int outOff, int n) {
    if (n < LANES) {
      SCALAR.activate(f, in, inOff, out, outOff, n);
      return;
    }
    int bound = F.loopBound(n);
    // Each function's loop is a method of its own whose body calls only the Vector API; see
    // VectorMath for why no vector may cross a call of recur's own.
    int done = switch (f) {
      case TANH -> { // no scalar tail: Math.tanh costs as much per entry as a vector does
        VectorMath.tanh(in, inOff, out, outOff, n);
        yield n;
      }
      case SIGMOID -> {
        sigmoid(in, inOff, out, outOff, bound);
        yield bound;
      }
      case RELU -> {
        relu(in, inOff, out, outOff, bound);
        yield bound;
      }
    };
    SCALAR.activate(f, in, inOff + done, out, outOff + done, n - done);
  }

  /**
   * σ(v) = 1 / (1 + e^(-v)), in two passes over out (e^(-v), then the rest); saturates to exactly
   * 0 or 1 where e^(-v) over- or underflows.
   */
  private static void sigmoid(float[] in, int inOff, float[] out, int outOff, int bound) {
    VectorMath.exp(in, inOff, -1f, 0f, out, outOff, bound);
    FloatVector one = FloatVector.broadcast(F, 1f);
    for (int i = 0; i < bound; i += LANES) {
      one.div(FloatVector.fromArray(F, out, outOff + i).add(one)).intoArray(out, outOff + i);
    }
  }

  private static void relu(float[] in, int inOff, float[] out, int outOff, int bound) {
    FloatVector zero = FloatVector.zero(F);
    for (int i = 0; i < bound; i += LANES) {
      FloatVector.fromArray(F, in, inOff + i).max(zero).intoArray(out, outOff + i);
    }
  }

  @Override
  public void activationBackward(
      Nonlinearity f, float[] h, int hOff, float[] dh, int dhOff, float[] da, int daOff, int n) {
    if (n < LANES) {
      SCALAR.activationBackward(f, h, hOff, dh, dhOff, da, daOff, n);
      return;
    }
    int bound = F.loopBound(n);
    switch (f) {
      case TANH -> tanhBackward(h, hOff, dh, dhOff, da, daOff, bound);
      case SIGMOID -> sigmoidBackward(h, hOff, dh, dhOff, da, daOff, bound);
      case RELU -> reluBackward(h, hOff, dh, dhOff, da, daOff, bound);
    }
    SCALAR.activationBackward(
        f, h, hOff + bound, dh, dhOff + bound, da, daOff + bound, n - bound);
  }

  /** da = dh ⊙ (1 - h²), the square fused so it is not rounded before the subtraction. */
  private static void tanhBackward(
      float[] h, int hOff, float[] dh, int dhOff, float[] da, int daOff, int bound) {
    FloatVector one = FloatVector.broadcast(F, 1f);
    for (int i = 0; i < bound; i += LANES) {
      FloatVector out = FloatVector.fromArray(F, h, hOff + i);
      FloatVector.fromArray(F, dh, dhOff + i).mul(out.neg().fma(out, one)).intoArray(da, daOff + i);
    }
  }

  /** da = dh ⊙ h (1 - h). */
  private static void sigmoidBackward(
      float[] h, int hOff, float[] dh, int dhOff, float[] da, int daOff, int bound) {
    FloatVector one = FloatVector.broadcast(F, 1f);
    for (int i = 0; i < bound; i += LANES) {
      FloatVector out = FloatVector.fromArray(F, h, hOff + i);
      FloatVector.fromArray(F, dh, dhOff + i).mul(out.mul(one.sub(out))).intoArray(da, daOff + i);
    }
  }

  /** da = dh where h > 0, else 0. */
  private static void reluBackward(
      float[] h, int hOff, float[] dh, int dhOff, float[] da, int daOff, int bound) {
    FloatVector zero = FloatVector.zero(F);
    for (int i = 0; i < bound; i += LANES) {
      VectorMask<Float> inactive =
          FloatVector.fromArray(F, h, hOff + i).compare(VectorOperators.LE, zero);
      FloatVector.fromArray(F, dh, dhOff + i).blend(zero, inactive).intoArray(da, daOff + i);
    }
  }

  @Override
  public void softmax(float[] z, int zOff, float[] out, int outOff, int n) {
    if (n < LANES) {
      SCALAR.softmax(z, zOff, out, outOff, n);
      return;
    }
    float max = max(z, zOff, n);
    int bound = F.loopBound(n);
    float sum = VectorMath.exp(z, zOff, 1f, max, out, outOff, bound);
    for (int i = bound; i < n; i++) {
      float e = (float) Math.exp(z[zOff + i] - max);
      out[outOff + i] = e;
      sum += e;
    }
    scale(1f / sum, out, outOff, n);
  }

  @Override
  public void logSoftmax(float[] z, int zOff, float[] out, int outOff, int n) {
    if (n < LANES) {
      SCALAR.logSoftmax(z, zOff, out, outOff, n);
      return;
    }
    float max = max(z, zOff, n);
    int bound = F.loopBound(n);
    // out holds e^(z_i - max) until it is overwritten below
    float sum = VectorMath.exp(z, zOff, 1f, max, out, outOff, bound);
    for (int i = bound; i < n; i++) {
      sum += (float) Math.exp(z[zOff + i] - max);
    }
    float shift = max + (float) Math.log(sum);
    subtract(z, zOff, shift, out, outOff, bound);
    for (int i = bound; i < n; i++) {
      out[outOff + i] = z[zOff + i] - shift;
    }
  }

  /** {@code out_i = z_i - shift} for the first {@code bound} entries. */
  private static void subtract(float[] z, int zOff, float shift, float[] out, int outOff, int bound) {
    FloatVector shifts = FloatVector.broadcast(F, shift);
    for (int i = 0; i < bound; i += LANES) {
      FloatVector.fromArray(F, z, zOff + i).sub(shifts).intoArray(out, outOff + i);
    }
  }

  private static float max(float[] x, int off, int n) {
    int i = 0;
    int bound = F.loopBound(n);
    FloatVector maxes = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
    for (; i < bound; i += LANES) {
      maxes = maxes.max(FloatVector.fromArray(F, x, off + i));
    }
    float max = maxes.reduceLanes(MAX);
    for (; i < n; i++) {
      max = Math.max(max, x[off + i]);
    }
    return max;
  }
}
