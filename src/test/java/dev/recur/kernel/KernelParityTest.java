package dev.recur.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel of the selected implementation agrees with its scalar twin. Surefire runs this
 * class with {@code recur.vector} set to 128, 256 and 512 (and with the default and scalar
 * kernels in the full-suite runs), so each vector width is compared in turn.
 *
 * <p>Sums are accumulated in a different order by the two implementations, so each comparison of
 * a sum of n products allows {@code 2 n ε Σ|terms|} (ε = 2⁻²⁴, the float rounding unit): the
 * standard worst-case bound for two recursive summations of the same terms.
 */
class KernelParityTest {

  private static final double EPS = 0x1p-24;
  private static final int OFFSET = 3; // every array is used from a nonzero offset

  /** Y's offset beyond X's in the batch products, so that swapping the two cannot pass. */
  private static final int Y_SHIFT = 2;

  private final Kernels vector = KernelSelection.kernels();
  private final Kernels scalar = KernelSelection.scalar();

  static IntStream sizes() {
    return IntStream.of(1, 2, 7, 8, 9, 15, 16, 17, 31, 63, 64, 65, 127, 257, 1000);
  }

  /** Matrix shapes: rows × cols, covering row counts around the 4-row tile and odd column tails. */
  static Stream<Arguments> shapes() {
    int[] rows = {1, 3, 4, 5, 8, 9, 17, 63};
    return Arrays.stream(rows)
        .boxed()
        .flatMap(r -> sizes().filter(c -> c <= 257).mapToObj(c -> Arguments.of(r, c)));
  }

  /** Matrix products m × n × k, around the row tiles (4 and 8) and the column vectors. */
  static Stream<Arguments> products() {
    return Stream.of(
        Arguments.of(1, 1, 1),
        Arguments.of(1, 17, 7),
        Arguments.of(4, 16, 8),
        Arguments.of(5, 9, 3),
        Arguments.of(7, 63, 65),
        Arguments.of(8, 64, 64),
        Arguments.of(9, 65, 31),
        Arguments.of(13, 127, 2),
        Arguments.of(32, 257, 17),
        Arguments.of(63, 15, 100),
        // around the 8-row tile: 8-, 4- and 1-row tiles in one call, pairs of vectors and edges
        Arguments.of(13, 97, 40),
        Arguments.of(16, 64, 1),
        Arguments.of(23, 33, 129),
        Arguments.of(32, 207, 207),
        // sums longer than one depth block of the tiles (256 terms): 3 blocks, the last partial
        Arguments.of(12, 40, 530),
        // from 64 rows on, B's strips are copied first: whole tiles only, rows and columns past
        // them, sums of one and of two depth blocks
        Arguments.of(64, 32, 300),
        Arguments.of(70, 207, 40),
        Arguments.of(131, 75, 257),
        // Aᵀ·B's copied tiles of A in stripes of 16 rows: 5 whole, one of 8, 3 rows past them
        Arguments.of(91, 40, 270));
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void dotAndNorms(int n) {
    SplittableRandom random = new SplittableRandom(n);
    float[] a = random(random, n);
    float[] b = random(random, n);
    double bound = sumBound(n, absDot(a, b));
    assertClose(scalar.dot(a, OFFSET, b, OFFSET, n), vector.dot(a, OFFSET, b, OFFSET, n), bound);
    assertClose(
        scalar.sumOfSquares(a, OFFSET, n),
        vector.sumOfSquares(a, OFFSET, n),
        sumBound(n, absDot(a, a)));
    assertEquals(scalar.maxAbs(a, OFFSET, n), vector.maxAbs(a, OFFSET, n));
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void elementwise(int n) {
    SplittableRandom random = new SplittableRandom(n);
    float[] x = random(random, n);
    float[] y = random(random, n);

    float[] yScalar = y.clone();
    float[] yVector = y.clone();
    scalar.axpy(0.37f, x, OFFSET, yScalar, OFFSET, n);
    vector.axpy(0.37f, x, OFFSET, yVector, OFFSET, n);
    assertArrayEquals(yScalar, yVector); // one fma per entry in both: bit-identical

    scalar.scale(-1.7f, yScalar, OFFSET, n);
    vector.scale(-1.7f, yVector, OFFSET, n);
    assertArrayEquals(yScalar, yVector);

    scalar.clamp(yScalar, OFFSET, n, 0.5f);
    vector.clamp(yVector, OFFSET, n, 0.5f);
    assertArrayEquals(yScalar, yVector);
  }

  /** {@link #shapes()}, and two past the vector kernel's cached size (it then streams by rows). */
  static Stream<Arguments> bf16Shapes() {
    return Stream.concat(shapes(), Stream.of(Arguments.of(1030, 520), Arguments.of(1031, 517)));
  }

  /**
   * bf16 weights: the vector kernel gives exactly the scalar twin's bits (the same FMA chain per
   * entry), including odd row counts (a pair with no lower row) and column tails; and the
   * product is the one of the bf16 values, checked against a double sum of the widened weights.
   */
  @ParameterizedTest
  @MethodSource("bf16Shapes")
  void bf16TransposedProductGivesTheScalarBits(int rows, int cols) {
    SplittableRandom random = new SplittableRandom(rows * 7919L + cols);
    float[] a = random(random, rows * cols);
    int[] pairs = new int[Bf16.packedSize(rows, cols)];
    Bf16.packRowPairs(a, OFFSET, rows, cols, pairs);
    float[] x = random(random, rows);
    float[] y = random(random, cols);
    float[] yScalar = y.clone();
    float[] yVector = y.clone();
    scalar.matTransVecBf16(pairs, rows, cols, x, OFFSET, yScalar, OFFSET);
    vector.matTransVecBf16(pairs, rows, cols, x, OFFSET, yVector, OFFSET);
    assertEquals(Arrays.toString(yScalar), Arrays.toString(yVector), rows + " × " + cols);
    for (int j = 0; j < cols; j++) {
      double exact = y[OFFSET + j];
      double magnitude = Math.abs(exact);
      for (int i = 0; i < rows; i++) {
        double w = Bf16.toFloat(Bf16.fromFloat(a[OFFSET + i * cols + j]));
        exact += w * x[OFFSET + i];
        magnitude += Math.abs(w * x[OFFSET + i]);
      }
      assertClose(exact, yScalar[OFFSET + j], sumBound(rows + 1, magnitude));
    }
  }

  /** A token's row of a bf16 matrix: the scalar twin's bits, and exactly y + the widened value. */
  @ParameterizedTest
  @MethodSource("shapes")
  void bf16RowAddGivesTheScalarBits(int rows, int cols) {
    SplittableRandom random = new SplittableRandom(rows * 31L + cols);
    float[] a = random(random, rows * cols);
    int[] pairs = new int[Bf16.packedSize(rows, cols)];
    Bf16.packRowPairs(a, OFFSET, rows, cols, pairs);
    for (int row : new int[] {0, rows - 1, rows / 2}) {
      float[] y = random(random, cols);
      float[] yScalar = y.clone();
      float[] yVector = y.clone();
      scalar.addBf16Row(pairs, row, cols, yScalar, OFFSET);
      vector.addBf16Row(pairs, row, cols, yVector, OFFSET);
      assertEquals(Arrays.toString(yScalar), Arrays.toString(yVector), "row " + row);
      for (int j = 0; j < cols; j++) {
        float w = Bf16.toFloat(Bf16.fromFloat(a[OFFSET + row * cols + j]));
        assertEquals(y[OFFSET + j] + w, yScalar[OFFSET + j]);
      }
    }
  }

  /**
   * Batch products, m rows of X by A ({@code rows × cols}): row counts around the 4-row tiles,
   * column counts around the 4-vector strips of every species (16, 32 and 64 columns) with and
   * without tails, at the int8 strips' byte bound, odd and even weight rows (one row: a pair with
   * no lower row), and one A past the cached size.
   */
  static Stream<Arguments> batchShapes() {
    int[][] weights = {{1, 1}, {1, 64}, {3, 17}, {3, 20}, {8, 33}, {9, 64}, {17, 65}, {2, 40},
        {4, 128}, {63, 257}, {64, 100}};
    return Stream.concat(
        IntStream.of(1, 3, 4, 5, 8, 11).boxed().flatMap(m -> Arrays.stream(weights)
            .map(w -> Arguments.of(m, w[0], w[1]))),
        Stream.of(Arguments.of(6, 1031, 517)));
  }

  /**
   * A batch through bf16 weights: every row gets exactly the bits of the scalar twin's
   * matrix-vector product of that row alone, so a stream's step does not depend on its batch.
   */
  @ParameterizedTest
  @MethodSource("batchShapes")
  void bf16BatchProductGivesEachRowItsOwnBits(int m, int rows, int cols) {
    SplittableRandom random = new SplittableRandom(m * 104729L + rows * 7919L + cols);
    float[] a = random(random, rows * cols);
    int[] pairs = new int[Bf16.packedSize(rows, cols)];
    Bf16.packRowPairs(a, OFFSET, rows, cols, pairs);
    float[] x = random(random, m * rows);
    float[] y = random(random, m * cols + Y_SHIFT);
    float[] yRows = y.clone();
    float[] yBatch = y.clone();
    int yOff = OFFSET + Y_SHIFT;
    for (int r = 0; r < m; r++) {
      scalar.matTransVecBf16(pairs, rows, cols, x, OFFSET + r * rows, yRows, yOff + r * cols);
    }
    vector.matMulBf16(m, pairs, rows, cols, x, OFFSET, yBatch, yOff);
    assertEquals(Arrays.toString(yRows), Arrays.toString(yBatch),
        m + " × " + rows + " × " + cols);
  }

  /** {@link #bf16BatchProductGivesEachRowItsOwnBits} for int8 weights. */
  @ParameterizedTest
  @MethodSource("batchShapes")
  void int8BatchProductGivesEachRowItsOwnBits(int m, int rows, int cols) {
    SplittableRandom random = new SplittableRandom(m * 15485863L + rows * 6271L + cols);
    float[] a = random(random, rows * cols);
    byte[] q = new byte[rows * cols];
    float[] scales = new float[cols];
    Int8.quantizeColumns(a, OFFSET, rows, cols, q, scales);
    float[] x = random(random, m * rows);
    float[] y = random(random, m * cols + Y_SHIFT);
    float[] yRows = y.clone();
    float[] yBatch = y.clone();
    int yOff = OFFSET + Y_SHIFT;
    for (int r = 0; r < m; r++) {
      scalar.matTransVecInt8(q, scales, rows, cols, x, OFFSET + r * rows, yRows, yOff + r * cols);
    }
    vector.matMulInt8(m, q, scales, rows, cols, x, OFFSET, yBatch, yOff);
    assertEquals(Arrays.toString(yRows), Arrays.toString(yBatch),
        m + " × " + rows + " × " + cols);
  }

  /**
   * int8 weights: the vector kernel gives exactly the scalar twin's bits (the same FMA chain per
   * entry, then the scale), including column tails and the shapes past the bf16 kernel's cached
   * size; and the product is {@code y + s_j Σ_i q_ij x_i}, checked against a double sum.
   */
  @ParameterizedTest
  @MethodSource("bf16Shapes")
  void int8TransposedProductGivesTheScalarBits(int rows, int cols) {
    SplittableRandom random = new SplittableRandom(rows * 6271L + cols);
    float[] a = random(random, rows * cols);
    byte[] q = new byte[rows * cols];
    float[] scales = new float[cols];
    Int8.quantizeColumns(a, OFFSET, rows, cols, q, scales);
    float[] x = random(random, rows);
    float[] y = random(random, cols);
    float[] yScalar = y.clone();
    float[] yVector = y.clone();
    scalar.matTransVecInt8(q, scales, rows, cols, x, OFFSET, yScalar, OFFSET);
    vector.matTransVecInt8(q, scales, rows, cols, x, OFFSET, yVector, OFFSET);
    assertEquals(Arrays.toString(yScalar), Arrays.toString(yVector), rows + " × " + cols);
    for (int j = 0; j < cols; j++) {
      double sum = 0;
      double magnitude = 0;
      for (int i = 0; i < rows; i++) {
        sum += q[i * cols + j] * (double) x[OFFSET + i];
        magnitude += Math.abs(q[i * cols + j] * (double) x[OFFSET + i]);
      }
      double exact = y[OFFSET + j] + scales[j] * sum;
      double bound = sumBound(rows + 1, scales[j] * magnitude + Math.abs(y[OFFSET + j]));
      assertClose(exact, yScalar[OFFSET + j], bound);
    }
  }

  /** A token's row of an int8 matrix: the scalar twin's bits, and exactly fma(s_j, q, y). */
  @ParameterizedTest
  @MethodSource("shapes")
  void int8RowAddGivesTheScalarBits(int rows, int cols) {
    SplittableRandom random = new SplittableRandom(rows * 37L + cols);
    float[] a = random(random, rows * cols);
    byte[] q = new byte[rows * cols];
    float[] scales = new float[cols];
    Int8.quantizeColumns(a, OFFSET, rows, cols, q, scales);
    for (int row : new int[] {0, rows - 1, rows / 2}) {
      float[] y = random(random, cols);
      float[] yScalar = y.clone();
      float[] yVector = y.clone();
      scalar.addInt8Row(q, scales, row, cols, yScalar, OFFSET);
      vector.addInt8Row(q, scales, row, cols, yVector, OFFSET);
      assertEquals(Arrays.toString(yScalar), Arrays.toString(yVector), "row " + row);
      for (int j = 0; j < cols; j++) {
        double exact = y[OFFSET + j] + (double) scales[j] * q[row * cols + j];
        assertEquals((float) exact, yScalar[OFFSET + j], "one rounding of y + s·q");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void matVecAndTranspose(int rows, int cols) {
    SplittableRandom random = new SplittableRandom(rows * 1000L + cols);
    float[] a = random(random, rows * cols);
    float[] x = random(random, cols);
    float[] y = random(random, rows);
    float[] yScalar = y.clone();
    float[] yVector = y.clone();
    scalar.matVec(a, OFFSET, rows, cols, x, OFFSET, yScalar, OFFSET);
    vector.matVec(a, OFFSET, rows, cols, x, OFFSET, yVector, OFFSET);
    for (int i = 0; i < rows; i++) {
      double magnitude = Math.abs(y[OFFSET + i]);
      for (int j = 0; j < cols; j++) {
        magnitude += Math.abs(a[OFFSET + i * cols + j] * x[OFFSET + j]);
      }
      assertClose(yScalar[OFFSET + i], yVector[OFFSET + i], sumBound(cols + 1, magnitude));
    }

    float[] xt = random(random, rows);
    float[] z = random(random, cols);
    float[] zScalar = z.clone();
    float[] zVector = z.clone();
    scalar.matTransVec(a, OFFSET, rows, cols, xt, OFFSET, zScalar, OFFSET);
    vector.matTransVec(a, OFFSET, rows, cols, xt, OFFSET, zVector, OFFSET);
    for (int j = 0; j < cols; j++) {
      double magnitude = Math.abs(z[OFFSET + j]);
      for (int i = 0; i < rows; i++) {
        magnitude += Math.abs(a[OFFSET + i * cols + j] * xt[OFFSET + i]);
      }
      assertClose(zScalar[OFFSET + j], zVector[OFFSET + j], sumBound(rows + 1, magnitude));
    }
  }

  /**
   * The fused pair product of a batch-1 step must give every entry exactly the bits of the two
   * products one after the other, in both implementations (and so scalar and vector agree to
   * the bit: each column is the same chain of fused multiply-adds).
   */
  /** {@link #shapes()} and one past the size where the vector kernel streams rows instead. */
  static Stream<Arguments> shapesAndALargeOne() {
    return Stream.concat(shapes(), Stream.of(Arguments.of(520, 513)));
  }

  @ParameterizedTest
  @MethodSource("shapesAndALargeOne")
  void transposedPairIsTwoProductsBitForBit(int rows, int cols) {
    SplittableRandom random = new SplittableRandom(rows * 7919L + cols);
    int otherRows = rows / 2 + 1;
    float[] a = random(random, rows * cols);
    float[] b = random(random, otherRows * cols);
    float[] x = random(random, rows);
    float[] u = random(random, otherRows);
    float[] y = random(random, cols);
    float[] twoCalls = y.clone();
    scalar.matTransVec(a, OFFSET, rows, cols, x, OFFSET, twoCalls, OFFSET);
    scalar.matTransVec(b, OFFSET, otherRows, cols, u, OFFSET, twoCalls, OFFSET);
    for (Kernels kernels : new Kernels[] {scalar, vector}) {
      float[] fused = y.clone();
      kernels.matTransVecPair(a, OFFSET, rows, x, OFFSET, b, OFFSET, otherRows, u, OFFSET, cols,
          fused, OFFSET);
      org.junit.jupiter.api.Assertions.assertArrayEquals(twoCalls, fused, kernels.description());
      float[] single = y.clone();
      kernels.matTransVec(a, OFFSET, rows, cols, x, OFFSET, single, OFFSET);
      kernels.matTransVec(b, OFFSET, otherRows, cols, u, OFFSET, single, OFFSET);
      org.junit.jupiter.api.Assertions.assertArrayEquals(twoCalls, single, kernels.description());
    }
  }

  @ParameterizedTest
  @MethodSource("products")
  void matrixProducts(int m, int n, int k) {
    SplittableRandom random = new SplittableRandom(m * 10_000L + n * 100L + k);
    float[] c = random(random, m * n);

    // C += A B with A m×k, B k×n
    float[] a = random(random, m * k);
    float[] b = random(random, k * n);
    compareProduct(c, m, n, k, (i, p) -> a[OFFSET + i * k + p], (p, j) -> b[OFFSET + p * n + j],
        kernels -> (cc) -> kernels.matMul(m, n, k, a, OFFSET, b, OFFSET, cc, OFFSET));
    sameBits(c, kernels -> (cc) -> kernels.matMul(m, n, k, a, OFFSET, b, OFFSET, cc, OFFSET));
    // and with B laid out once in each implementation's panels: the in-place product's bits
    float[] inPlace = c.clone();
    scalar.matMul(m, n, k, a, OFFSET, b, OFFSET, inPlace, OFFSET);
    for (Kernels kernels : new Kernels[] {scalar, vector}) {
      float[] panels = new float[kernels.panelsSize(k, n)];
      kernels.packPanels(b, OFFSET, k, n, panels);
      float[] fromPanels = c.clone();
      kernels.matMulPanels(m, n, k, a, OFFSET, panels, fromPanels, OFFSET);
      org.junit.jupiter.api.Assertions.assertArrayEquals(inPlace, fromPanels, kernels.description());
    }

    // C += A Bᵀ with A m×k, B n×k
    float[] bt = random(random, n * k);
    compareProduct(c, m, n, k, (i, p) -> a[OFFSET + i * k + p], (p, j) -> bt[OFFSET + j * k + p],
        kernels -> (cc) -> kernels.matMulTransB(m, n, k, a, OFFSET, bt, OFFSET, cc, OFFSET));

    // C += Aᵀ B with A k×m, B k×n
    float[] at = random(random, k * m);
    compareProduct(c, m, n, k, (i, p) -> at[OFFSET + p * m + i], (p, j) -> b[OFFSET + p * n + j],
        kernels -> (cc) -> kernels.matMulTransA(m, n, k, at, OFFSET, b, OFFSET, cc, OFFSET));
    sameBits(c, kernels -> (cc) -> kernels.matMulTransA(m, n, k, at, OFFSET, b, OFFSET, cc, OFFSET));
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void activationsAndDerivatives(int n) {
    SplittableRandom random = new SplittableRandom(n);
    float[] in = random(random, n);
    for (int i = 0; i < in.length; i++) {
      in[i] *= 12f; // reach the saturated ranges of tanh and sigmoid
    }
    float[] dh = random(random, n);
    for (Nonlinearity f : Nonlinearity.values()) {
      float[] hScalar = new float[n + OFFSET];
      float[] hVector = new float[n + OFFSET];
      scalar.activate(f, in, OFFSET, hScalar, OFFSET, n);
      vector.activate(f, in, OFFSET, hVector, OFFSET, n);
      for (int i = OFFSET; i < n + OFFSET; i++) {
        // libm-quality transcendental functions differ by a few ulps, never more
        assertClose(hScalar[i], hVector[i], 4 * Math.ulp(Math.abs(hScalar[i])) + Float.MIN_NORMAL);
      }
      float[] daScalar = new float[n + OFFSET];
      float[] daVector = new float[n + OFFSET];
      scalar.activationBackward(f, hScalar, OFFSET, dh, OFFSET, daScalar, OFFSET, n);
      vector.activationBackward(f, hScalar, OFFSET, dh, OFFSET, daVector, OFFSET, n);
      for (int i = OFFSET; i < n + OFFSET; i++) {
        assertClose(daScalar[i], daVector[i], 2 * Math.ulp(Math.abs(daScalar[i])), f + " at " + i);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void activationsInPlaceGiveTheBitsOfOutOfPlace(int n) {
    SplittableRandom random = new SplittableRandom(n);
    float[] in = random(random, n);
    for (int i = 0; i < in.length; i++) {
      in[i] *= 3f;
    }
    for (Nonlinearity f : Nonlinearity.values()) {
      float[] apart = new float[n + OFFSET];
      vector.activate(f, in, OFFSET, apart, OFFSET, n);
      float[] inPlace = in.clone();
      vector.activate(f, inPlace, OFFSET, inPlace, OFFSET, n);
      for (int i = OFFSET; i < n + OFFSET; i++) {
        assertEquals(Float.floatToIntBits(apart[i]), Float.floatToIntBits(inPlace[i]),
            f + " at " + i + " of " + n);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void softmaxAndLogSoftmax(int n) {
    SplittableRandom random = new SplittableRandom(n);
    float[] z = random(random, n);
    for (int i = 0; i < z.length; i++) {
      z[i] = z[i] * 30f + 50f; // large logits: an unstable softmax would overflow
    }
    float[] pScalar = new float[n + OFFSET];
    float[] pVector = new float[n + OFFSET];
    scalar.softmax(z, OFFSET, pScalar, OFFSET, n);
    vector.softmax(z, OFFSET, pVector, OFFSET, n);
    float[] lScalar = new float[n + OFFSET];
    float[] lVector = new float[n + OFFSET];
    scalar.logSoftmax(z, OFFSET, lScalar, OFFSET, n);
    vector.logSoftmax(z, OFFSET, lVector, OFFSET, n);
    double total = 0;
    for (int i = OFFSET; i < n + OFFSET; i++) {
      // each output is one exp (a few ulps) divided by a sum of n exps (the summation bound)
      assertClose(pScalar[i], pVector[i], (2 * n + 8) * EPS * pScalar[i] + Float.MIN_NORMAL);
      assertClose(lScalar[i], lVector[i], (2 * n + 8) * EPS * (1 + Math.abs(lScalar[i])));
      total += pVector[i];
    }
    assertEquals(1.0, total, (n + 4) * EPS, "softmax sums to one");
  }

  // ---------------------------------------------------------------------------------------------

  @FunctionalInterface
  interface Entry {
    float at(int row, int col);
  }

  @FunctionalInterface
  interface Product {
    java.util.function.Consumer<float[]> on(Kernels kernels);
  }

  /** Runs one product on both implementations from the same C and compares entry by entry. */
  private void compareProduct(float[] c, int m, int n, int k, Entry a, Entry b, Product product) {
    float[] cScalar = c.clone();
    float[] cVector = c.clone();
    product.on(scalar).accept(cScalar);
    product.on(vector).accept(cVector);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double magnitude = Math.abs(c[OFFSET + i * n + j]);
        for (int p = 0; p < k; p++) {
          magnitude += Math.abs(a.at(i, p) * b.at(p, j));
        }
        int at = OFFSET + i * n + j;
        assertClose(cScalar[at], cVector[at], sumBound(k + 1, magnitude), "C(" + i + "," + j + ")");
      }
    }
  }

  /**
   * For the products whose every entry is one FMA chain over p in order (A B and Aᵀ B), whatever
   * the register tile: the vector kernels give exactly the scalar twin's bits.
   */
  private void sameBits(float[] c, Product product) {
    float[] cScalar = c.clone();
    float[] cVector = c.clone();
    product.on(scalar).accept(cScalar);
    product.on(vector).accept(cVector);
    org.junit.jupiter.api.Assertions.assertArrayEquals(cScalar, cVector, vector.description());
  }

  /** Random entries in [-1, 1), with OFFSET entries of padding in front. */
  private static float[] random(SplittableRandom random, int n) {
    float[] values = new float[n + OFFSET];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextDouble(-1, 1);
    }
    return values;
  }

  private static double absDot(float[] a, float[] b) {
    double sum = 0;
    for (int i = OFFSET; i < a.length; i++) {
      sum += Math.abs((double) a[i] * b[i]);
    }
    return sum;
  }

  /** Worst-case difference of two orders of summing n terms whose absolute values sum to s. */
  private static double sumBound(int n, double s) {
    return 2 * n * EPS * s + Float.MIN_NORMAL;
  }

  private static void assertClose(double expected, double actual, double tolerance) {
    assertClose(expected, actual, tolerance, "");
  }

  private static void assertClose(double expected, double actual, double tolerance, String what) {
    assertTrue(
        Math.abs(expected - actual) <= tolerance,
        () -> what + " scalar " + expected + " vector " + actual + " differ by "
            + Math.abs(expected - actual) + " > " + tolerance);
  }

  private static void assertArrayEquals(float[] expected, float[] actual) {
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
  }
}
