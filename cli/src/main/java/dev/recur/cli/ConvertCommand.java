package dev.recur.cli;

import dev.recur.io.ModelFile;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code recur convert IN OUT}: between safetensors (PyTorch) and recur's native format. */
@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    description = "Convert a model between safetensors (PyTorch names) and recur's native format;"
        + " the format of each file follows its name (*.safetensors, anything else native). Any"
        + " structure converts: stacked and bidirectional layers, an embedding, a head or none.")
final class ConvertCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "IN", description = "model to read")
  Path input;

  @Parameters(index = "1", paramLabel = "OUT",
      description = "model to write (replaced atomically); its metadata (a vocabulary, labels) goes"
          + " with it, so a model that has some can only be written in recur's format")
  Path output;

  @Mixin ModelFiles files;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    new CommandFiles(spec).input("IN", input).output("OUT", output).check();
    files.requireSafeTensorsAmong(input, output);
    ModelFile.SavedModel model = files.loadModel(input);
    files.save(output, model.weights(), model.metadata()); // keeps vocabulary, labels, tags
    var c = model.weights().config();
    spec.commandLine().getOut().printf(
        "%s -> %s: I=%d H=%d O=%d %s %s, bias %s; %s%n", input, output, c.inputSize(), c.hiddenSize(),
        c.outputSize(), c.activation(), c.output(), c.bias(), c.structure());
    return 0;
  }
}
