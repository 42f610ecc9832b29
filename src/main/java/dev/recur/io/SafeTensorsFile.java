package dev.recur.io;

import dev.recur.Activation;
import dev.recur.Bias;
import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.Tensor;
import dev.recur.io.PyTorchNames.Kind;
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
 * little-endian data. Names follow {@link PyTorchNames}: an optional {@code nn.Embedding}, an
 * {@code nn.RNN} of any number of layers in one direction or both (or an {@code nn.RNNCell}), and
 * an optional {@code nn.Linear} head, with or without its bias.
 *
 * <p>Reading infers the model's structure from the names and shapes alone: the layers from the
 * {@code _l<n>} suffixes, both directions from {@code _reverse}, the embedding from {@code
 * <prefix>weight}, a no-head model (its outputs are the top layer's states) from a missing {@code
 * head.weight}, the layers' biases from {@code bias_ih}/{@code bias_hh} and the head's from {@code
 * head.bias}, each independently. Tensors that do not fit together (a missing layer, a layer with
 * only some of its tensors, {@code _reverse} in some layers only, biases in some layers only,
 * widths that do not chain) are refused with a message that names them.
 *
 * <p>PyTorch's two hidden biases are kept ({@link Bias#PYTORCH_PAIR}) or summed into one ({@link
 * Bias#SINGLE}) as the caller chooses; {@link Bias#SINGLE} is written as {@code bias_ih} with a
 * zero {@code bias_hh}. Written files carry recur's activation, output function and dropout in
 * the header's {@code __metadata__}, and load straight into PyTorch's {@code load_state_dict}.
 *
 * <p>Bad files throw {@link InvalidModelFileException}, as for the native format; so do files
 * with tensors recur would not read (other modules) unless the caller names them as ignored.
 */
public final class SafeTensorsFile {

  private static final String ACTIVATION_KEY = "recur.activation";
  private static final String OUTPUT_KEY = "recur.output";
  private static final String DROPOUT_KEY = "recur.dropout";
  /** How many tensor names a message lists before it only counts the rest. */
  private static final int LISTED_NAMES = 10;

  private SafeTensorsFile() {}

  /**
   * Writes {@code weights} under PyTorch's names, atomically; F32, little-endian.
   *
   * @param path the file to create or replace
   * @param weights the weights to write; every value must be finite
   * @param names the PyTorch module prefixes and naming style ({@code nn.RNN} or {@code
   *     nn.RNNCell})
   * @throws IllegalArgumentException if {@code names} are {@code nn.RNNCell}'s (no layer suffix)
   *     and the model has more than one layer or two directions, or if a weight is NaN or infinite
   * @throws IOException if the file cannot be written (the previous content stays whole)
   * @throws NullPointerException if {@code weights} or {@code names} is null
   */
  public static void write(Path path, Parameters weights, PyTorchNames names) throws IOException {
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(names, "names");
    RnnConfig config = weights.config();
    if (!names.layerSuffix() && (config.layers() > 1 || config.bidirectional())) {
      throw new IllegalArgumentException("nn.RNNCell names (no _l0 suffix) hold one layer in one"
          + " direction; this model has " + config.layers() + " layer"
          + (config.layers() == 1 ? "" : "s") + (config.bidirectional() ? " in both directions" : "")
          + ", so write it with nn.RNN's names");
    }
    Map<String, float[]> tensors = new LinkedHashMap<>();
    Map<String, int[]> shapes = new LinkedHashMap<>();
    int hidden = config.hiddenSize();
    if (config.hasEmbedding()) {
      put(tensors, shapes, names.embeddingWeight(), weights.embedding(), config.inputSize(),
          config.embeddingSize());
    }
    for (int l = 0; l < config.layers(); l++) {
      for (int d = 0; d < config.directions(); d++) {
        Parameters.LayerWeights layer = weights.layer(l, d);
        put(tensors, shapes, names.weightIh(l, d), layer.inputWeights(), hidden,
            config.layerInputSize(l));
        put(tensors, shapes, names.weightHh(l, d), layer.recurrentWeights(), hidden, hidden);
        if (config.bias() != Bias.NONE) {
          put(tensors, shapes, names.biasIh(l, d), layer.firstBias(), hidden);
          float[] second =
              config.bias() == Bias.PYTORCH_PAIR ? layer.secondBias() : new float[hidden];
          put(tensors, shapes, names.biasHh(l, d), second, hidden);
        }
      }
    }
    if (config.head()) {
      put(tensors, shapes, names.headWeight(), weights.outputWeights(), config.outputSize(),
          config.stateWidth());
    }
    if (config.headBias()) {
      put(tensors, shapes, names.headBias(), weights.outputBias(), config.outputSize());
    }
    for (Tensor t : weights.tensors()) {
      ModelFile.requireFinite(t);
    }

    StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\",\"")
        .append(ACTIVATION_KEY).append("\":\"").append(config.activation()).append("\",\"")
        .append(OUTPUT_KEY).append("\":\"").append(config.output()).append('"');
    if (config.dropout() > 0f) {
      header.append(",\"").append(DROPOUT_KEY).append("\":\"").append(config.dropout()).append('"');
    }
    header.append('}');
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

  /**
   * Reads a PyTorch model whose file holds only the tensors recur reads; see the next method.
   *
   * @param path the safetensors file
   * @param names the PyTorch module prefixes and naming style the file uses
   * @param activation the hidden nonlinearity where the file's metadata names none; null to
   *     require the metadata's
   * @param output the output function where the file's metadata names none; null to require the
   *     metadata's
   * @param keepBothBiases true for {@link Bias#PYTORCH_PAIR}, false to sum them into {@link
   *     Bias#SINGLE}
   * @return the weights, their config inferred from the tensors' names and shapes
   * @throws IOException as the next method does
   */
  public static Parameters read(
      Path path, PyTorchNames names, Activation activation, OutputFunction output,
      boolean keepBothBiases) throws IOException {
    return read(path, names, activation, output, keepBothBiases, Set.of());
  }

  /**
   * Reads a PyTorch model. The structure and sizes come from the tensor names and shapes (see the
   * class comment); the activation and output function from recur's metadata in the file or,
   * where it has none, from the arguments (an argument that contradicts the metadata is an error;
   * null asks for the metadata's).
   *
   * <p>Every other tensor of the file is an error that names it, unless it is in {@code
   * ignoredTensors}: a model with other modules would otherwise load as something it is not. Only
   * the tensors recur reads cost memory, so a file larger than any Java array loads if the model
   * itself fits.
   *
   * @param path the safetensors file
   * @param names the PyTorch module prefixes and naming style the file uses
   * @param activation the hidden nonlinearity where the file's metadata names none; null to
   *     require the metadata's
   * @param output the output function where the file's metadata names none; null to require the
   *     metadata's
   * @param keepBothBiases true for {@link Bias#PYTORCH_PAIR}, false to sum them into {@link
   *     Bias#SINGLE}
   * @param ignoredTensors names of tensors the model does not need, such as a BatchNorm's {@code
   *     num_batches_tracked}; none of them may be one recur reads
   * @throws IllegalArgumentException if {@code ignoredTensors} names a tensor recur reads: any
   *     recurrent parameter under the names' prefix, the embedding's or the head's weight or bias
   * @throws IOException if the file cannot be read, is not valid safetensors, or does not hold a
   *     model recur can run (the message names the tensor)
   * @return the weights, their config inferred from the tensors' names and shapes
   */
  public static Parameters read(
      Path path, PyTorchNames names, Activation activation, OutputFunction output,
      boolean keepBothBiases, Set<String> ignoredTensors) throws IOException {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(names, "names");
    for (String ignored : Objects.requireNonNull(ignoredTensors, "ignoredTensors")) {
      if (names.isRead(ignored)) {
        throw new IllegalArgumentException(ignored + " is a tensor recur reads; it cannot be ignored");
      }
    }
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      SafeTensorsHeader header = SafeTensorsHeader.read(path, channel);
      // before the layout: a tensor in a dtype recur cannot read is named as such, not as a
      // byte range that does not fit its shape
      for (Entry tensor : header.tensors().values()) {
        if (!tensor.dtype().readable() && names.isRead(tensor.name())) {
          throw new InvalidModelFileException(path, tensor.name() + " has dtype " + tensor.dtype()
              + "; recur reads " + TensorDtype.READABLE);
        }
      }
      SafeTensorsData data = header.checkLayout(channel);
      return load(path, header, data, names, ignoredTensors, activation, output, keepBothBiases);
    }
  }

  /**
   * The tensors of one direction of one recurrent layer, as the file holds them: {@code
   * weight_ih}, {@code weight_hh}, {@code bias_ih}, {@code bias_hh} in {@link Kind}
   * order, null where absent.
   */
  private record Unit(int layer, int direction, Entry[] tensors) {
    Entry get(Kind kind) {
      return tensors[kind.ordinal()];
    }

    boolean hasBias() {
      return get(Kind.BIAS_IH) != null;
    }

    /** For messages: "layer 1", or "the reverse direction of layer 1". */
    String describe() {
      return (direction == 1 ? "the reverse direction of layer " : "layer ") + layer;
    }

    List<String> present() {
      return Arrays.stream(tensors).filter(Objects::nonNull).map(Entry::name).toList();
    }
  }

  /**
   * Infers the structure and checks that the tensors fit together, then reads the weights; a null
   * activation or output function comes from the metadata, asked for only once the tensors are
   * known to be a model recur can hold.
   */
  private static Parameters load(
      Path path, SafeTensorsHeader header, SafeTensorsData data, PyTorchNames names,
      Set<String> ignoredTensors, Activation activation, OutputFunction output,
      boolean keepBothBiases) throws IOException {
    Map<String, Entry> tensors = header.tensors();
    Unit[] found = recurrentTensors(path, tensors, names);
    Entry wx0 = matrix(path, tensors, names.weightIh(0, 0), -1, -1, "");
    int hidden = (int) wx0.shape().dimension(0);
    int in = (int) wx0.shape().dimension(1);
    matrix(path, tensors, names.weightHh(0, 0), hidden, hidden, "");
    int layers = 0;
    boolean bidirectional = false;
    for (Unit unit : found) {
      if (unit != null) {
        layers = Math.max(layers, unit.layer() + 1);
        bidirectional |= unit.direction() == 1;
      }
    }
    int directions = bidirectional ? 2 : 1;
    Unit[] units = checkUnits(path, names, found, layers, directions);
    Bias bias = checkWidths(path, names, units, hidden, in, directions, keepBothBiases);

    List<String> read = new ArrayList<>();
    Entry embedding = tensors.get(names.embeddingWeight());
    if (embedding != null) {
      matrix(path, tensors, names.embeddingWeight(), -1, in, ": each token's vector is the input of "
          + names.weightIh(0, 0) + ", which has " + in + " columns");
      read.add(embedding.name());
    }
    long matrixValues = embedding == null ? 0 : embedding.count();
    for (Unit unit : units) {
      read.addAll(unit.present());
      matrixValues += unit.get(Kind.WEIGHT_IH).count() + unit.get(Kind.WEIGHT_HH).count();
    }
    Entry headWeight = tensors.get(names.headWeight());
    Entry headBias = tensors.get(names.headBias());
    int width = directions * hidden;
    int out = width;
    if (headWeight != null) {
      String why = layers == 1 && directions == 1
          ? ""
          : ": the head reads the states of layer " + (layers - 1)
              + (directions == 2 ? " in both directions (2 × hidden size " + hidden + ")" : "");
      headWeight = matrix(path, tensors, names.headWeight(), -1, width, why);
      out = (int) headWeight.shape().dimension(0);
      read.add(headWeight.name());
      matrixValues += headWeight.count();
    }
    if (headBias != null) {
      if (headWeight == null) {
        throw new InvalidModelFileException(path, "has " + names.headBias() + " but no "
            + names.headWeight() + ": a head needs its weight (a model without a head has neither)");
      }
      vector(path, tensors, names.headBias(), out);
      read.add(headBias.name());
    }
    refuseUnread(path, header, names, read, ignoredTensors);

    activation = metadataEnum(path, header, ACTIVATION_KEY, Activation.class, activation);
    output = metadataEnum(path, header, OUTPUT_KEY, OutputFunction.class, output);
    float dropout = metadataDropout(path, header);
    RnnConfig config;
    try {
      int inputs = embedding == null ? in : (int) embedding.shape().dimension(0); // I, or V
      RnnConfig.Builder builder = RnnConfig.builder(inputs, hidden, out)
          .activation(activation).output(output).bias(bias).layers(layers)
          .bidirectional(bidirectional).embedding(embedding == null ? 0 : in).dropout(dropout);
      config = (headWeight == null ? builder.noHead() : builder.headBias(headBias != null)).build();
    } catch (IllegalArgumentException e) {
      throw new InvalidModelFileException(path, "invalid configuration: " + e.getMessage(), e);
    }
    // the matrices, and room for both biases of every layer and the head's
    long weightBytes = 4L * (matrixValues + 2L * hidden * units.length + out);
    // a loaded model is used: the weights, and the layout a model derives from them (transposed),
    // with room for the reading itself; refused here rather than by an OutOfMemoryError later
    long limit = Runtime.getRuntime().maxMemory() / 3;
    if (weightBytes > limit) {
      throw new InvalidModelFileException(path, "its weights need " + FileBytes.describe(weightBytes)
          + "; loading and using them takes about three times that, more than this JVM may use ("
          + FileBytes.describe(Runtime.getRuntime().maxMemory()) + ", -Xmx)");
    }
    Parameters p = Parameters.zeros(config);
    if (embedding != null) {
      data.readFloats(embedding, p.embedding());
    }
    float[] second = bias == Bias.SINGLE ? new float[hidden] : null;
    for (Unit unit : units) {
      Parameters.LayerWeights layer = p.layer(unit.layer(), unit.direction());
      data.readFloats(unit.get(Kind.WEIGHT_IH), layer.inputWeights());
      data.readFloats(unit.get(Kind.WEIGHT_HH), layer.recurrentWeights());
      if (bias == Bias.PYTORCH_PAIR) {
        data.readFloats(unit.get(Kind.BIAS_IH), layer.firstBias());
        data.readFloats(unit.get(Kind.BIAS_HH), layer.secondBias());
      } else if (bias == Bias.SINGLE) {
        data.readFloats(unit.get(Kind.BIAS_IH), layer.firstBias());
        data.readFloats(unit.get(Kind.BIAS_HH), second);
        for (int i = 0; i < hidden; i++) {
          if (second[i] != 0f) { // the sum the forward pass forms; a zero keeps the bits (-0)
            layer.firstBias()[i] += second[i];
          }
        }
      }
    }
    if (headWeight != null) {
      data.readFloats(headWeight, p.outputWeights());
    }
    if (headBias != null) {
      data.readFloats(headBias, p.outputBias());
    }
    p.markChanged();
    return p;
  }

  /**
   * The file's recurrent parameters by layer and direction (layer l, direction d at {@code 2l +
   * d}; null where it has none), refusing a layer number past what recur holds.
   */
  private static Unit[] recurrentTensors(Path path, Map<String, Entry> tensors, PyTorchNames names)
      throws InvalidModelFileException {
    Unit[] units = new Unit[2 * RnnConfig.MAX_LAYERS];
    for (Entry tensor : tensors.values()) {
      PyTorchNames.RnnParameter p = names.parseRnn(tensor.name());
      if (p == null) {
        continue;
      }
      if (p.layer() >= RnnConfig.MAX_LAYERS) {
        throw new InvalidModelFileException(path, tensor.name() + " is past the last layer recur"
            + " holds: at most " + RnnConfig.MAX_LAYERS + " layers, numbered 0 to "
            + (RnnConfig.MAX_LAYERS - 1));
      }
      int at = 2 * p.layer() + p.direction();
      if (units[at] == null) {
        units[at] = new Unit(p.layer(), p.direction(), new Entry[Kind.values().length]);
      }
      units[at].tensors()[p.kind().ordinal()] = tensor;
    }
    return units;
  }

  /**
   * Checks that every layer below the top one is there, in every direction, with both its
   * weights; returns the units in tensor order (layer by layer, forward first).
   */
  private static Unit[] checkUnits(
      Path path, PyTorchNames names, Unit[] found, int layers, int directions)
      throws InvalidModelFileException {
    List<Integer> present = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      if (found[2 * l] != null || found[2 * l + 1] != null) {
        present.add(l);
      }
    }
    for (int l = 0; l < layers; l++) {
      if (!present.contains(l)) {
        throw new InvalidModelFileException(path, "has tensors of layers " + present + " but none of"
            + " layer " + l + " (no " + names.weightIh(l, 0) + "): the layers of an nn.RNN are"
            + " numbered from 0 without a gap");
      }
    }
    if (directions == 2) {
      List<Integer> both = new ArrayList<>();
      List<Integer> one = new ArrayList<>();
      String missing = null;
      for (int l = 0; l < layers; l++) {
        int absent = found[2 * l] == null ? 0 : found[2 * l + 1] == null ? 1 : -1;
        (absent < 0 ? both : one).add(l);
        if (absent >= 0 && missing == null) {
          missing = names.weightIh(l, absent);
        }
      }
      if (!one.isEmpty()) {
        throw new InvalidModelFileException(path, "has both directions in layers " + both
            + " but only one in layers " + one + " (no " + missing + "): a bidirectional nn.RNN"
            + " has _reverse tensors in every layer");
      }
    }
    Unit[] units = new Unit[layers * directions];
    for (int l = 0; l < layers; l++) {
      for (int d = 0; d < directions; d++) {
        Unit unit = found[2 * l + d];
        for (Kind kind : new Kind[] {Kind.WEIGHT_IH, Kind.WEIGHT_HH}) {
          if (unit.get(kind) == null) {
            throw new InvalidModelFileException(path, "has no tensor '" + names.rnn(kind, l, d)
                + "', which " + unit.describe() + " needs beside " + unit.present());
          }
        }
        units[l * directions + d] = unit;
      }
    }
    return units;
  }

  /**
   * Checks the shapes of every layer's tensors against the first layer's and the biases against
   * each other; returns the layers' {@link Bias}.
   */
  private static Bias checkWidths(
      Path path, PyTorchNames names, Unit[] units, int hidden, int in, int directions,
      boolean keepBothBiases) throws InvalidModelFileException {
    Unit withBias = null;
    Unit withoutBias = null;
    for (Unit unit : units) {
      int l = unit.layer();
      int d = unit.direction();
      if (l > 0) {
        checkMatrix(path, unit.get(Kind.WEIGHT_IH), hidden, directions * hidden,
            ": layer " + l + " reads the states of layer " + (l - 1) + (directions == 2
                ? " in both directions (2 × hidden size " + hidden + ")"
                : " (hidden size " + hidden + ")"));
      } else if (d == 1) {
        checkMatrix(path, unit.get(Kind.WEIGHT_IH), hidden, in,
            ": both directions of layer 0 read the inputs, as " + names.weightIh(0, 0) + " does");
      }
      if (l > 0 || d > 0) {
        checkMatrix(path, unit.get(Kind.WEIGHT_HH), hidden, hidden,
            ": the hidden size is " + hidden + ", the rows of " + names.weightIh(0, 0));
      }
      Entry bih = unit.get(Kind.BIAS_IH);
      Entry bhh = unit.get(Kind.BIAS_HH);
      if ((bih == null) != (bhh == null)) {
        throw new InvalidModelFileException(
            path, "has only one of " + names.biasIh(l, d) + " and " + names.biasHh(l, d));
      }
      if (bih != null) {
        checkVector(path, bih, hidden);
        checkVector(path, bhh, hidden);
        withBias = withBias == null ? unit : withBias;
      } else {
        withoutBias = withoutBias == null ? unit : withoutBias;
      }
    }
    if (withBias != null && withoutBias != null) {
      throw new InvalidModelFileException(path, "has biases in " + withBias.describe() + " ("
          + names.biasIh(withBias.layer(), withBias.direction()) + ") but none in "
          + withoutBias.describe() + " (no "
          + names.biasIh(withoutBias.layer(), withoutBias.direction())
          + "): an nn.RNN has biases in every layer and direction or in none");
    }
    return withBias == null ? Bias.NONE : keepBothBiases ? Bias.PYTORCH_PAIR : Bias.SINGLE;
  }

  /**
   * The tensors recur does not read must all be ignored by name, or the model is not recur's.
   *
   * @param read the tensors the model reads, in its order
   */
  private static void refuseUnread(Path path, SafeTensorsHeader header, PyTorchNames names,
      List<String> read, Set<String> ignoredTensors) throws InvalidModelFileException {
    Set<String> reads = Set.copyOf(read);
    List<String> unread = new ArrayList<>();
    boolean rnnNames = false;
    for (String name : header.tensors().keySet()) {
      if (!reads.contains(name) && !ignoredTensors.contains(name)) {
        unread.add(name);
        rnnNames |= !names.layerSuffix() && names.isLayerSuffixed(name);
      }
    }
    if (unread.isEmpty()) {
      return;
    }
    throw new InvalidModelFileException(path, "has tensors recur does not read: " + listed(unread)
        + (rnnNames
            ? "; these are nn.RNN names (with a layer suffix such as _l0), and the file is being"
                + " read as an nn.RNNCell (no suffix)"
            : "; recur reads only " + listed(read) + ", so name the others as ignored tensors"
                + " if the model does not need them"));
  }

  /** The first {@value #LISTED_NAMES} names, and how many more there are. */
  private static String listed(List<String> names) {
    return names.size() <= LISTED_NAMES
        ? names.toString()
        : names.subList(0, LISTED_NAMES) + " and " + (names.size() - LISTED_NAMES) + " more";
  }

  /**
   * The tensor {@code name}, which must be there with {@code rows × cols} (a negative size: any
   * that recur can hold); {@code why} ends the message of a wrong shape.
   */
  private static Entry matrix(
      Path path, Map<String, Entry> tensors, String name, int rows, int cols, String why)
      throws InvalidModelFileException {
    Entry tensor = tensors.get(name);
    if (tensor == null) {
      throw new InvalidModelFileException(path, "has no tensor '" + name + "'; it has " + tensors.keySet());
    }
    checkMatrix(path, tensor, rows, cols, why);
    return tensor;
  }

  private static void checkMatrix(Path path, Entry tensor, int rows, int cols, String why)
      throws InvalidModelFileException {
    TensorShape shape = tensor.shape();
    if (shape.rank() != 2 || !fits(shape.dimension(0), rows) || !fits(shape.dimension(1), cols)) {
      throw new InvalidModelFileException(path, tensor.name() + " has shape " + shape.text()
          + ", expected [" + (rows < 0 ? "any" : rows) + ", " + (cols < 0 ? "any" : cols) + "]"
          + (rows < 0 || cols < 0 ? " of at most " + RnnConfig.MAX_SIZE : "") + why);
    }
  }

  /** Whether a dimension is {@code expected}, or, where that is negative, one recur can hold. */
  private static boolean fits(long dimension, int expected) {
    return expected >= 0 ? dimension == expected : dimension <= RnnConfig.MAX_SIZE;
  }

  private static void vector(Path path, Map<String, Entry> tensors, String name, int length)
      throws InvalidModelFileException {
    Entry tensor = tensors.get(name);
    if (tensor != null) {
      checkVector(path, tensor, length);
    }
  }

  private static void checkVector(Path path, Entry tensor, int length) throws InvalidModelFileException {
    if (tensor.shape().rank() != 1 || tensor.shape().dimension(0) != length) {
      throw new InvalidModelFileException(
          path, tensor.name() + " has shape " + tensor.shape().text() + ", expected [" + length + "]");
    }
  }

  /** The dropout of recur's metadata, or 0 where the file has none (PyTorch's files never do). */
  private static float metadataDropout(Path path, SafeTensorsHeader header)
      throws InvalidModelFileException {
    String text = header.metadata(DROPOUT_KEY);
    if (text == null) {
      return 0f;
    }
    try {
      return Float.parseFloat(text);
    } catch (NumberFormatException e) {
      throw new InvalidModelFileException(path, "'" + DROPOUT_KEY + "' in the metadata is '" + text
          + "', not a number", e);
    }
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
        throw new InvalidModelFileException(path, "no " + type.getSimpleName().toLowerCase(
            java.util.Locale.ROOT) + " given, and no '" + key + "' in the metadata; it is one of "
            + Arrays.toString(type.getEnumConstants()));
      }
      return given;
    }
    E saved;
    try { // PyTorch spells them in lower case ("tanh")
      saved = Enum.valueOf(type, name.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidModelFileException(path, "unknown " + type.getSimpleName() + " '" + name
          + "' in '" + key + "'; it is one of " + Arrays.toString(type.getEnumConstants()), e);
    }
    if (given != null && given != saved) {
      throw new InvalidModelFileException(path, "its metadata says " + type.getSimpleName() + " "
          + saved + " ('" + key + "'), not the " + given + " asked for");
    }
    return saved;
  }
}
