package dev.recur.kernel;


/**
 * The primitive operations of an Elman RNN's forward pass and BPTT, on flat {@code float[]}
 * arrays.
 *
 * <p>Layout: a matrix with {@code rows × cols} entries starting at offset {@code off} is stored
 * row-major, entry {@code (i, j)} at {@code off + i*cols + j}. Vectors are {@code n} contiguous
 * entries from an offset. Every "add" operation accumulates into its output ({@code +=}); the
 * caller zeroes the output first when it wants a plain product.
 *
 * <p>Arguments marked <i>modified</i> are written; all others are only read. Outputs must not
 * overlap inputs. Implementations check nothing beyond the JVM's own bounds checks: they run
 * inside the per-timestep loops, and their callers validate shapes once, before those loops.
 *
 * <p>Two implementations exist: {@link ScalarKernels} (plain Java, the reference) and a Vector
 * API one; {@link KernelSelection#kernels()} picks one at start-up.
 */
public interface Kernels {

  /** A short description: implementation, vector species and bit size, FMA. */
  String description();

  /** Returns {@code Σ_i a[i] b[i]} over {@code n} entries. */
  float dot(float[] a, int aOff, float[] b, int bOff, int n);

  /** {@code y += alpha · x}. {@code y} modified. */
  void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

  /** {@code x *= alpha}. {@code x} modified. */
  void scale(float alpha, float[] x, int xOff, int n);

  /** Returns {@code Σ x[i]²} (the squared L2 norm). */
  float sumOfSquares(float[] x, int xOff, int n);

  /** Returns {@code max |x[i]|} (the L∞ norm); 0 for {@code n = 0}. */
  float maxAbs(float[] x, int xOff, int n);

  /** Clips each entry to {@code [-limit, limit]}. {@code x} modified. */
  void clamp(float[] x, int xOff, int n, float limit);

  /** {@code y += A x}, A {@code rows × cols}, x of {@code cols}, y of {@code rows}. y modified. */
  void matVec(float[] a, int aOff, int rows, int cols, float[] x, int xOff, float[] y, int yOff);

  /**
   * {@code y += Aᵀ x}, A {@code rows × cols}, x of {@code rows}, y of {@code cols}. y modified.
   * Computed row-wise as {@code y += x[i] · A[i,:]}, so no transposed copy of A is needed.
   */
  void matTransVec(
      float[] a, int aOff, int rows, int cols, float[] x, int xOff, float[] y, int yOff);

  /**
   * {@code y += Aᵀ x} for A ({@code rows × cols}) held in bf16 as row pairs ({@link
   * Bf16#packRowPairs}, {@link Bf16#packedSize} ints): the product of {@link #matTransVec} at
   * half the bytes read. Each y entry is the chain of fused multiply-adds over the rows in order,
   * so every implementation gives the same bits.
   */
  void matTransVecBf16(int[] pairs, int rows, int cols, float[] x, int xOff, float[] y, int yOff);

  /**
   * {@code Y += X A} for {@code m} rows of X ({@code m × rows}, row r from {@code xOff + r·rows})
   * and A in bf16 row pairs as for {@link #matTransVecBf16}: row r of Y ({@code cols} wide from
   * {@code yOff + r·cols}) gets exactly the bits {@link #matTransVecBf16} gives that row alone,
   * so a stream's step does not depend on the batch it is stepped in.
   */
  default void matMulBf16(
      int m, int[] pairs, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
    for (int r = 0; r < m; r++) {
      matTransVecBf16(pairs, rows, cols, x, xOff + r * rows, y, yOff + r * cols);
    }
  }

  /**
   * {@code y += A[row, :]} for A held in bf16 as row pairs ({@link Bf16#packRowPairs}, {@code
   * cols} columns): a token's column of a weight matrix, as {@link #axpy} with 1 adds it.
   */
  void addBf16Row(int[] pairs, int row, int cols, float[] y, int yOff);

  /**
   * {@code y[j] += scales[j] · Σ_i q[i·cols + j] x[i]} for A ({@code rows × cols}) held in int8
   * with one scale per column ({@link Int8#quantizeColumns}): a quarter of {@link #matTransVec}'s
   * bytes. Each y entry is the chain of fused multiply-adds {@code acc = fma(q, x_i, acc)} over the
   * rows in order from 0, then {@code y = fma(scale, acc, y)}, so every implementation gives the
   * same bits.
   */
  void matTransVecInt8(
      byte[] q, float[] scales, int rows, int cols, float[] x, int xOff, float[] y, int yOff);

  /**
   * {@code Y += X A} for {@code m} rows of X ({@code m × rows}) and A in int8 as for {@link
   * #matTransVecInt8}: row r of Y gets exactly the bits {@link #matTransVecInt8} gives that row
   * alone (rows laid out as in {@link #matMulBf16}).
   */
  default void matMulInt8(int m, byte[] q, float[] scales, int rows, int cols, float[] x,
      int xOff, float[] y, int yOff) {
    for (int r = 0; r < m; r++) {
      matTransVecInt8(q, scales, rows, cols, x, xOff + r * rows, y, yOff + r * cols);
    }
  }

  /**
   * {@code y[j] = fma(scales[j], q[row·cols + j], y[j])}: a token's column of an int8 weight
   * matrix ({@link Int8#quantizeColumns}), the int8 twin of {@link #addBf16Row}.
   */
  void addInt8Row(byte[] q, float[] scales, int row, int cols, float[] y, int yOff);

  /**
   * {@code y += Aᵀ x + Bᵀ u}, A {@code aRows × cols} and B {@code bRows × cols}: the two
   * products of one batch-1 recurrent step ({@code W_xᵀ x_t} and {@code W_hᵀ h_{t-1}}) in one
   * pass over y. Every y entry gets exactly the bits of {@link #matTransVec} with A, then with
   * B: the same fused multiply-adds in the same order (A's rows, then B's).
   */
  default void matTransVecPair(
      float[] a, int aOff, int aRows, float[] x, int xOff, float[] b, int bOff, int bRows,
      float[] u, int uOff, int cols, float[] y, int yOff) {
    matTransVec(a, aOff, aRows, cols, x, xOff, y, yOff);
    matTransVec(b, bOff, bRows, cols, u, uOff, y, yOff);
  }

  /** {@code C += A B}: A {@code m × k}, B {@code k × n}, C {@code m × n}. C modified. */
  void matMul(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff);

  /**
   * Floats that {@link #packPanels} writes for B ({@code k × n}): at least {@code k·n}.
   */
  default int panelsSize(int k, int n) {
    return k * n;
  }

  /**
   * B ({@code k × n}, row-major from {@code bOff}) laid out for {@link #matMulPanels} into {@code
   * panels} ({@link #panelsSize} floats): this implementation's layout, for a matrix that serves
   * many products (a layer's weights).
   */
  default void packPanels(float[] b, int bOff, int k, int n, float[] panels) {
    System.arraycopy(b, bOff, panels, 0, k * n);
  }

  /**
   * {@link #matMul} with B as {@link #packPanels} laid it out: {@code C += A B}, the same bits.
   */
  default void matMulPanels(
      int m, int n, int k, float[] a, int aOff, float[] panels, float[] c, int cOff) {
    matMul(m, n, k, a, aOff, panels, 0, c, cOff);
  }

  /** {@code C += A Bᵀ}: A {@code m × k}, B {@code n × k}, C {@code m × n}. C modified. */
  void matMulTransB(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff);

  /** {@code C += Aᵀ B}: A {@code k × m}, B {@code k × n}, C {@code m × n}. C modified. */
  void matMulTransA(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff);

  /** {@code out[i] = f(in[i])}. out modified; may be the same range as in. */
  void activate(Nonlinearity f, float[] in, int inOff, float[] out, int outOff, int n);

  /**
   * {@link #activate} on each of {@code rows} rows of {@code width} entries separately, so that a
   * row's result never depends on how many rows sit beside it (where a vector loop's scalar tail
   * falls): a batch row gets exactly the bits of the same row alone.
   */
  default void activateRows(
      Nonlinearity f, float[] in, int inOff, float[] out, int outOff, int rows, int width) {
    for (int r = 0; r < rows; r++) {
      activate(f, in, inOff + r * width, out, outOff + r * width, width);
    }
  }

  /**
   * {@code da[i] = dh[i] · f'(a[i])}, with the derivative taken from the output {@code h = f(a)}
   * (see {@link Nonlinearity}). da modified; may be the same range as dh.
   */
  void activationBackward(
      Nonlinearity f, float[] h, int hOff, float[] dh, int dhOff, float[] da, int daOff, int n);

  /** {@code out = softmax(z)}, computed stably (the maximum subtracted first). out modified. */
  void softmax(float[] z, int zOff, float[] out, int outOff, int n);

  /** {@code out = log softmax(z) = z - max - log Σ exp(z - max)}. out modified. */
  void logSoftmax(float[] z, int zOff, float[] out, int outOff, int n);
}
