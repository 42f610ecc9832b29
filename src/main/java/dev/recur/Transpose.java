package dev.recur;

/** Matrix transposition of flat row-major arrays. */
public final class Transpose {

  private Transpose() {}

  /**
   * Writes the transpose of {@code a} ({@code rows × cols}) into {@code into} ({@code cols ×
   * rows}): {@code into[j·rows + i] = a[i·cols + j]}. {@code into} modified.
   *
   * @param a the matrix, row-major, at least {@code rows·cols} entries; not modified
   * @param rows the rows of {@code a}, ≥ 0
   * @param cols the columns of {@code a}, ≥ 0
   * @param into receives the {@code cols × rows} transpose, row-major; must not be {@code a}
   * @throws ArrayIndexOutOfBoundsException if either array is shorter than {@code rows·cols}
   */
  public static void into(float[] a, int rows, int cols, float[] into) {
    // In square blocks, so both the rows read and the rows written stay in the L1 cache.
    for (int i0 = 0; i0 < rows; i0 += BLOCK) {
      int iEnd = Math.min(i0 + BLOCK, rows);
      for (int j0 = 0; j0 < cols; j0 += BLOCK) {
        int jEnd = Math.min(j0 + BLOCK, cols);
        for (int i = i0; i < iEnd; i++) {
          for (int j = j0; j < jEnd; j++) {
            into[j * rows + i] = a[i * cols + j];
          }
        }
      }
    }
  }

  private static final int BLOCK = 16;

  /**
   * A new array holding the transpose of {@code a} ({@code rows × cols}).
   *
   * @param a the matrix, row-major, {@code rows·cols} entries; not modified
   * @param rows the rows of {@code a}, ≥ 0
   * @param cols the columns of {@code a}, ≥ 0
   * @return a new array of {@code a.length} floats, the {@code cols × rows} transpose row-major
   * @throws ArrayIndexOutOfBoundsException if {@code a} is shorter than {@code rows·cols}
   */
  public static float[] of(float[] a, int rows, int cols) {
    float[] t = new float[a.length];
    into(a, rows, cols, t);
    return t;
  }
}
