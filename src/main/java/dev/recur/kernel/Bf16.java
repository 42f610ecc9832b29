package dev.recur.kernel;

/**
 * bfloat16: the upper 16 bits of a float (sign, the 8 exponent bits, 7 of the 23 fraction bits),
 * so a bf16 value widens to a float by a shift, exactly. Weights are stored in it for serving at
 * half the bytes of float; arithmetic stays float.
 *
 * <p>Matrices are packed as <em>row pairs</em>: rows {@code 2p} and {@code 2p+1} of a row-major
 * {@code rows × cols} matrix share one int per column, row {@code 2p} in the upper half and row
 * {@code 2p+1} in the lower (0 when rows is odd and it does not exist). One int load then gives
 * both rows' values at a column: {@code bits & 0xFFFF0000} and {@code bits << 16}, with no
 * shuffles.
 */
public final class Bf16 {

  private Bf16() {}

  /** {@code value} rounded to the nearest bf16, ties to even; a NaN stays a (quiet) NaN. */
  public static short fromFloat(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((bits >>> 16) | 0x0040);
    }
    // add just under half a bf16 unit, plus one when the kept part is odd: ties go to even
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  /** The float a bf16 value stands for (exact). */
  public static float toFloat(short bf16) {
    return Float.intBitsToFloat(bf16 << 16);
  }

  /** The value of the upper row of a packed pair. */
  static float upper(int pair) {
    return Float.intBitsToFloat(pair & 0xFFFF0000);
  }

  /** The value of the lower row of a packed pair. */
  static float lower(int pair) {
    return Float.intBitsToFloat(pair << 16);
  }

  /** The number of ints a {@code rows × cols} matrix packs into. */
  public static int packedSize(int rows, int cols) {
    return (rows + 1) / 2 * cols;
  }

  /**
   * {@code matrix} ({@code rows × cols}, row-major from {@code offset}) rounded to bf16 and packed
   * as row pairs (see the class comment) into {@code packed} from 0.
   */
  public static void packRowPairs(float[] matrix, int offset, int rows, int cols, int[] packed) {
    for (int pair = 0; pair < (rows + 1) / 2; pair++) {
      int upper = offset + 2 * pair * cols;
      boolean hasLower = 2 * pair + 1 < rows;
      for (int j = 0; j < cols; j++) {
        int high = Short.toUnsignedInt(fromFloat(matrix[upper + j])) << 16;
        int low = hasLower ? Short.toUnsignedInt(fromFloat(matrix[upper + cols + j])) : 0;
        packed[pair * cols + j] = high | low;
      }
    }
  }

  /** The inverse of {@link #packRowPairs}: the bf16 values widened, into {@code matrix} from 0. */
  public static void unpackRowPairs(int[] packed, int rows, int cols, float[] matrix) {
    for (int i = 0; i < rows; i++) {
      int row = (i >> 1) * cols;
      for (int j = 0; j < cols; j++) {
        matrix[i * cols + j] = (i & 1) == 0 ? upper(packed[row + j]) : lower(packed[row + j]);
      }
    }
  }
}
