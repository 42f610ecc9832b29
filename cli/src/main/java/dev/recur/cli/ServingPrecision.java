package dev.recur.cli;

import dev.recur.Precision;
import dev.recur.io.ModelFile;
import picocli.CommandLine.Option;

/** {@code --precision}: how a command holds a model's weight matrices while it runs it. */
final class ServingPrecision {

  @Option(names = "--precision", paramLabel = "FP32|BF16|INT8",
      description = "weight matrices in float32, bfloat16 or int8 (one scale per output row);"
          + " activations and sums stay float32 (default: the model file's own precision, float32"
          + " for safetensors)")
  Precision precision;

  /** The precision asked for, else the one the model was saved in. */
  Precision of(ModelFile.SavedModel model) {
    return precision != null ? precision : model.precision();
  }
}
