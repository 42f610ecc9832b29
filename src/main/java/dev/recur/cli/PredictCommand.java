package dev.recur.cli;

import dev.recur.data.DecimalNumbers;
import dev.recur.data.TextFiles;
import dev.recur.inference.InferenceModel;
import dev.recur.inference.RnnStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code recur predict MODEL --input FILE}: run a sequence through a model, print each step. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = "Run one sequence through a model (native or safetensors) and print the output"
        + " of every step as comma-separated values.")
final class PredictCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "the model")
  Path model;

  @Option(names = "--input", required = true,
      description = "one step per line: I comma-separated numbers, or one token index with --tokens")
  Path input;

  @Option(names = "--tokens", description = "each line is a token index in [0, I)")
  boolean tokens;

  @Mixin ModelFiles files;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    new CommandFiles(spec).input("MODEL", model).input("--input", input).check();
    files.requireSafeTensorsAmong(model);
    InferenceModel frozen = new InferenceModel(files.load(model));
    int in = frozen.config().inputSize();
    RnnStream stream = frozen.newStream();
    List<String> lines = TextFiles.lines(input);
    PrintWriter out = spec.commandLine().getOut();
    float[] x = new float[in];
    int steps = 0;
    for (int n = 0; n < lines.size(); n++) { // every line checked before anything is printed
      String line = lines.get(n).strip();
      if (!line.isEmpty()) {
        if (tokens) {
          token(line, n, in);
        } else {
          parse(line, n, x);
        }
        steps++;
      }
    }
    if (steps == 0) {
      throw new IllegalArgumentException(input + ": no steps (only blank lines)");
    }
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      if (line.isEmpty()) {
        continue;
      }
      float[] y = tokens ? stream.step(token(line, n, in)) : stream.step(parse(line, n, x));
      StringBuilder row = new StringBuilder();
      for (int o = 0; o < y.length; o++) {
        row.append(o == 0 ? "" : ",").append(y[o]);
      }
      out.println(row);
    }
    out.flush();
    return 0;
  }

  private float[] parse(String line, int index, float[] x) {
    String[] cells = line.split(",", -1);
    if (cells.length != x.length) {
      throw new IllegalArgumentException(
          input + " line " + (index + 1) + ": " + cells.length + " values, the model expects " + x.length);
    }
    for (int i = 0; i < cells.length; i++) {
      try {
        x[i] = DecimalNumbers.parse(cells[i].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            input + " line " + (index + 1) + ": '" + cells[i].strip() + "' is not a number");
      }
      if (!Float.isFinite(x[i])) {
        throw new IllegalArgumentException(
            input + " line " + (index + 1) + ": " + cells[i].strip() + " is beyond a float's range");
      }
    }
    return x;
  }

  private int token(String line, int index, int vocabulary) {
    try {
      int t = Integer.parseInt(line);
      if (t < 0 || t >= vocabulary) {
        throw new IllegalArgumentException(
            input + " line " + (index + 1) + ": token " + t + " is outside [0, " + vocabulary + ")");
      }
      return t;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(input + " line " + (index + 1) + ": '" + line + "' is not a token index");
    }
  }
}
