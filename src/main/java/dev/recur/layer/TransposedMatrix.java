package dev.recur.layer;

import dev.recur.Precision;
import dev.recur.Transpose;
import dev.recur.kernel.Bf16;
import dev.recur.kernel.Int8;
import dev.recur.kernel.Kernels;

/**
 * A weight matrix W ({@code n × k}) kept as {@code Wᵀ} ({@code k × n}, row {@code i} of {@code Wᵀ}
 * is what input {@code i} adds to the n outputs), in one {@link Precision}: the one place a layer
 * or a head learns how its weights are stored. Every product runs the single-row kernel's chain
 * per entry, so a row gives the same bits alone (a stream) or among others (a batch).
 */
sealed interface TransposedMatrix {

  /** An empty {@code k × n} matrix (of W {@code n × k}) in {@code precision}; fill with {@link #set}. */
  static TransposedMatrix of(Precision precision, int k, int n) {
    return switch (precision) {
      case FP32 -> new Fp32(k, n);
      case BF16 -> new Bf16Pairs(k, n);
      case INT8 -> new Int8Columns(k, n);
    };
  }

  /**
   * Derives {@code Wᵀ} from {@code w} (W, {@code n × k} row-major), rounded or quantised to this
   * precision. Allocates nothing in float (a training layer derives at every update); the others
   * derive once, when a model is frozen.
   */
  void set(float[] w);

  /** {@code out_r += x_r · Wᵀ} for {@code rows} rows of k inputs from {@code xOff}, n outputs each. */
  void addProducts(Kernels kernels, int rows, float[] x, int xOff, float[] out, int outOff);

  /** {@code out += Wᵀ[row, :]}: column {@code row} of W (a token's column). */
  void addRow(Kernels kernels, int row, float[] out, int outOff);

  /** W ({@code n × k}) as the values held stand for (widened, or scaled back), into {@code w}. */
  void copyTo(float[] w);

  /** float32: many rows in one matrix·matrix product, which gives each row's single-row bits. */
  record Fp32(int k, int n, float[] values) implements TransposedMatrix {
    Fp32(int k, int n) {
      this(k, n, new float[k * n]);
    }

    @Override
    public void set(float[] w) {
      Transpose.into(w, n, k, values);
    }

    @Override
    public void addProducts(Kernels kernels, int rows, float[] x, int xOff, float[] out,
        int outOff) {
      ElmanLayer.addProduct(kernels, rows, n, k, x, xOff, values, out, outOff);
    }

    @Override
    public void addRow(Kernels kernels, int row, float[] out, int outOff) {
      kernels.axpy(1f, values, row * n, out, outOff, n);
    }

    @Override
    public void copyTo(float[] w) {
      Transpose.into(values, k, n, w);
    }
  }

  /** bfloat16 row pairs ({@link Bf16}): half the bytes; rows of a batch one at a time. */
  record Bf16Pairs(int k, int n, int[] pairs) implements TransposedMatrix {
    Bf16Pairs(int k, int n) {
      this(k, n, new int[Bf16.packedSize(k, n)]);
    }

    @Override
    public void set(float[] w) {
      Bf16.packRowPairs(Transpose.of(w, n, k), 0, k, n, pairs);
    }

    @Override
    public void addProducts(Kernels kernels, int rows, float[] x, int xOff, float[] out,
        int outOff) {
      for (int r = 0; r < rows; r++) {
        kernels.matTransVecBf16(pairs, k, n, x, xOff + r * k, out, outOff + r * n);
      }
    }

    @Override
    public void addRow(Kernels kernels, int row, float[] out, int outOff) {
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
   * int8 with one scale per output ({@link Int8}): a quarter of the bytes; rows of a batch one
   * at a time.
   */
  record Int8Columns(int k, int n, byte[] q, float[] scales) implements TransposedMatrix {
    Int8Columns(int k, int n) {
      this(k, n, new byte[k * n], new float[n]);
    }

    @Override
    public void set(float[] w) {
      Int8.quantizeColumns(Transpose.of(w, n, k), 0, k, n, q, scales);
    }

    @Override
    public void addProducts(Kernels kernels, int rows, float[] x, int xOff, float[] out,
        int outOff) {
      for (int r = 0; r < rows; r++) {
        kernels.matTransVecInt8(q, scales, k, n, x, xOff + r * k, out, outOff + r * n);
      }
    }

    @Override
    public void addRow(Kernels kernels, int row, float[] out, int outOff) {
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
