package dev.recur.kernel;

/**
 * Symmetric int8 weights with one float scale per output: a matrix {@code Wᵀ} ({@code rows ×
 * cols}, row-major, as the layers keep it) whose column {@code j} feeds output {@code j} is held
 * as bytes {@code q[i, j]} in {@code [-127, 127]} and scales {@code s[j] = max_i |Wᵀ[i, j]| / 127},
 * so that {@code Wᵀ[i, j] ≈ s[j] · q[i, j]} with an error of at most {@code s[j] / 2}. Column
 * {@code j} of {@code Wᵀ} is row {@code j} of {@code W}: one scale per output row of W, chosen
 * from that row's largest magnitude. −128 is never used, so the range is symmetric.
 *
 * <p>Each scale is rounded up to 16 significant bits. Then {@code 127 · s} and every {@code q ·
 * s} are exact floats, so quantising the values int8 weights stand for ({@link #dequantize})
 * gives back the same scales and bytes: a model saved in int8 as floats, or reloaded, serves
 * exactly the same int8 weights. (Relative to an int8 step of 1/127, 2⁻¹⁶ on the scale is
 * nothing.)
 */
public final class Int8 {

  /** The largest quantised magnitude. */
  public static final int LEVELS = 127;

  private Int8() {}

  /**
   * Quantises {@code matrix} ({@code rows × cols} from {@code offset}) column by column: {@code
   * scales[j]} from column j's largest magnitude and {@code q[i·cols + j] = rint(Wᵀ[i, j] /
   * scales[j])} (ties to even). An all-zero column gets scale 0 and zeros. Throws {@link
   * IllegalArgumentException} for a non-finite entry, which no scale represents.
   */
  public static void quantizeColumns(
      float[] matrix, int offset, int rows, int cols, byte[] q, float[] scales) {
    java.util.Arrays.fill(scales, 0, cols, 0f);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        float value = matrix[offset + i * cols + j];
        if (!Float.isFinite(value)) {
          throw new IllegalArgumentException(
              "int8 weights need finite values; entry (" + i + ", " + j + ") is " + value);
        }
        scales[j] = Math.max(scales[j], Math.abs(value));
      }
    }
    for (int j = 0; j < cols; j++) {
      scales[j] = roundUpTo16Bits(scales[j] / LEVELS);
    }
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        float value = matrix[offset + i * cols + j];
        // |value| ≤ 127·s up to the division's rounding; the clamp keeps rint inside the range
        q[i * cols + j] = scales[j] == 0f
            ? 0
            : (byte) Math.clamp(Math.rint(value / scales[j]), -LEVELS, LEVELS);
      }
    }
  }

  /**
   * The least float ≥ {@code scale} with at most 16 significant bits (the low 8 of the 24
   * cleared), so that a product with a 7-bit integer is exact.
   */
  static float roundUpTo16Bits(float scale) {
    int bits = Float.floatToRawIntBits(scale);
    int low = bits & 0xFF;
    return Float.intBitsToFloat(low == 0 ? bits : (bits | 0xFF) + 1); // a carry moves the exponent
  }

  /** {@code matrix[i·cols + j] = scales[j] · q[i·cols + j]}: the values the int8 weights stand for. */
  public static void dequantize(byte[] q, float[] scales, int rows, int cols, float[] matrix) {
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        matrix[i * cols + j] = scales[j] * q[i * cols + j];
      }
    }
  }
}
