package dev.recur.io;

import dev.recur.Activation;
import dev.recur.Bias;
import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 * <p>Bad files throw {@link InvalidModelFileException}, as for the native format.
 */
public final class SafeTensorsFile {

  private static final String ACTIVATION_KEY = "recur.activation";
  private static final String OUTPUT_KEY = "recur.output";
  /** A header larger than this is refused (PyTorch's own limit is 100 MB). */
  private static final long MAX_HEADER_BYTES = 100L << 20;

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
      header.append(",\"").append(e.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":[");
      int[] shape = shapes.get(e.getKey());
      for (int d = 0; d < shape.length; d++) {
        header.append(d == 0 ? "" : ",").append(shape[d]);
      }
      header.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
      offset = end;
    }
    header.append('}');
    while ((header.length() + 8) % 8 != 0) {
      header.append(' '); // the format pads the header so the data starts 8-byte aligned
    }
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
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

  private static void put(
      Map<String, float[]> tensors, Map<String, int[]> shapes, String name, float[] values,
      int... shape) {
    tensors.put(name, values);
    shapes.put(name, shape);
  }

  /**
   * Reads a PyTorch model. The sizes come from the tensor shapes; the activation and output
   * function from the arguments, or, where those are null, from recur's metadata in the file.
   *
   * @param keepBothBiases true for {@link Bias#PYTORCH_PAIR}, false to sum them into {@link
   *     Bias#SINGLE}
   */
  public static Parameters read(
      Path path, PyTorchNames names, Activation activation, OutputFunction output,
      boolean keepBothBiases) throws IOException {
    Objects.requireNonNull(names, "names");
    byte[] bytes = Files.readAllBytes(Objects.requireNonNull(path, "path"));
    Contents contents = parse(path, bytes);
    activation = activation != null ? activation : contents.metadataEnum(path, ACTIVATION_KEY, Activation.class);
    output = output != null ? output : contents.metadataEnum(path, OUTPUT_KEY, OutputFunction.class);

    float[] wx = contents.require(path, names.weightIh(), -1, -1);
    int hidden = contents.shape(names.weightIh())[0];
    int in = contents.shape(names.weightIh())[1];
    float[] wh = contents.require(path, names.weightHh(), hidden, hidden);
    float[] wy = contents.require(path, names.headWeight(), -1, hidden);
    int out = contents.shape(names.headWeight())[0];
    float[] bih = contents.optional(path, names.biasIh(), hidden);
    float[] bhh = contents.optional(path, names.biasHh(), hidden);
    float[] by = contents.optional(path, names.headBias(), out);
    if ((bih == null) != (bhh == null)) {
      throw new InvalidModelFileException(
          path, "has only one of " + names.biasIh() + " and " + names.biasHh());
    }
    boolean anyBias = bih != null || by != null;
    Bias bias = !anyBias ? Bias.NONE : keepBothBiases ? Bias.PYTORCH_PAIR : Bias.SINGLE;
    RnnConfig config;
    try {
      config = RnnConfig.builder(in, hidden, out).activation(activation).output(output).bias(bias).build();
    } catch (IllegalArgumentException e) {
      throw new InvalidModelFileException(path, "invalid configuration: " + e.getMessage(), e);
    }
    Parameters p = Parameters.zeros(config);
    System.arraycopy(wx, 0, p.inputWeights(), 0, wx.length);
    System.arraycopy(wh, 0, p.recurrentWeights(), 0, wh.length);
    System.arraycopy(wy, 0, p.outputWeights(), 0, wy.length);
    if (bih != null) {
      if (bias == Bias.PYTORCH_PAIR) {
        System.arraycopy(bih, 0, p.hiddenBias(), 0, hidden);
        System.arraycopy(bhh, 0, p.secondHiddenBias(), 0, hidden);
      } else {
        for (int i = 0; i < hidden; i++) {
          p.hiddenBias()[i] = bih[i] + bhh[i]; // the sum the forward pass forms
        }
      }
    }
    if (by != null) {
      System.arraycopy(by, 0, p.outputBias(), 0, out);
    }
    return p;
  }

  /** The tensors and metadata of a file, checked against its size before anything is copied. */
  private record Contents(Map<String, float[]> tensors, Map<String, int[]> shapes, Map<String, Object> metadata) {

    int[] shape(String name) {
      return shapes.get(name);
    }

    float[] require(Path path, String name, int rows, int cols) throws InvalidModelFileException {
      float[] values = tensors.get(name);
      if (values == null) {
        throw new InvalidModelFileException(path, "has no tensor '" + name + "'; it has " + tensors.keySet());
      }
      int[] shape = shapes.get(name);
      if (shape.length != 2 || (rows >= 0 && shape[0] != rows) || (cols >= 0 && shape[1] != cols)) {
        throw new InvalidModelFileException(
            path, name + " has shape " + java.util.Arrays.toString(shape) + ", expected ["
                + (rows < 0 ? "any" : rows) + ", " + (cols < 0 ? "any" : cols) + "]");
      }
      return values;
    }

    float[] optional(Path path, String name, int length) throws InvalidModelFileException {
      float[] values = tensors.get(name);
      if (values != null && (shapes.get(name).length != 1 || values.length != length)) {
        throw new InvalidModelFileException(
            path, name + " has shape " + java.util.Arrays.toString(shapes.get(name))
                + ", expected [" + length + "]");
      }
      return values;
    }

    <E extends Enum<E>> E metadataEnum(Path path, String key, Class<E> type)
        throws InvalidModelFileException {
      Object value = metadata.get(key);
      if (!(value instanceof String name)) {
        throw new InvalidModelFileException(
            path, "no " + type.getSimpleName() + " given, and no '" + key + "' in the metadata");
      }
      try {
        return Enum.valueOf(type, name);
      } catch (IllegalArgumentException e) {
        throw new InvalidModelFileException(path, "unknown " + type.getSimpleName() + " '" + name + "'", e);
      }
    }
  }

  private static Contents parse(Path path, byte[] bytes) throws InvalidModelFileException {
    if (bytes.length < 8) {
      throw new InvalidModelFileException(path, "truncated: " + bytes.length + " bytes, no header");
    }
    long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (headerLength < 2 || headerLength > Math.min(bytes.length - 8, MAX_HEADER_BYTES)) {
      throw new InvalidModelFileException(
          path, "header length " + headerLength + " does not fit a file of " + bytes.length + " bytes");
    }
    Object json;
    try {
      json = JsonReader.parse(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new InvalidModelFileException(path, "header is not valid JSON: " + e.getMessage(), e);
    }
    if (!(json instanceof Map<?, ?> header)) {
      throw new InvalidModelFileException(path, "header is not a JSON object");
    }
    int dataStart = 8 + (int) headerLength;
    long dataLength = bytes.length - dataStart;
    Map<String, float[]> tensors = new LinkedHashMap<>();
    Map<String, int[]> shapes = new LinkedHashMap<>();
    Map<String, Object> metadata = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : header.entrySet()) {
      String name = (String) e.getKey();
      if (name.equals("__metadata__")) {
        if (e.getValue() instanceof Map<?, ?> m) {
          m.forEach((k, v) -> metadata.put((String) k, v));
        }
        continue;
      }
      if (!(e.getValue() instanceof Map<?, ?> entry)) {
        throw new InvalidModelFileException(path, "entry '" + name + "' is not an object");
      }
      Object dtype = entry.get("dtype");
      int width = "F32".equals(dtype) ? 4 : "F64".equals(dtype) ? 8 : -1;
      if (width < 0) {
        throw new InvalidModelFileException(path, name + " has dtype " + dtype + "; recur reads F32 and F64");
      }
      int[] shape = intList(path, name, "shape", entry.get("shape"));
      long[] offsets = longPair(path, name, entry.get("data_offsets"));
      long count = 1;
      for (int d : shape) {
        count *= d;
        if (count > Integer.MAX_VALUE) {
          throw new InvalidModelFileException(path, name + " has too many entries");
        }
      }
      if (offsets[0] < 0 || offsets[0] > offsets[1] || offsets[1] > dataLength
          || offsets[1] - offsets[0] != count * width) {
        throw new InvalidModelFileException(
            path, name + ": data_offsets " + offsets[0] + ".." + offsets[1] + " do not hold "
                + count + " values of " + dtype + " within " + dataLength + " data bytes");
      }
      ByteBuffer data =
          ByteBuffer.wrap(bytes, (int) (dataStart + offsets[0]), (int) (count * width))
              .order(ByteOrder.LITTLE_ENDIAN);
      float[] values = new float[(int) count];
      for (int i = 0; i < values.length; i++) {
        values[i] = width == 4 ? data.getFloat() : (float) data.getDouble();
        if (!Float.isFinite(values[i])) {
          throw new InvalidModelFileException(path, "weight " + name + "[" + i + "] is " + values[i]);
        }
      }
      tensors.put(name, values);
      shapes.put(name, shape);
    }
    return new Contents(tensors, shapes, metadata);
  }

  private static int[] intList(Path path, String name, String field, Object value)
      throws InvalidModelFileException {
    if (!(value instanceof List<?> list)) {
      throw new InvalidModelFileException(path, name + " has no " + field + " list");
    }
    int[] result = new int[list.size()];
    for (int i = 0; i < result.length; i++) {
      if (!(list.get(i) instanceof Long v) || v < 0 || v > Integer.MAX_VALUE) {
        throw new InvalidModelFileException(path, name + " has a bad " + field + ": " + list);
      }
      result[i] = (int) (long) v;
    }
    return result;
  }

  private static long[] longPair(Path path, String name, Object value) throws InvalidModelFileException {
    if (!(value instanceof List<?> list) || list.size() != 2
        || !(list.get(0) instanceof Long begin) || !(list.get(1) instanceof Long end)) {
      throw new InvalidModelFileException(path, name + " has no [begin, end] data_offsets");
    }
    return new long[] {begin, end};
  }
}
