package dev.recur;

/** Matrix transposition of flat row-major arrays. */
public final class Transpose {

  private Transpose() {}

  /**
   * Writes the transpose of {@code a} ({@code rows × cols}) into {@code into} ({@code cols ×
   * rows}): {@code into[j·rows + i] = a[i·cols + j]}. {@code into} modified.
   */
  public static void into(float[] a, int rows, int cols, float[] into) {
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        into[j * rows + i] = a[i * cols + j];
      }
    }
  }

  /** A new array holding the transpose of {@code a} ({@code rows × cols}). */
  public static float[] of(float[] a, int rows, int cols) {
    float[] t = new float[a.length];
    into(a, rows, cols, t);
    return t;
  }
}
