package dev.recur.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.recur.Activation;
import dev.recur.Bias;
import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.inference.InferenceModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * PyTorch interop. {@code src/test/python/pytorch_interop.py export} saved {@code nn.RNN} + {@code
 * nn.Linear} modules as safetensors with inputs and PyTorch's outputs (float64 from the float32
 * weights); recur must match them within the foundation's bound, 1e-4 of the largest output.
 * {@link #writesFilesForThePyTorchCheck} and {@link #writesDeepModelsForThePyTorchCheck} leave
 * recur-written files in {@code target/interop} for the script's {@code check} mode, which loads
 * them into PyTorch.
 */
class SafeTensorsInteropTest {

  private static final double BOUND = 1e-4;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} keepBothBiases={1}")
  @CsvSource({"tanh-softmax-bias, true", "tanh-softmax-bias, false", "relu-identity-nobias, false",
      // the same model saved by PyTorch in half, bfloat16 and double precision
      "tanh-softmax-bias-f16, true", "tanh-softmax-bias-bf16, true", "tanh-softmax-bias-f64, true"})
  void recurMatchesPyTorchOnItsOwnFile(String name, boolean keepBothBiases) throws Exception {
    Path file = Path.of(getClass().getResource("/dev/recur/interop/" + name + ".safetensors").toURI());
    Parameters weights =
        SafeTensorsFile.read(file, PyTorchNames.rnnAndHead(), null, null, keepBothBiases);
    Map<String, String> io = readIo(file.resolveSibling(name + ".io.txt"));
    float[] inputs = floats(io.get("inputs"));
    double[] expected = doubles(io.get("outputs"));

    float[] outputs = new float[expected.length];
    new InferenceModel(weights).newStream().predict(inputs, outputs);

    double largest = Arrays.stream(expected).map(Math::abs).max().orElseThrow();
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], outputs[i], BOUND * largest, "output " + i);
    }
    assertEquals(
        name.contains("nobias") ? Bias.NONE : keepBothBiases ? Bias.PYTORCH_PAIR : Bias.SINGLE,
        weights.config().bias());
  }

  /** A double weight that no float holds is refused by name, value and reason. */
  @Test
  void aDoubleBeyondFloatsRangeIsNamed() throws IOException {
    String header = "{\"__metadata__\":{\"recur.activation\":\"TANH\",\"recur.output\":\"IDENTITY\"},"
        + "\"rnn.weight_ih_l0\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[0,8]},"
        + "\"rnn.weight_hh_l0\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[8,16]},"
        + "\"head.weight\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[16,24]}}";
    ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    data.putDouble(0.5).putDouble(1e300).putDouble(0.25);
    assertRejected(SafeTensorsBytes.of(header, data.array()),
        "weight rnn.weight_hh_l0[0] is 1.0E300, beyond float's range");
  }

  @ParameterizedTest
  @EnumSource(Bias.class)
  void writeThenReadKeepsEveryBit(Bias bias) throws IOException {
    Parameters original =
        Parameters.initialize(RnnConfig.builder(4, 9, 3).activation(Activation.RELU).bias(bias).seed(3).build());
    Path file = dir.resolve("model.safetensors");
    SafeTensorsFile.write(file, original, new PyTorchNames("", "fc.", false));
    Parameters loaded =
        SafeTensorsFile.read(file, new PyTorchNames("", "fc.", false), null, null, bias == Bias.PYTORCH_PAIR);
    assertEquals(original.config().activation(), loaded.config().activation(), "from the metadata");
    for (int i = 0; i < original.tensors().size(); i++) {
      assertArrayEquals(original.tensors().get(i).values(), loaded.tensors().get(i).values(),
          original.tensors().get(i).name());
    }
  }

  @Test
  void writesFilesForThePyTorchCheck() throws IOException {
    Path out = Path.of("target", "interop");
    Files.createDirectories(out);
    Parameters weights =
        Parameters.initialize(RnnConfig.builder(5, 13, 4).output(OutputFunction.SOFTMAX)
            .bias(Bias.SINGLE).seed(21).build());
    Path file = out.resolve("recur-written.safetensors");
    SafeTensorsFile.write(file, weights, PyTorchNames.rnnAndHead());
    float[] inputs = new float[10 * 5];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = (float) Math.sin(i * 0.7);
    }
    float[] outputs = new float[10 * 4];
    new InferenceModel(weights).newStream().predict(inputs, outputs);
    Files.writeString(file.resolveSibling("recur-written.safetensors.io.txt"),
        "steps 10\ninputs " + join(inputs) + "\noutputs " + join(outputs) + "\n");
    assertTrue(Files.size(file) > 8 + 4 * (13 * 5 + 13 * 13 + 4 * 13));
  }

  /**
   * Deep models for the script's {@code check} mode, each run over one whole sequence: an
   * embedding under two bidirectional layers with PyTorch's pair of biases and a head without
   * bias (token inputs), and three layers without any bias or head (dense inputs).
   */
  @Test
  void writesDeepModelsForThePyTorchCheck() throws IOException {
    int steps = 9;
    int[] tokens = new int[steps];
    for (int t = 0; t < steps; t++) {
      tokens[t] = (t * 5 + 3) % 11;
    }
    writeForCheck("recur-written-deep", RnnConfig.builder(11, 7, 4).embedding(6).layers(2)
        .bidirectional(true).bias(Bias.PYTORCH_PAIR).headBias(false).output(OutputFunction.SOFTMAX)
        .seed(23).build(), dev.recur.Inputs.tokens(tokens, steps, 1), "tokens " + join(tokens));
    float[] inputs = new float[steps * 3];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = (float) Math.cos(i * 0.4);
    }
    writeForCheck("recur-written-deep-nohead", RnnConfig.builder(3, 5, 1).layers(3)
        .activation(Activation.RELU).bias(Bias.NONE).noHead().seed(24).build(),
        dev.recur.Inputs.dense(inputs, steps), "inputs " + join(inputs));
  }

  /** Writes {@code name.safetensors} and its {@code .io.txt}: the inputs and recur's outputs. */
  private static void writeForCheck(String name, RnnConfig config, dev.recur.Inputs inputs,
      String inputLine) throws IOException {
    Path out = Path.of("target", "interop");
    Files.createDirectories(out);
    Parameters weights = Parameters.initialize(config);
    Path file = out.resolve(name + ".safetensors");
    SafeTensorsFile.write(file, weights, PyTorchNames.rnnAndHead());
    dev.recur.ElmanRnn rnn = new InferenceModel(weights).sequences();
    dev.recur.Workspace ws = rnn.workspace(inputs.steps(), 1);
    rnn.forward(ws, inputs);
    Files.writeString(file.resolveSibling(name + ".safetensors.io.txt"),
        "steps " + inputs.steps() + "\n" + inputLine + "\noutputs " + join(ws.outputs()) + "\n");
    assertEquals(config.toBuilder().seed(0).build(),
        SafeTensorsFile.read(file, PyTorchNames.rnnAndHead(), null, null, true).config());
  }

  @Test
  void badFilesAreNamed() throws IOException {
    Path file = dir.resolve("m.safetensors");
    Parameters weights = Parameters.initialize(RnnConfig.builder(2, 3, 2).build());
    SafeTensorsFile.write(file, weights, PyTorchNames.rnnAndHead());
    byte[] good = Files.readAllBytes(file);

    assertRejected(Arrays.copyOf(good, 5), "truncated: 5 bytes, no header");
    assertRejected(Arrays.copyOf(good, 40), "header length " + headerLength(good) + " does not fit a file of 40 bytes");
    // W_x 3×2, W_h 3×3, two biases of 3, W_y 2×3: head.bias starts at 4·27 = 108 bytes
    assertRejected(Arrays.copyOf(good, good.length - 4),
        "head.bias: data_offsets 108..116 do not hold 2 values of F32 within 112 data bytes");
    assertRejected(replace(good, "\"F32\"", "\"I32\""),
        "rnn.weight_ih_l0 has dtype I32; recur reads F32, F64, F16 and BF16");
    assertRejected(replace(good, "rnn.weight_hh_l0", "rnn.weight_hh_l9"),
        "has no tensor 'rnn.weight_hh_l0'; it has [rnn.weight_ih_l0, rnn.weight_hh_l9, rnn.bias_ih_l0, rnn.bias_hh_l0, head.weight, head.bias]");
    assertRejected(replace(good, "{\"__metadata__\"", "[\"__metadata__\""),
        "bad header: JSON at offset 0: '{' was expected"); // the header is read as safetensors' object, not any JSON

    InvalidModelFileException e = assertThrows(InvalidModelFileException.class,
        () -> SafeTensorsFile.read(file, new PyTorchNames("", "head.", true), null, null, false));
    assertTrue(e.getMessage().contains("has no tensor 'weight_ih_l0'"), e.getMessage());
  }

  @Test
  void mutatedFilesLoadOrFailWithTheDocumentedException() throws IOException {
    Path file = dir.resolve("m.safetensors");
    SafeTensorsFile.write(file, Parameters.initialize(RnnConfig.builder(3, 5, 2).build()), PyTorchNames.rnnAndHead());
    byte[] good = Files.readAllBytes(file);
    SplittableRandom random = new SplittableRandom(9);
    Path fuzzed = dir.resolve("fuzzed.safetensors");
    for (int i = 0; i < 2000; i++) {
      byte[] bytes = random.nextBoolean()
          ? Arrays.copyOf(good, random.nextInt(good.length))
          : good.clone();
      for (int flips = random.nextInt(4); flips > 0 && bytes.length > 0; flips--) {
        bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
      }
      Files.write(fuzzed, bytes);
      try {
        SafeTensorsFile.read(fuzzed, PyTorchNames.rnnAndHead(), Activation.TANH, OutputFunction.IDENTITY, false);
      } catch (InvalidModelFileException expected) {
        // the documented failure
      } catch (Exception other) {
        fail("mutation " + i + " threw " + other, other);
      }
    }
  }

  private void assertRejected(byte[] bytes, String problem) throws IOException {
    Path file = dir.resolve("bad.safetensors");
    Files.write(file, bytes);
    InvalidModelFileException e = assertThrows(InvalidModelFileException.class,
        () -> SafeTensorsFile.read(file, PyTorchNames.rnnAndHead(), null, null, false));
    assertEquals(file + ": " + problem, e.getMessage());
  }

  private static long headerLength(byte[] file) {
    return java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private static byte[] replace(byte[] file, String from, String to) {
    assertEquals(from.length(), to.length(), "replacement keeps the header length");
    String text = new String(file, StandardCharsets.ISO_8859_1);
    assertTrue(text.contains(from));
    return text.replaceFirst(java.util.regex.Pattern.quote(from), to).getBytes(StandardCharsets.ISO_8859_1);
  }

  private static Map<String, String> readIo(Path file) throws IOException {
    Map<String, String> fields = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      int space = line.indexOf(' ');
      fields.put(line.substring(0, space), line.substring(space + 1));
    }
    return fields;
  }

  private static float[] floats(String text) {
    String[] parts = text.trim().split(" ");
    float[] values = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = Float.parseFloat(parts[i]);
    }
    return values;
  }

  private static double[] doubles(String text) {
    return Arrays.stream(text.trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
  }

  private static String join(int[] values) {
    return Arrays.stream(values).mapToObj(String::valueOf).collect(java.util.stream.Collectors.joining(" "));
  }

  private static String join(float[] values) {
    StringBuilder out = new StringBuilder();
    for (float v : values) {
      out.append(out.isEmpty() ? "" : " ").append(v);
    }
    return out.toString();
  }
}
