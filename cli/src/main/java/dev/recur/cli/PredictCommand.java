package dev.recur.cli;

import dev.recur.ElmanRnn;
import dev.recur.Inputs;
import dev.recur.RnnConfig;
import dev.recur.Workspace;
import dev.recur.data.DecimalNumbers;
import dev.recur.data.TextFiles;
import dev.recur.inference.InferenceModel;
import dev.recur.io.ModelFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code recur predict MODEL --input FILE}: run a sequence through a model, print each step. A
 * unidirectional model is stepped as a stream; a bidirectional one, whose every output depends
 * on the whole sequence, runs it in one forward pass.
 */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = "Run one sequence through a model (native or safetensors) and print the output"
        + " of every step as comma-separated values; a bidirectional model reads the whole"
        + " sequence first.")
final class PredictCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "the model")
  Path model;

  @Option(names = "--input", required = true,
      description = "one step per line: I comma-separated numbers, or one token index with --tokens")
  Path input;

  @Option(names = "--tokens",
      description = "each line is a token index in [0, I) (always so for a model with an embedding)")
  boolean tokens;

  @Mixin ModelFiles files;

  @Mixin ServingPrecision precision;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    new CommandFiles(spec).input("MODEL", model).input("--input", input).check();
    files.requireSafeTensorsAmong(model);
    ModelFile.SavedModel saved = files.loadModel(model);
    InferenceModel frozen = new InferenceModel(saved.weights(), precision.of(saved));
    RnnConfig config = frozen.config();
    boolean byToken = tokens || config.hasEmbedding(); // an embedding reads nothing else
    int in = config.inputSize();
    List<String> lines = TextFiles.lines(input);
    List<String> steps = new ArrayList<>();
    List<Integer> numbers = new ArrayList<>(); // the line number of each step
    int blank = -1; // the first blank line: only more blank lines may follow it
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      if (line.isEmpty()) {
        blank = blank < 0 ? n : blank;
      } else if (blank >= 0) {
        // skipping it would shift every later output row against its input line
        throw new IllegalArgumentException(input + ": line " + (blank + 1) + " is blank; each"
            + " line is one step, so blank lines may only end the file");
      } else {
        steps.add(line);
        numbers.add(n);
      }
    }
    if (steps.isEmpty()) {
      throw new IllegalArgumentException(input + ": no steps (only blank lines)");
    }
    // every line checked before anything is printed
    int[] ids = byToken ? new int[steps.size()] : null;
    float[] values = byToken ? null : new float[steps.size() * in];
    float[] x = new float[in];
    for (int t = 0; t < steps.size(); t++) {
      if (byToken) {
        ids[t] = token(steps.get(t), numbers.get(t), in);
      } else {
        System.arraycopy(parse(steps.get(t), numbers.get(t), x), 0, values, t * in, in);
      }
    }
    int out = config.outputSize();
    float[] outputs = new float[steps.size() * out];
    if (config.bidirectional()) { // no streams: each output depends on later steps too
      // a workspace row: every layer's states, pre-activations and their deltas (about 4·L·D·H),
      // the embedded tokens and their deltas, the logits, outputs and their deltas, the inputs
      long row = 4L * config.layers() * config.stateWidth() + 2L * config.embeddingSize()
          + 3L * out + in;
      MemoryBudget.require(MemoryBudget.floats(steps.size(), row), "running " + steps.size()
          + " steps through a bidirectional model in one pass", "--input (fewer steps)");
      ElmanRnn sequences = frozen.sequences();
      Workspace workspace = sequences.workspace(steps.size(), 1);
      sequences.forward(workspace, byToken
          ? Inputs.tokens(ids, steps.size(), 1)
          : Inputs.dense(values, steps.size()));
      System.arraycopy(workspace.outputs(), 0, outputs, 0, outputs.length);
    } else if (byToken) {
      frozen.newStream().predict(ids, outputs);
    } else {
      frozen.newStream().predict(values, outputs);
    }
    PrintWriter console = spec.commandLine().getOut();
    StringBuilder row = new StringBuilder();
    for (int t = 0; t < steps.size(); t++) {
      row.setLength(0);
      for (int o = 0; o < out; o++) {
        row.append(o == 0 ? "" : ",").append(outputs[t * out + o]);
      }
      console.println(row);
    }
    console.flush();
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
