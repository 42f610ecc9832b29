package dev.recur.cli;

import dev.recur.Precision;
import dev.recur.io.ModelFile;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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

  @Option(names = "--precision", paramLabel = "FP32|BF16|INT8",
      description = "recur's format: store the weight matrices in float32, bfloat16 (2 bytes) or"
          + " int8 (1 byte and a scale per row); a model served from the file runs in it"
          + " (default: IN's precision)")
  Precision precision;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    new CommandFiles(spec).input("IN", input).output("OUT", output).check();
    files.requireSafeTensorsAmong(input, output);
    ModelFile.SavedModel model = files.loadModel(input);
    Precision stored = precision != null ? precision : model.precision();
    if (ModelFiles.isSafeTensors(output) && stored != Precision.FP32) {
      throw new ParameterException(spec.commandLine(), "OUT " + output + " is safetensors, which"
          + " recur writes in float32; a " + stored + " model goes to recur's format (a file name"
          + " not ending in .safetensors)" + (precision == null ? ", or add --precision FP32" : ""));
    }
    // keeps vocabulary, labels, tags
    files.save(output, new ModelFile.SavedModel(model.weights(), model.metadata(), stored));
    var c = model.weights().config();
    spec.commandLine().getOut().printf(
        "%s -> %s: I=%d H=%d O=%d %s %s, bias %s; %s; %s%n", input, output, c.inputSize(),
        c.hiddenSize(), c.outputSize(), c.activation(), c.output(), c.bias(), c.structure(), stored);
    return 0;
  }
}
