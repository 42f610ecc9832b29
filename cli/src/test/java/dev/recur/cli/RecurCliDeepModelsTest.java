package dev.recur.cli;

import static dev.recur.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.Bias;
import dev.recur.ElmanRnn;
import dev.recur.Inputs;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.Workspace;
import dev.recur.inference.InferenceModel;
import dev.recur.io.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convert} and {@code predict} of stacked, bidirectional and embedded models. */
class RecurCliDeepModelsTest {

  @TempDir Path dir;

  @Test
  void aStackedBidirectionalModelConvertsBothWaysAndPredictsWholeSequences() throws Exception {
    Parameters model = Parameters.initialize(RnnConfig.builder(3, 5, 2).layers(3)
        .bidirectional(true).bias(Bias.PYTORCH_PAIR).headBias(false).seed(8).build());
    Path nativeFile = dir.resolve("deep.recur");
    ModelFile.save(nativeFile, model);
    Path pytorch = dir.resolve("deep.safetensors");
    CliRun out = run("convert", nativeFile.toString(), pytorch.toString());
    assertEquals(0, out.status(), out.err());
    assertTrue(out.out().contains("I=3 H=5 O=2 TANH IDENTITY, bias PYTORCH_PAIR; 3 layers,"
        + " bidirectional, head without bias"), out.out());
    Path back = dir.resolve("back.recur");
    CliRun in = run("convert", pytorch.toString(), back.toString(), "--keep-both-biases");
    assertEquals(0, in.status(), in.err());
    assertSameWeights(model, ModelFile.load(back));

    float[][] steps = {{0.5f, -1f, 2f}, {0f, 0.25f, -0.75f}, {1f, 1f, 1f}, {-2f, 0f, 0.5f}};
    Path input = dir.resolve("steps.csv");
    StringBuilder csv = new StringBuilder();
    float[] flat = new float[steps.length * 3];
    for (int t = 0; t < steps.length; t++) {
      csv.append(steps[t][0]).append(',').append(steps[t][1]).append(',').append(steps[t][2]).append('\n');
      System.arraycopy(steps[t], 0, flat, 3 * t, 3);
    }
    Files.writeString(input, csv);
    String expected = printed(model, Inputs.dense(flat, steps.length), steps.length);
    for (Path file : new Path[] {nativeFile, pytorch, back}) {
      CliRun predicted = run("predict", file.toString(), "--input", input.toString());
      assertEquals(0, predicted.status(), predicted.err());
      assertEquals(expected, predicted.out(), file + ": the outputs of one forward pass, bit for bit");
    }
  }

  @Test
  void anEmbeddedModelReadsTokenIndicesUnderTheEmbeddingPrefixGiven() throws Exception {
    Parameters model = Parameters.initialize(RnnConfig.builder(7, 4, 4).embedding(3).layers(2)
        .bidirectional(true).noHead().seed(5).build());
    Path nativeFile = dir.resolve("words.recur");
    ModelFile.save(nativeFile, model);
    Path pytorch = dir.resolve("words.safetensors");
    CliRun converted = run("convert", nativeFile.toString(), pytorch.toString(),
        "--embedding-prefix", "words.");
    assertEquals(0, converted.status(), converted.err());
    assertTrue(converted.out().contains("2 layers, bidirectional, embedding 3, no head"), converted.out());
    assertTrue(Files.readString(pytorch, java.nio.charset.StandardCharsets.ISO_8859_1)
        .contains("\"words.weight\""));

    Path tokens = Files.writeString(dir.resolve("tokens.txt"), "3\n0\n6\n2\n");
    String expected = printed(model, Inputs.tokens(new int[] {3, 0, 6, 2}, 4, 1), 4);
    CliRun fromNative = run("predict", nativeFile.toString(), "--input", tokens.toString());
    assertEquals(0, fromNative.status(), fromNative.err());
    assertEquals(expected, fromNative.out(), "an embedding reads token indices, --tokens or not");
    CliRun fromPyTorch = run("predict", pytorch.toString(), "--input", tokens.toString(), "--tokens",
        "--embedding-prefix", "words.");
    assertEquals(0, fromPyTorch.status(), fromPyTorch.err());
    assertEquals(expected, fromPyTorch.out());

    run("predict", pytorch.toString(), "--input", tokens.toString())
        .refused(1, "has tensors recur does not read: [words.weight]");
    Path outOfRange = Files.writeString(dir.resolve("bad.txt"), "3\n7\n");
    run("predict", nativeFile.toString(), "--input", outOfRange.toString())
        .refused(1, outOfRange + " line 2: token 7 is outside [0, 7)");
  }

  @Test
  void theEmbeddingPrefixAppliesOnlyToSafeTensors() throws Exception {
    Path nativeFile = dir.resolve("m.recur");
    ModelFile.save(nativeFile, Parameters.initialize(RnnConfig.builder(2, 3, 1).build()));
    Path steps = Files.writeString(dir.resolve("steps.csv"), "0.5,1\n");
    run("predict", nativeFile.toString(), "--input", steps.toString(), "--embedding-prefix", "e.")
        .refused(2, "--embedding-prefix applies to safetensors files");
    run("eval", nativeFile.toString(), "--task", "ADDING", "--embedding-prefix", "e.")
        .refused(2, "--embedding-prefix applies to safetensors files");
    run("convert", nativeFile.toString(), dir.resolve("n.recur").toString(), "--embedding-prefix", "e.")
        .refused(2, "--embedding-prefix applies to safetensors files");
    // two parts under one prefix is a usage error too
    run("convert", nativeFile.toString(), dir.resolve("n.safetensors").toString(),
        "--embedding-prefix", "head.").refused(2, "the embedding needs a prefix of its own");
  }

  @Test
  void nnRnnCellNamesCannotHoldAStack() throws Exception {
    Path nativeFile = dir.resolve("m.recur");
    ModelFile.save(nativeFile, Parameters.initialize(RnnConfig.builder(2, 3, 1).layers(2).build()));
    Path out = dir.resolve("m.safetensors");
    var before = CliRun.snapshot(dir);
    run("convert", nativeFile.toString(), out.toString(), "--cell")
        .refused(1, "nn.RNNCell names (no _l0 suffix) hold one layer in one direction; this model"
            + " has 2 layers, so write it with nn.RNN's names");
    CliRun.assertUnchanged(dir, before);
  }

  /** What predict prints for these inputs: one forward pass, each step's outputs as floats. */
  private static String printed(Parameters model, Inputs inputs, int steps) {
    ElmanRnn rnn = new InferenceModel(model).sequences();
    Workspace ws = rnn.workspace(steps, 1);
    rnn.forward(ws, inputs);
    int out = model.config().outputSize();
    StringBuilder text = new StringBuilder();
    for (int t = 0; t < steps; t++) {
      for (int o = 0; o < out; o++) {
        text.append(o == 0 ? "" : ",").append(ws.outputs()[t * out + o]);
      }
      text.append(System.lineSeparator());
    }
    return text.toString();
  }

  private static void assertSameWeights(Parameters expected, Parameters actual) {
    assertEquals(expected.config().toBuilder().seed(0).build(), actual.config());
    Map<String, float[]> values = new java.util.HashMap<>();
    actual.tensors().forEach(t -> values.put(t.name(), t.values()));
    for (var t : expected.tensors()) {
      assertArrayEquals(t.values(), values.get(t.name()), t.name());
    }
    assertEquals(expected.tensors().size(), actual.tensors().size());
  }
}
