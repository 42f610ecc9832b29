package dev.recur.layer;

import dev.recur.Precision;
import dev.recur.Transpose;
import dev.recur.kernel.Bf16;
import dev.recur.kernel.Int8;
import dev.recur.kernel.Kernels;

/**
 * A weight matrix W ({@code n × k}) kept as {@code Wᵀ} ({@code k × n}, row {@code i} of {@code Wᵀ}
 * is what input {@code i} adds to the n outputs), in one {@link Precision}: the one place a layer
 * or a head learns how its weights are stored, bound to the {@link Kernels} that lay it out and
 * run its products. Every product runs the single-row kernel's chain per entry, so a row gives
 * the same bits alone (a stream) or among others (a batch).
 */
sealed interface TransposedMatrix {

  /**
   * An empty {@code k × n} matrix (of W {@code n × k}) in {@code precision}, for {@code kernels};
   * fill with {@link #set}.
   */
  static TransposedMatrix of(Precision precision, Kernels kernels, int k, int n) {
    return switch (precision) {
      case FP32 -> new Fp32(kernels, k, n);
      case BF16 -> new Bf16Pairs(kernels, k, n);
      case INT8 -> new Int8Columns(kernels, k, n);
    };
  }

  /**
   * Derives {@code Wᵀ} from {@code w} (W, {@code n × k} row-major), rounded or quantised to this
   * precision. Allocates nothing in float (a training layer derives at every update); the others
   * derive once, when a model is frozen.
   */
  void set(float[] w);

  /** {@code out_r += x_r · Wᵀ} for {@code rows} rows of k inputs from {@code xOff}, n outputs each. */
  void addProducts(int rows, float[] x, int xOff, float[] out, int outOff);

  /** {@code out += Wᵀ[row, :]}: column {@code row} of W (a token's column). */
  void addRow(int row, float[] out, int outOff);

  /** W ({@code n × k}) as the values held stand for (widened, or scaled back), into {@code w}. */
  void copyTo(float[] w);

  /**
   * float32: one row reads {@code values} (Wᵀ row-major); many rows take one matrix·matrix product
   * over {@code panels}, the same matrix in the products' own layout ({@link Kernels#packPanels}:
   * a second copy, from which the products stream B at the caches' bandwidth). Either way each
   * row gets its single-row bits.
   */
  record Fp32(Kernels kernels, int k, int n, float[] values, float[] panels)
      implements TransposedMatrix {
    Fp32(Kernels kernels, int k, int n) {
      this(kernels, k, n, new float[k * n], new float[kernels.panelsSize(k, n)]);
    }

    @Override
    public void set(float[] w) {
      Transpose.into(w, n, k, values);
      kernels.packPanels(values, 0, k, n, panels);
    }

    @Override
    public void addProducts(int rows, float[] x, int xOff, float[] out, int outOff) {
      if (rows == 1) {
        kernels.matTransVec(values, 0, k, n, x, xOff, out, outOff);
      } else {
        kernels.matMulPanels(rows, n, k, x, xOff, panels, out, outOff);
      }
    }

    @Override
    public void addRow(int row, float[] out, int outOff) {
      kernels.axpy(1f, values, row * n, out, outOff, n);
    }

    @Override
    public void copyTo(float[] w) {
      Transpose.into(values, k, n, w);
    }
  }

  /** bfloat16 row pairs ({@link Bf16}): half the bytes; a batch's rows in tiles that share A. */
  record Bf16Pairs(Kernels kernels, int k, int n, int[] pairs) implements TransposedMatrix {
    Bf16Pairs(Kernels kernels, int k, int n) {
      this(kernels, k, n, new int[Bf16.packedSize(k, n)]);
    }

    @Override
    public void set(float[] w) {
      Bf16.packRowPairs(Transpose.of(w, n, k), 0, k, n, pairs);
    }

    @Override
    public void addProducts(int rows, float[] x, int xOff, float[] out, int outOff) {
      kernels.matMulBf16(rows, pairs, k, n, x, xOff, out, outOff);
    }

    @Override
    public void addRow(int row, float[] out, int outOff) {
      kernels.addBf16Row(pairs, row, n, out, outOff);
    }

    @Override
    public void copyTo(float[] w) {
      float[] transposed = new float[k * n];
      Bf16.unpackRowPairs(pairs, k, n, transposed);
      Transpose.into(transposed, k, n, w);
    }
  }

  /**
   * int8 with one scale per output ({@link Int8}): a quarter of the bytes; a batch's rows in
   * tiles that share A.
   */
  record Int8Columns(Kernels kernels, int k, int n, byte[] q, float[] scales)
      implements TransposedMatrix {
    Int8Columns(Kernels kernels, int k, int n) {
      this(kernels, k, n, new byte[k * n], new float[n]);
    }

    @Override
    public void set(float[] w) {
      Int8.quantizeColumns(Transpose.of(w, n, k), 0, k, n, q, scales);
    }

    @Override
    public void addProducts(int rows, float[] x, int xOff, float[] out, int outOff) {
      kernels.matMulInt8(rows, q, scales, k, n, x, xOff, out, outOff);
    }

    @Override
    public void addRow(int row, float[] out, int outOff) {
      kernels.addInt8Row(q, scales, row, n, out, outOff);
    }

    @Override
    public void copyTo(float[] w) {
      float[] transposed = new float[k * n];
      Int8.dequantize(q, scales, k, n, transposed);
      Transpose.into(transposed, k, n, w);
    }
  }
}
