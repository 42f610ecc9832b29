package dev.recur.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.Activation;
import dev.recur.Bias;
import dev.recur.ElmanRnn;
import dev.recur.Inputs;
import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.Workspace;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PyTorch's own stacked, bidirectional and embedded models, read as safetensors. The cases of
 * {@code src/test/resources/dev/recur/pytorch-deep/} (written by {@code
 * make_pytorch_deep_golden.py} from modules with {@code embedding}, {@code rnn} and {@code head}
 * fields) hold every parameter under its {@code state_dict} name, in {@code state_dict} order;
 * this test writes exactly those tensors as a safetensors file, without recur's metadata, and
 * checks that recur infers the structure the case states and computes PyTorch's outputs within
 * 1e-4 of the largest. No PyTorch is needed.
 */
class SafeTensorsPyTorchDeepTest {

  private static final double RELATIVE_BOUND = 1e-4;

  @TempDir Path dir;

  static Stream<Path> cases() throws IOException, URISyntaxException {
    Path folder = Path.of(SafeTensorsPyTorchDeepTest.class.getResource("/dev/recur/pytorch-deep").toURI());
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> p.toString().endsWith(".txt")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void recurReadsPyTorchsStateDictAndMatchesItsOutputs(Path golden) throws IOException {
    Map<String, String> meta = new HashMap<>();
    Map<String, double[]> tensors = new LinkedHashMap<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    read(golden, meta, tensors, shapes);
    List<String> parameters = new ArrayList<>();
    for (String name : tensors.keySet()) {
      if (name.equals("x") || name.equals("tokens")) {
        break; // the parameters come first, in state_dict order
      }
      parameters.add(name);
    }
    Path file = dir.resolve("pytorch.safetensors");
    Files.write(file, safetensors(parameters, tensors, shapes));

    // odd-numbered cases sum the two biases, even ones keep them apart
    boolean keepBothBiases = golden.getFileName().toString().charAt(1) % 2 == 0;
    boolean crossEntropy = meta.get("loss").equals("ce");
    Parameters weights = SafeTensorsFile.read(file, PyTorchNames.rnnAndHead(),
        meta.get("activation").equals("relu") ? Activation.RELU : Activation.TANH,
        crossEntropy ? OutputFunction.SOFTMAX : OutputFunction.IDENTITY, keepBothBiases);

    RnnConfig c = weights.config();
    int embedding = Integer.parseInt(meta.get("embedding"));
    assertEquals(Integer.parseInt(meta.get("input")), c.inputSize(), "input");
    assertEquals(Integer.parseInt(meta.get("hidden")), c.hiddenSize(), "hidden");
    assertEquals(Integer.parseInt(meta.get("output")), c.outputSize(), "output");
    assertEquals(Integer.parseInt(meta.get("layers")), c.layers(), "layers");
    assertEquals(meta.get("bidirectional").equals("yes"), c.bidirectional(), "bidirectional");
    assertEquals(embedding, c.embeddingSize(), "embedding");
    assertEquals(meta.get("layer_bias").equals("none") ? Bias.NONE
        : keepBothBiases ? Bias.PYTORCH_PAIR : Bias.SINGLE, c.bias(), "layer bias");
    assertEquals(meta.get("head").equals("yes"), c.head(), "head");
    assertEquals(meta.get("head_bias").equals("yes"), c.headBias(), "head bias");

    int steps = Integer.parseInt(meta.get("steps"));
    int batch = Integer.parseInt(meta.get("batch"));
    Inputs inputs;
    if (embedding > 0) {
      double[] ids = tensors.get("tokens");
      int[] tokens = new int[ids.length];
      for (int i = 0; i < ids.length; i++) {
        tokens[i] = (int) ids[i];
      }
      inputs = Inputs.tokens(tokens, steps, batch);
    } else {
      inputs = Inputs.dense(floats(tensors.get("x")), steps, batch);
    }
    double[] mask = tensors.get("mask");
    if (mask != null) {
      boolean[] real = new boolean[mask.length];
      for (int i = 0; i < mask.length; i++) {
        real[i] = mask[i] != 0;
      }
      inputs = inputs.withMask(real);
    }
    ElmanRnn model = new ElmanRnn(weights);
    Workspace ws = model.workspace(steps, batch);
    model.forward(ws, inputs, floats(tensors.get("h0")));

    double[] expected = tensors.get("outputs");
    float[] actual = ws.outputs();
    int width = c.outputSize();
    double largest = 0;
    for (double v : expected) {
      largest = Math.max(largest, Math.abs(v));
    }
    double tolerance = RELATIVE_BOUND * largest;
    for (int i = 0; i < expected.length; i++) {
      if (mask != null && mask[i / width] == 0) {
        continue; // PyTorch pads with zeros; recur's outputs there are unused
      }
      int at = i;
      assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance, () -> "outputs[" + at + "]: PyTorch "
          + expected[at] + ", recur " + actual[at] + " (bound " + tolerance + ")");
    }
  }

  /** The tensors named, as F32 in a safetensors file as PyTorch would save them (no metadata). */
  private static byte[] safetensors(
      List<String> names, Map<String, double[]> tensors, Map<String, long[]> shapes) {
    StringBuilder header = new StringBuilder("{");
    long offset = 0;
    for (String name : names) {
      long end = offset + 4L * tensors.get(name).length;
      header.append(header.length() == 1 ? "" : ",").append('"').append(name)
          .append("\":{\"dtype\":\"F32\",\"shape\":")
          .append(java.util.Arrays.toString(shapes.get(name)).replace(" ", ""))
          .append(",\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
      offset = end;
    }
    byte[] json = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(8 + json.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(json.length).put(json);
    for (String name : names) {
      for (double v : tensors.get(name)) {
        out.putFloat((float) v); // exact: the script drew float32 values
      }
    }
    return out.array();
  }

  /** {@code key value} lines, and {@code tensor NAME dims} followed by a line of values. */
  private static void read(Path file, Map<String, String> meta, Map<String, double[]> tensors,
      Map<String, long[]> shapes) throws IOException {
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String[] words = lines.get(i).trim().split(" ");
      if (!words[0].equals("tensor")) {
        meta.put(words[0], words[1]);
        continue;
      }
      long[] shape = new long[words.length - 2];
      for (int d = 0; d < shape.length; d++) {
        shape[d] = Long.parseLong(words[d + 2]);
      }
      String[] values = lines.get(++i).trim().split(" ");
      double[] data = new double[values.length];
      for (int j = 0; j < data.length; j++) {
        data[j] = Double.parseDouble(values[j]);
      }
      tensors.put(words[1], data);
      shapes.put(words[1], shape);
    }
  }

  private static float[] floats(double[] values) {
    float[] result = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = (float) values[i];
    }
    return result;
  }
}
