package dev.recur.io;

import dev.recur.Precision;
import dev.recur.Tensor;
import dev.recur.Transpose;
import dev.recur.kernel.Bf16;
import dev.recur.kernel.Int8;
import java.nio.ByteBuffer;

/**
 * How a tensor's values are stored in a model file of some {@link Precision}: the weight matrices
 * (W_x, W_h, W_y; names starting {@code W_}) in the model's precision, everything else (biases,
 * the embedding E) in float32, as the serving model holds them.
 */
enum TensorCodec {
  /** rows·cols f32. */
  FLOAT32 {
    @Override
    long bytes(long rows, long cols) {
      return 4 * rows * cols;
    }

    @Override
    void write(Tensor t, ByteBuffer out) {
      for (float v : t.values()) {
        out.putFloat(v);
      }
    }

    @Override
    void read(ByteBuffer in, Tensor t) {
      float[] values = t.values();
      for (int i = 0; i < values.length; i++) {
        values[i] = in.getFloat();
      }
    }
  },
  /** rows·cols u16, each the upper half of the float rounded to nearest even ({@link Bf16}). */
  BF16 {
    @Override
    long bytes(long rows, long cols) {
      return 2 * rows * cols;
    }

    @Override
    void write(Tensor t, ByteBuffer out) {
      for (float v : t.values()) {
        out.putShort(Bf16.fromFloat(v));
      }
    }

    @Override
    void read(ByteBuffer in, Tensor t) {
      float[] values = t.values();
      for (int i = 0; i < values.length; i++) {
        values[i] = Bf16.toFloat(in.getShort());
      }
    }
  },
  /**
   * rows f32 scales, then rows·cols i8: row r of W is {@code scale[r] · q[r, :]} ({@link Int8},
   * one scale per output row).
   */
  INT8 {
    @Override
    long bytes(long rows, long cols) {
      return 4 * rows + rows * cols;
    }

    @Override
    void write(Tensor t, ByteBuffer out) {
      int rows = t.rows();
      int cols = t.cols();
      // Int8 quantises the columns of Wᵀ, which are W's rows
      byte[] transposedQ = new byte[rows * cols];
      float[] scales = new float[rows];
      Int8.quantizeColumns(Transpose.of(t.values(), rows, cols), 0, cols, rows, transposedQ, scales);
      for (float scale : scales) {
        out.putFloat(scale);
      }
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          out.put(transposedQ[c * rows + r]);
        }
      }
    }

    @Override
    void read(ByteBuffer in, Tensor t) {
      int rows = t.rows();
      int cols = t.cols();
      float[] scales = new float[rows];
      for (int r = 0; r < rows; r++) {
        scales[r] = in.getFloat();
      }
      float[] values = t.values();
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          values[r * cols + c] = scales[r] * in.get(); // as Int8.dequantize
        }
      }
    }
  };

  /** The codec of tensor {@code name} in a model of {@code precision}. */
  static TensorCodec of(String name, Precision precision) {
    if (!name.startsWith("W_")) {
      return FLOAT32;
    }
    return switch (precision) {
      case FP32 -> FLOAT32;
      case BF16 -> BF16;
      case INT8 -> INT8;
    };
  }

  static TensorCodec of(Tensor t, Precision precision) {
    return of(t.name(), precision);
  }

  /** The bytes a {@code rows × cols} tensor takes. */
  abstract long bytes(long rows, long cols);

  /** Appends {@code t}'s values. */
  abstract void write(Tensor t, ByteBuffer out);

  /** Reads {@code t}'s values (the bytes were checked to be there). */
  abstract void read(ByteBuffer in, Tensor t);
}
