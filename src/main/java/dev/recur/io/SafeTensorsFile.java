package dev.recur.io;

import dev.recur.Activation;
import dev.recur.Bias;
import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.Tensor;
import dev.recur.io.SafeTensorsHeader.Entry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads and writes PyTorch models in the safetensors format: an 8-byte little-endian header
 * length, a JSON header naming each tensor's dtype, shape and byte range, then the raw
 * little-endian data. Names follow {@link PyTorchNames}.
 *
 * <p>PyTorch's two hidden biases are kept ({@link Bias#PYTORCH_PAIR}) or summed into one ({@link
 * Bias#SINGLE}) as the caller chooses. A model with recurrent biases but no head bias (or the other
 * way round) loads with the missing bias as zeros, which computes the same thing. Written files
 * carry recur's activation and output function in the header's {@code __metadata__}, and load
 * straight into PyTorch's {@code load_state_dict}.
 *
 * <p>Bad files throw {@link InvalidModelFileException}, as for the native format; so do files
 * with tensors recur would not read (more layers, another direction, other modules) unless the
 * caller names them as ignored.
 */
public final class SafeTensorsFile {

  private static final String ACTIVATION_KEY = "recur.activation";
  private static final String OUTPUT_KEY = "recur.output";
  /** How many unread tensor names a message lists before it only counts the rest. */
  private static final int LISTED_NAMES = 10;

  private SafeTensorsFile() {}

  /** Writes {@code weights} under PyTorch's names, atomically; F32, little-endian. */
  public static void write(Path path, Parameters weights, PyTorchNames names) throws IOException {
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(names, "names");
    RnnConfig config = weights.config();
    Map<String, float[]> tensors = new LinkedHashMap<>();
    Map<String, int[]> shapes = new LinkedHashMap<>();
    int hidden = config.hiddenSize();
    put(tensors, shapes, names.weightIh(), weights.inputWeights(), hidden, config.inputSize());
    put(tensors, shapes, names.weightHh(), weights.recurrentWeights(), hidden, hidden);
    if (config.bias() != Bias.NONE) {
      put(tensors, shapes, names.biasIh(), weights.hiddenBias(), hidden);
      float[] second =
          config.bias() == Bias.PYTORCH_PAIR ? weights.secondHiddenBias() : new float[hidden];
      put(tensors, shapes, names.biasHh(), second, hidden);
    }
    put(tensors, shapes, names.headWeight(), weights.outputWeights(), config.outputSize(), hidden);
    if (config.bias() != Bias.NONE) {
      put(tensors, shapes, names.headBias(), weights.outputBias(), config.outputSize());
    }
    for (Tensor t : weights.tensors()) {
      ModelFile.requireFinite(t);
    }

    StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\",\"")
        .append(ACTIVATION_KEY).append("\":\"").append(config.activation()).append("\",\"")
        .append(OUTPUT_KEY).append("\":\"").append(config.output()).append("\"}");
    long offset = 0;
    for (Map.Entry<String, float[]> e : tensors.entrySet()) {
      long end = offset + 4L * e.getValue().length;
      header.append(',');
      appendJsonString(header, e.getKey());
      header.append(":{\"dtype\":\"F32\",\"shape\":[");
      int[] shape = shapes.get(e.getKey());
      for (int d = 0; d < shape.length; d++) {
        header.append(d == 0 ? "" : ",").append(shape[d]);
      }
      header.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
      offset = end;
    }
    header.append('}');
    // the format pads the header with spaces so that the data starts 8-byte aligned
    byte[] unpadded = header.toString().getBytes(StandardCharsets.UTF_8);
    byte[] json = Arrays.copyOf(unpadded, (unpadded.length + 7) / 8 * 8);
    Arrays.fill(json, unpadded.length, json.length, (byte) ' ');
    ByteBuffer out =
        ByteBuffer.allocate(Math.toIntExact(8 + json.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(json.length).put(json);
    for (float[] values : tensors.values()) {
      for (float v : values) {
        out.putFloat(v);
      }
    }
    AtomicFile.write(path, out.flip());
  }

  /** Appends {@code text} as a JSON string: quoted, with quotes, backslashes and controls escaped. */
  private static void appendJsonString(StringBuilder json, String text) {
    json.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        json.append('\\').append(c);
      } else if (c < 0x20) {
        json.append(String.format("\\u%04x", (int) c));
      } else {
        json.append(c);
      }
    }
    json.append('"');
  }

  private static void put(
      Map<String, float[]> tensors, Map<String, int[]> shapes, String name, float[] values,
      int... shape) {
    tensors.put(name, values);
    shapes.put(name, shape);
  }

  /** Reads a PyTorch model whose file holds only the tensors recur reads; see the next method. */
  public static Parameters read(
      Path path, PyTorchNames names, Activation activation, OutputFunction output,
      boolean keepBothBiases) throws IOException {
    return read(path, names, activation, output, keepBothBiases, Set.of());
  }

  /**
   * Reads a PyTorch model. The sizes come from the tensor shapes; the activation and output
   * function from recur's metadata in the file or, where it has none, from the arguments (an
   * argument that contradicts the metadata is an error; null asks for the metadata's).
   *
   * <p>Every other tensor of the file is an error that names it, unless it is in {@code
   * ignoredTensors}: a model with more layers, another direction or other modules would otherwise
   * load as something it is not. Only the tensors recur reads cost memory, so a file larger than
   * any Java array loads if the model itself fits.
   *
   * @param keepBothBiases true for {@link Bias#PYTORCH_PAIR}, false to sum them into {@link
   *     Bias#SINGLE}
   * @param ignoredTensors names of tensors the model does not need, such as a BatchNorm's {@code
   *     num_batches_tracked}; none of them may be one recur reads
   * @throws IllegalArgumentException if {@code ignoredTensors} names a tensor recur reads
   */
  public static Parameters read(
      Path path, PyTorchNames names, Activation activation, OutputFunction output,
      boolean keepBothBiases, Set<String> ignoredTensors) throws IOException {
    Objects.requireNonNull(path, "path");
    Set<String> used = Objects.requireNonNull(names, "names").all();
    for (String ignored : Objects.requireNonNull(ignoredTensors, "ignoredTensors")) {
      if (used.contains(ignored)) {
        throw new IllegalArgumentException(ignored + " is a tensor recur reads; it cannot be ignored");
      }
    }
    Objects.requireNonNull(ignoredTensors, "ignoredTensors");
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      SafeTensorsHeader header = SafeTensorsHeader.read(path, channel);
      // before the layout: a tensor in a dtype recur cannot read is named as such, not as a
      // byte range that does not fit its F32-sized shape
      for (String name : used) {
        Entry tensor = header.tensors().get(name);
        if (tensor != null && tensor.dtype() != TensorDtype.F32 && tensor.dtype() != TensorDtype.F64) {
          throw new InvalidModelFileException(
              path, name + " has dtype " + tensor.dtype() + "; recur reads F32 and F64");
        }
      }
      SafeTensorsData data = header.checkLayout(channel);
      return load(path, header, data, names, ignoredTensors, activation, output, keepBothBiases);
    }
  }

  /**
   * Checks the shapes and the set of tensors, then reads the weights; a null activation or output
   * function comes from the metadata, asked for only once the tensors are known to be a model
   * recur can hold.
   */
  private static Parameters load(
      Path path, SafeTensorsHeader header, SafeTensorsData data, PyTorchNames names,
      Set<String> ignoredTensors, Activation activation, OutputFunction output,
      boolean keepBothBiases) throws IOException {
    Map<String, Entry> tensors = header.tensors();
    Entry wx = matrix(path, tensors, names.weightIh(), -1, -1);
    int hidden = (int) wx.shape().dimension(0);
    int in = (int) wx.shape().dimension(1);
    Entry wh = matrix(path, tensors, names.weightHh(), hidden, hidden);
    Entry wy = matrix(path, tensors, names.headWeight(), -1, hidden);
    int out = (int) wy.shape().dimension(0);
    Entry bih = vector(path, tensors, names.biasIh(), hidden);
    Entry bhh = vector(path, tensors, names.biasHh(), hidden);
    Entry by = vector(path, tensors, names.headBias(), out);
    if ((bih == null) != (bhh == null)) {
      throw new InvalidModelFileException(
          path, "has only one of " + names.biasIh() + " and " + names.biasHh());
    }
    refuseUnread(path, header, names, ignoredTensors);
    activation = metadataEnum(path, header, ACTIVATION_KEY, Activation.class, activation);
    output = metadataEnum(path, header, OUTPUT_KEY, OutputFunction.class, output);
    boolean anyBias = bih != null || by != null;
    Bias bias = !anyBias ? Bias.NONE : keepBothBiases ? Bias.PYTORCH_PAIR : Bias.SINGLE;
    RnnConfig config;
    try {
      config = RnnConfig.builder(in, hidden, out).activation(activation).output(output).bias(bias).build();
    } catch (IllegalArgumentException e) {
      throw new InvalidModelFileException(path, "invalid configuration: " + e.getMessage(), e);
    }
    long weightBytes = 4L * (wx.count() + wh.count() + wy.count() + 2L * hidden + out);
    if (weightBytes > Runtime.getRuntime().maxMemory()) {
      throw new InvalidModelFileException(path, "its weights need " + weightBytes
          + " bytes, more than the " + Runtime.getRuntime().maxMemory() + " bytes this JVM may use (-Xmx)");
    }
    Parameters p = Parameters.zeros(config);
    data.readFloats(wx, p.inputWeights());
    data.readFloats(wh, p.recurrentWeights());
    data.readFloats(wy, p.outputWeights());
    if (bih != null) {
      data.readFloats(bih, p.hiddenBias());
      if (bias == Bias.PYTORCH_PAIR) {
        data.readFloats(bhh, p.secondHiddenBias());
      } else {
        float[] second = new float[hidden];
        data.readFloats(bhh, second);
        for (int i = 0; i < hidden; i++) {
          p.hiddenBias()[i] += second[i]; // the sum the forward pass forms
        }
      }
    }
    if (by != null) {
      data.readFloats(by, p.outputBias());
    }
    return p;
  }

  /** The tensors recur does not read must all be ignored by name, or the model is not recur's. */
  private static void refuseUnread(
      Path path, SafeTensorsHeader header, PyTorchNames names, Set<String> ignoredTensors)
      throws InvalidModelFileException {
    Set<String> used = names.all();
    List<String> unread = new ArrayList<>();
    boolean anotherLayer = false;
    for (String name : header.tensors().keySet()) {
      if (!used.contains(name) && !ignoredTensors.contains(name)) {
        unread.add(name);
        anotherLayer |= names.isAnotherLayer(name);
      }
    }
    if (unread.isEmpty()) {
      return;
    }
    String listed = unread.size() <= LISTED_NAMES
        ? unread.toString()
        : unread.subList(0, LISTED_NAMES) + " and " + (unread.size() - LISTED_NAMES) + " more";
    throw new InvalidModelFileException(path, "has tensors recur does not read: " + listed
        + (anotherLayer
            ? "; stacked (num_layers > 1) and bidirectional nn.RNN models are not supported yet"
            : "; recur reads only " + used + ", so name the others as ignored tensors"
                + " if the model does not need them"));
  }

  private static Entry matrix(Path path, Map<String, Entry> tensors, String name, int rows, int cols)
      throws InvalidModelFileException {
    Entry tensor = tensors.get(name);
    if (tensor == null) {
      throw new InvalidModelFileException(path, "has no tensor '" + name + "'; it has " + tensors.keySet());
    }
    TensorShape shape = tensor.shape();
    if (shape.rank() != 2 || !fits(shape.dimension(0), rows) || !fits(shape.dimension(1), cols)) {
      throw new InvalidModelFileException(path, name + " has shape " + shape.text() + ", expected ["
          + (rows < 0 ? "any" : rows) + ", " + (cols < 0 ? "any" : cols) + "]"
          + (rows < 0 || cols < 0 ? " of at most " + RnnConfig.MAX_SIZE : ""));
    }
    return tensor;
  }

  /** Whether a dimension is {@code expected}, or, where that is negative, one recur can hold. */
  private static boolean fits(long dimension, int expected) {
    return expected >= 0 ? dimension == expected : dimension <= RnnConfig.MAX_SIZE;
  }

  private static Entry vector(Path path, Map<String, Entry> tensors, String name, int length)
      throws InvalidModelFileException {
    Entry tensor = tensors.get(name);
    if (tensor != null && (tensor.shape().rank() != 1 || tensor.shape().dimension(0) != length)) {
      throw new InvalidModelFileException(
          path, name + " has shape " + tensor.shape().text() + ", expected [" + length + "]");
    }
    return tensor;
  }

  /**
   * The value {@code given} by the caller or, where that is null, the one the file's metadata
   * names; when both exist they must agree, so an argument never silently changes what a file
   * says about itself.
   */
  private static <E extends Enum<E>> E metadataEnum(Path path, SafeTensorsHeader header,
      String key, Class<E> type, E given) throws InvalidModelFileException {
    String name = header.metadata(key);
    if (name == null) {
      if (given == null) {
        throw new InvalidModelFileException(
            path, "no " + type.getSimpleName() + " given, and no '" + key + "' in the metadata");
      }
      return given;
    }
    E saved;
    try {
      saved = Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      throw new InvalidModelFileException(path, "unknown " + type.getSimpleName() + " '" + name + "'", e);
    }
    if (given != null && given != saved) {
      throw new InvalidModelFileException(path, "its metadata says " + type.getSimpleName() + " "
          + saved + " ('" + key + "'), not the " + given + " asked for");
    }
    return saved;
  }
}
