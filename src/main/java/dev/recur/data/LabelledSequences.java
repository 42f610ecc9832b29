package dev.recur.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Labelled sequences for classification from a CSV file: one sequence per line, {@code
 * label,x_1,...,x_n} with n = T·I values (step t's I values at {@code x_{tI+1} .. x_{tI+I}}), the
 * same n on every line. Labels are numbered in order of first appearance; the targets are one-hot
 * rows at the last step (many-to-one), which {@link dev.recur.train.Trainer} turns into class
 * indices for {@link dev.recur.Loss#CROSS_ENTROPY}.
 *
 * @param sequences the data, targets one-hot over {@link #labels()}
 * @param labels the label of each class index
 */
public record LabelledSequences(SequenceSet sequences, List<String> labels) {

  /**
   * Labelled sequences to train on: labels numbered in order of first appearance, two at least.
   *
   * @param file UTF-8 CSV, one sequence a line: {@code label,x_1,...,x_n}
   * @param inputSize I, the values per step, ≥ 1; n must be a positive multiple of it
   * @return N = the number of non-blank lines sequences of T = n / I steps, one-hot targets at the
   *     last step
   * @throws IllegalArgumentException if {@code inputSize} &lt; 1
   * @throws BadDataException naming the line of a malformed row, or if fewer than two labels
   *     appear
   * @throws IOException if the file cannot be read
   */
  public static LabelledSequences load(Path file, int inputSize) throws IOException {
    return load(file, inputSize, null);
  }

  /**
   * Labelled sequences to score a classifier on: {@code knownLabels} (a model's, in class-index
   * order) number the classes, a label the model does not know is an error with its line, and
   * one label alone is enough.
   *
   * @param file UTF-8 CSV, one sequence a line: {@code label,x_1,...,x_n}
   * @param inputSize I, the values per step, ≥ 1; n must be a positive multiple of it
   * @param knownLabels the classes in class-index order; null to number the file's labels (then
   *     two at least)
   * @return the sequences, one-hot targets at the last step over the known labels
   * @throws IllegalArgumentException if {@code inputSize} &lt; 1
   * @throws BadDataException naming the line of a malformed row or an unknown label
   * @throws IOException if the file cannot be read
   */
  public static LabelledSequences load(Path file, int inputSize, List<String> knownLabels)
      throws IOException {
    if (inputSize < 1) {
      throw new IllegalArgumentException("inputSize must be ≥ 1; got " + inputSize);
    }
    Map<String, Integer> labels = new LinkedHashMap<>();
    if (knownLabels != null) {
      knownLabels.forEach(label -> labels.putIfAbsent(label, labels.size()));
    }
    List<Integer> classes = new ArrayList<>();
    List<float[]> rows = new ArrayList<>();
    int width = -1;
    List<String> lines = TextFiles.lines(file);
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] cells = line.split(",", -1);
      int values = cells.length - 1;
      if (width < 0) {
        if (values < 1 || values % inputSize != 0) {
          throw new BadDataException(file, n + 1,
              values + " values after the label, not a positive multiple of inputSize " + inputSize);
        }
        width = values;
      } else if (values != width) {
        throw new BadDataException(file, n + 1,
            values + " values after the label, expected " + width + " like the first row");
      }
      String label = cells[0].strip();
      if (label.isEmpty()) {
        throw new BadDataException(file, n + 1, "the label is empty");
      }
      if (knownLabels != null && !labels.containsKey(label)) {
        throw new BadDataException(file, n + 1,
            "label '" + label + "' is not one the model knows " + knownLabels);
      }
      classes.add(labels.computeIfAbsent(label, k -> labels.size()));
      float[] row = new float[width];
      for (int c = 0; c < width; c++) {
        try {
          row[c] = DecimalNumbers.parse(cells[c + 1].strip());
        } catch (NumberFormatException e) {
          throw new BadDataException(
              file, n + 1, "column " + (c + 2) + ": '" + cells[c + 1].strip() + "' is not a number");
        }
        if (!Float.isFinite(row[c])) {
          throw new BadDataException(file, n + 1,
              "column " + (c + 2) + ": " + cells[c + 1].strip() + " is beyond a float's range");
        }
      }
      rows.add(row);
    }
    if (rows.isEmpty()) {
      throw new BadDataException(file, "has no sequences");
    }
    if (knownLabels == null && labels.size() < 2) {
      throw new BadDataException(file, "has a single label " + labels.keySet() + "; classification needs two");
    }
    int count = rows.size();
    float[] inputs = new float[count * width];
    float[] targets = new float[count * labels.size()];
    for (int s = 0; s < count; s++) {
      System.arraycopy(rows.get(s), 0, inputs, s * width, width);
      targets[s * labels.size() + classes.get(s)] = 1f;
    }
    SequenceSet set = new SequenceSet(count, width / inputSize, inputSize, labels.size(), false, inputs, targets);
    return new LabelledSequences(set, List.copyOf(labels.keySet()));
  }
}
