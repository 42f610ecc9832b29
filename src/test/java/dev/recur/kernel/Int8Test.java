package dev.recur.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Symmetric int8 quantisation with one scale per column of Wᵀ (per output row of W). */
class Int8Test {

  @Test
  void eachColumnGetsItsOwnScaleAndRoundsToNearestEven() {
    // 4 × 2, column 0 with largest magnitude 127 (scale 1), column 1 with 254 (scale 2)
    float[] matrix = {
        127f, -254f,
        2.5f, 5f,
        -3.5f, 3f,
        0.49f, 1f};
    byte[] q = new byte[8];
    float[] scales = new float[2];
    Int8.quantizeColumns(matrix, 0, 4, 2, q, scales);
    assertArrayEquals(new float[] {1f, 2f}, scales);
    // 2.5 → 2 and −3.5 → −4 (ties to even); 5/2 = 2.5 → 2; 3/2 = 1.5 → 2; 1/2 = 0.5 → 0
    assertArrayEquals(new byte[] {127, -127, 2, 2, -4, 2, 0, 0}, q);
  }

  @Test
  void everyEntryIsWithinHalfAScaleAndTheLargestIsExact() {
    SplittableRandom random = new SplittableRandom(8);
    int rows = 37;
    int cols = 19;
    float[] matrix = new float[rows * cols];
    for (int i = 0; i < matrix.length; i++) {
      matrix[i] = (float) random.nextGaussian() * (1 + i % cols); // columns of different ranges
    }
    byte[] q = new byte[rows * cols];
    float[] scales = new float[cols];
    Int8.quantizeColumns(matrix, 0, rows, cols, q, scales);
    float[] back = new float[rows * cols];
    Int8.dequantize(q, scales, rows, cols, back);
    for (int j = 0; j < cols; j++) {
      float largest = 0f;
      int extremes = 0;
      for (int i = 0; i < rows; i++) {
        largest = Math.max(largest, Math.abs(matrix[i * cols + j]));
        extremes += Math.abs(q[i * cols + j]) == Int8.LEVELS ? 1 : 0;
        assertTrue(q[i * cols + j] != Byte.MIN_VALUE, "−128 is never used");
      }
      float scale = largest / Int8.LEVELS;
      assertTrue(scales[j] >= scale && scales[j] <= scale * (1 + 0x1p-15f),
          "column " + j + ": " + scales[j] + " is " + scale + " rounded up to 16 bits");
      assertEquals(0, Float.floatToRawIntBits(scales[j]) & 0xFF, "16 significant bits");
      assertTrue(extremes >= 1, "the largest magnitude of column " + j + " maps to ±127");
      for (int i = 0; i < rows; i++) {
        double error = Math.abs((double) back[i * cols + j] - matrix[i * cols + j]);
        assertTrue(error <= scales[j] * 0.5000001, "(" + i + ", " + j + "): error " + error
            + " over half the scale " + scales[j]);
      }
    }
  }

  @Test
  void quantisingTheValuesInt8WeightsStandForGivesTheSameBytesAndScales() {
    SplittableRandom random = new SplittableRandom(21);
    int rows = 50;
    int cols = 300;
    float[] matrix = new float[rows * cols];
    for (int i = 0; i < matrix.length; i++) {
      matrix[i] = (float) (random.nextGaussian() * Math.exp(random.nextDouble(-20, 20)));
    }
    byte[] q = new byte[rows * cols];
    float[] scales = new float[cols];
    Int8.quantizeColumns(matrix, 0, rows, cols, q, scales);
    float[] values = new float[rows * cols];
    Int8.dequantize(q, scales, rows, cols, values);
    byte[] again = new byte[rows * cols];
    float[] againScales = new float[cols];
    Int8.quantizeColumns(values, 0, rows, cols, again, againScales);
    assertArrayEquals(scales, againScales);
    assertArrayEquals(q, again);
  }

  @Test
  void anAllZeroColumnHasScaleZero() {
    float[] matrix = {0f, 1f, 0f, -2f};
    byte[] q = new byte[4];
    float[] scales = new float[2];
    Int8.quantizeColumns(matrix, 0, 2, 2, q, scales);
    assertEquals(0f, scales[0]);
    // column 1: s = 2/127 rounded up to 16 bits, a hair above, so 1/s = 63.4998… → 63
    assertArrayEquals(new byte[] {0, 63, 0, -127}, q);
  }

  @Test
  void aNonFiniteEntryIsRefusedByPosition() {
    float[] matrix = {0f, 1f, Float.NaN, -2f};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Int8.quantizeColumns(matrix, 0, 2, 2, new byte[4], new float[2]));
    assertTrue(e.getMessage().contains("(1, 0) is NaN"), e.getMessage());
  }
}
