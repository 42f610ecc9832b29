package dev.recur.cli;

import dev.recur.Activation;
import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.io.ModelFile;
import dev.recur.io.PyTorchNames;
import dev.recur.io.SafeTensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options shared by commands that read or write models: the format follows the file name. */
final class ModelFiles {

  @Option(names = "--rnn-prefix", description = "safetensors: prefix of the nn.RNN names (default: ${DEFAULT-VALUE})")
  String rnnPrefix = "rnn.";

  @Option(names = "--head-prefix", description = "safetensors: prefix of the nn.Linear names (default: ${DEFAULT-VALUE})")
  String headPrefix = "head.";

  @Option(names = "--embedding-prefix",
      description = "safetensors: prefix of the nn.Embedding's weight (default: ${DEFAULT-VALUE})")
  String embeddingPrefix = PyTorchNames.DEFAULT_EMBEDDING_PREFIX;

  @Option(names = "--cell", description = "safetensors: nn.RNNCell names (no _l0 suffix)")
  boolean cell;

  @Option(names = "--activation", description = "safetensors: TANH, SIGMOID or RELU, where the file's metadata does not say")
  Activation activation;

  @Option(names = "--output-function", description = "safetensors: IDENTITY, SOFTMAX or SIGMOID, where the file's metadata does not say")
  OutputFunction output;

  @Option(names = "--keep-both-biases", description = "safetensors: keep PyTorch's b_ih and b_hh apart instead of summing them")
  boolean keepBothBiases;

  @Option(names = "--ignore-tensor", paramLabel = "NAME",
      description = "safetensors: load although the file holds this tensor, which the model does not need (repeatable)")
  List<String> ignoredTensors = new ArrayList<>();

  /** The options above: they describe a safetensors file, and mean nothing for recur's format. */
  private static final List<String> SAFETENSORS_OPTIONS = List.of("--rnn-prefix", "--head-prefix",
      "--embedding-prefix", "--cell", "--activation", "--output-function", "--keep-both-biases",
      "--ignore-tensor");

  @Spec(Spec.Target.MIXEE) CommandSpec command;

  /**
   * Refuses the safetensors options on a command none of whose {@code files} is a safetensors
   * file: they would be silently ignored (recur's format records all of that itself).
   */
  void requireSafeTensorsAmong(Path... files) {
    if (Arrays.stream(files).anyMatch(f -> f != null && isSafeTensors(f))) {
      return;
    }
    List<String> given = SAFETENSORS_OPTIONS.stream()
        .filter(o -> command.commandLine().getParseResult().hasMatchedOption(o)).toList();
    if (!given.isEmpty()) {
      throw new ParameterException(command.commandLine(), String.join(", ", given)
          + (given.size() == 1 ? " applies" : " apply") + " to safetensors files; " + Arrays.toString(files) + " in recur's format"
          + " records all of that itself");
    }
  }

  static boolean isSafeTensors(Path file) {
    return file.getFileName().toString().endsWith(".safetensors");
  }

  /** The prefixes the options give; two parts under one prefix is a usage error (exit 2). */
  PyTorchNames names() {
    try {
      return new PyTorchNames(rnnPrefix, headPrefix, !cell, embeddingPrefix);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), e.getMessage());
    }
  }

  /** Loads a {@code .safetensors} file or a native recur file. */
  Parameters load(Path file) throws IOException {
    return loadModel(file).weights();
  }

  /** Loads a model with its metadata (a safetensors file has none recur keeps). */
  ModelFile.SavedModel loadModel(Path file) throws IOException {
    return isSafeTensors(file)
        ? new ModelFile.SavedModel(SafeTensorsFile.read(
            file, names(), activation, output, keepBothBiases, Set.copyOf(ignoredTensors)), Map.of())
        : ModelFile.loadModel(file);
  }

  /** Saves as {@code .safetensors} or in the native format, atomically. */
  void save(Path file, Parameters weights) throws IOException {
    save(file, weights, Map.of());
  }

  /** Saves with metadata; safetensors cannot hold a vocabulary, so token models must go native. */
  void save(Path file, Parameters weights, Map<String, String> metadata) throws IOException {
    save(file, new ModelFile.SavedModel(weights, metadata));
  }

  /**
   * Saves a model in its precision; safetensors holds neither a vocabulary nor a reduced
   * precision (the caller refuses the latter), so such models must go native.
   */
  void save(Path file, ModelFile.SavedModel model) throws IOException {
    Parameters weights = model.weights();
    Map<String, String> metadata = model.metadata();
    if (isSafeTensors(file)) {
      if (!metadata.isEmpty()) {
        throw new IllegalArgumentException(file + ": safetensors cannot hold this model's "
            + String.join(" and ", metadata.keySet()) + "; write it in recur's format (a file"
            + " name not ending in .safetensors)");
      }
      SafeTensorsFile.write(file, weights, names());
    } else {
      ModelFile.save(file, model);
    }
  }
}
