package dev.recur.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A multivariate time series from a CSV file: one step per line, the same number of numeric
 * columns on every line, optionally a header line first. Blank lines are skipped. Ragged rows,
 * non-numeric or non-finite cells are refused with the line and column.
 *
 * @param columns the number of values per step
 * @param values step s, column c at {@code s·columns + c}
 */
public record CsvSeries(int columns, float[] values) {

  /**
   * The number of steps.
   *
   * @return values.length / columns
   */
  public int length() {
    return values.length / columns;
  }

  /**
   * Reads a file of comma-separated numbers, one time step a line, every line as many columns.
   *
   * @param file UTF-8 text of comma-separated numbers
   * @param header true to skip the first line
   * @return the series, its column count taken from the first data line
   * @throws BadDataException naming the line and column of a malformed or missing value
   * @throws IOException if the file cannot be read
   */
  public static CsvSeries load(Path file, boolean header) throws IOException {
    List<String> lines = TextFiles.lines(file);
    int columns = -1;
    float[] values = new float[64];
    int count = 0;
    for (int n = header ? 1 : 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] cells = line.split(",", -1);
      if (columns < 0) {
        columns = cells.length;
      } else if (cells.length != columns) {
        throw new BadDataException(
            file, n + 1, cells.length + " cells, expected " + columns + " like the first row");
      }
      for (int c = 0; c < cells.length; c++) {
        float v;
        try {
          v = DecimalNumbers.parse(cells[c].strip());
        } catch (NumberFormatException e) {
          throw new BadDataException(
              file, n + 1, "column " + (c + 1) + ": '" + cells[c].strip() + "' is not a number");
        }
        if (!Float.isFinite(v)) {
          throw new BadDataException(
              file, n + 1, "column " + (c + 1) + ": " + cells[c].strip() + " is beyond a float's range");
        }
        if (count == values.length) {
          values = java.util.Arrays.copyOf(values, values.length * 2);
        }
        values[count++] = v;
      }
    }
    if (count == 0) {
      throw new BadDataException(file, "has no data rows");
    }
    return new CsvSeries(columns, java.util.Arrays.copyOf(values, count));
  }

  /**
   * Next-step prediction windows: sequence n is steps {@code [n·stride, n·stride + window)} of
   * all columns, with targets the same columns one step later at every step (many-to-many) or at
   * the last step only (many-to-one).
   *
   * @param window T, steps per sequence, ≥ 1
   * @param stride steps between the starts of consecutive sequences, ≥ 1
   * @param everyStep true for a target at every step, false for the last step only
   * @return ⌊(length − T − 1) / stride⌋ + 1 dense sequences with I = O = columns
   * @throws IllegalArgumentException if {@code window} or {@code stride} is below 1, or the series
   *     is shorter than T + 1 steps
   */
  public SequenceSet windows(int window, int stride, boolean everyStep) {
    if (window < 1 || stride < 1) {
      throw new IllegalArgumentException(
          "window and stride must be ≥ 1; got window " + window + ", stride " + stride);
    }
    if (length() < window + 1) {
      throw new IllegalArgumentException(
          "a series of " + length() + " steps is shorter than a window of " + window
              + " plus the step it predicts");
    }
    int count = (length() - window - 1) / stride + 1;
    float[] inputs = new float[count * window * columns];
    float[] targets = new float[count * (everyStep ? window : 1) * columns];
    for (int n = 0; n < count; n++) {
      int first = n * stride;
      System.arraycopy(values, first * columns, inputs, n * window * columns, window * columns);
      if (everyStep) {
        System.arraycopy(values, (first + 1) * columns, targets, n * window * columns, window * columns);
      } else {
        System.arraycopy(values, (first + window) * columns, targets, n * columns, columns);
      }
    }
    return new SequenceSet(count, window, columns, columns, everyStep, inputs, targets);
  }
}
