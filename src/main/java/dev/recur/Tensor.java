package dev.recur;

/**
 * A named matrix (or vector, with one column) of a model, stored row-major: entry {@code (i, j)} at
 * {@code values[i * cols + j]}. The array is the live storage, not a copy: taking it from {@link
 * Parameters} counts as a write (see {@link Parameters#version()}); writing into it later, after a
 * pass, needs {@link Parameters#markChanged()} for models to see the change.
 *
 * @param name the notation name ({@code W_x}, {@code W_h}, {@code b_h}, ...)
 * @param rows the number of rows
 * @param cols the number of columns (1 for a bias vector)
 * @param values {@code rows * cols} entries
 */
public record Tensor(String name, int rows, int cols, float[] values) {

  /**
   * Checks the shape (the values are held, not copied).
   *
   * @throws IllegalArgumentException if {@code values} does not hold {@code rows * cols} entries
   */
  public Tensor {
    if (values.length != rows * cols) {
      throw new IllegalArgumentException(
          name + " needs " + rows + "×" + cols + " = " + rows * cols + " values; got "
              + values.length);
    }
  }

  /**
   * Number of entries.
   *
   * @return rows × cols
   */
  public int size() {
    return values.length;
  }
}
