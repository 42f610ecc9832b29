package dev.recur;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TransposeTest {

  @ParameterizedTest
  @CsvSource({"1, 1", "1, 7", "7, 1", "16, 16", "17, 33", "100, 50", "3, 65"})
  void everyEntryLandsAtItsMirrorPosition(int rows, int cols) {
    float[] a = new float[rows * cols];
    for (int i = 0; i < a.length; i++) {
      a[i] = i;
    }
    float[] t = Transpose.of(a, rows, cols);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        assertEquals(a[i * cols + j], t[j * rows + i], "(" + i + ", " + j + ")");
      }
    }
  }
}
