package dev.recur.io;

import dev.recur.Activation;
import dev.recur.Bias;
import dev.recur.Initializer;
import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.Precision;
import dev.recur.RnnConfig;
import dev.recur.Tensor;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * recur's native model file, format version 3. All numbers little-endian:
 *
 * <pre>
 * magic     8 bytes   "recurRNN"
 * version   u32       3
 * config    i32 inputSize, i32 hiddenSize, i32 outputSize,
 *           string activation, string output, string bias, string initializer
 *           (enum names; string = u16 byte length + UTF-8), f32 identityScale, i64 seed,
 *           i32 layers, u8 structure (bit 0 bidirectional, bit 1 head, bit 2 head bias; the
 *           other bits 0), i32 embeddingSize (0 for none), f32 dropout, u8 precision
 *           (0 fp32, 1 bf16, 2 int8: how the weight matrices below are held)
 * tensors   u32 count, then per tensor: string name, i32 rows, i32 cols, then its values
 *           (the {@link Parameters} tensors, in their order and row-major layout): rows·cols
 *           f32, except for the weight matrices W_x, W_h, W_y of a bf16 or int8 model: rows·cols
 *           u16 (bf16) or rows f32 scales, then rows·cols i8 (int8, one scale per row)
 * metadata  u32 count, then per entry: string key, string value (e.g. a character model's
 *           vocabulary under {@value #VOCABULARY})
 * checksum  u32       CRC32C of every byte before it
 * </pre>
 *
 * Version 1 (recur before stacked models) had the config without the fields from {@code layers}
 * on; it still loads, as a one-layer unidirectional model with a head whose bias follows the
 * layer's. Version 2 had no precision byte (every tensor f32); it loads as fp32.
 *
 * <p>A bf16 or int8 model loads as the float values its matrices stand for, with its {@link
 * SavedModel#precision}; freezing those values in that precision ({@link
 * dev.recur.inference.InferenceModel}) gives back exactly the saved bf16 or int8 weights, as both
 * roundings return their own results unchanged.
 *
 * Writes are atomic: the bytes go to a temporary file in the same folder, are forced to disk,
 * and the temporary file is renamed over the target, so a crash leaves the previous file whole.
 * Loading reads at most the file's actual size and checks every length against the bytes that
 * remain before allocating for it.
 */
public final class ModelFile {

  /** The metadata key of a token model's vocabulary: one character per token index. */
  public static final String VOCABULARY = "recur.vocabulary";

  /** The metadata key of a classifier's labels or a tagger's tags, one per line in class order. */
  public static final String LABELS = "recur.labels";

  /** The metadata key of a segmenter's window: the characters per window it was trained on. */
  public static final String WINDOW = "recur.window";

  /** The metadata key of a tagger's vocabulary, one token per line in index order. */
  public static final String TOKENS = "recur.tokens";

  /**
   * A model, the metadata saved with it, and the precision its weight matrices are saved and
   * served in (the weights hold the values that precision stands for).
   *
   * @param weights the model's weights (for bf16 or int8, the float values the rounded matrices
   *     stand for)
   * @param metadata string entries saved beside the weights, such as {@link #VOCABULARY}; keys and
   *     values at most 65,535 UTF-8 bytes each when written
   * @param precision how the weight matrices W_x, W_h and W_y are stored and served
   */
  public record SavedModel(Parameters weights, Map<String, String> metadata, Precision precision) {
    /**
     * Checks the parts; the metadata is copied.
     *
     * @throws NullPointerException if an argument is null
     */
    public SavedModel {
      Objects.requireNonNull(weights, "weights");
      metadata = Map.copyOf(metadata);
      Objects.requireNonNull(precision, "precision");
    }

    /**
     * A float32 model.
     *
     * @param weights the model's weights
     * @param metadata string entries saved beside the weights; copied
     * @throws NullPointerException if an argument is null
     */
    public SavedModel(Parameters weights, Map<String, String> metadata) {
      this(weights, metadata, Precision.FP32);
    }

    /**
     * The newline-separated list under {@code key} ({@link #LABELS}, {@link #TOKENS}), or null.
     *
     * @param key the metadata key
     * @return the value split at each newline (empty entries kept), or null if the key is absent
     */
    public List<String> list(String key) {
      String joined = metadata.get(key);
      return joined == null ? null : List.of(joined.split("\n", -1));
    }
  }

  static final byte[] MAGIC = RecurFileKind.MODEL.magic();
  static final int VERSION = 3;

  /** Format 1: the config ends at the seed; a single layer with the notes' bias rule. */
  private static final int FIRST_VERSION = 1;

  /** Format 2: no precision byte; every tensor f32. */
  private static final int FLOAT_ONLY_VERSION = 2;

  private static final int BIDIRECTIONAL = 1;
  private static final int HEAD = 2;
  private static final int HEAD_BIAS = 4;
  /** Files larger than this are refused before reading: no Java array could hold them. */
  static final long MAX_BYTES = Integer.MAX_VALUE - 16;

  private ModelFile() {}

  /**
   * Writes {@code weights} to {@code path} atomically; refuses NaN or infinite weights.
   *
   * @param path the file to create or replace
   * @param weights the weights to save, in float32, with no metadata
   * @throws IllegalArgumentException if a weight is NaN or infinite
   * @throws IOException if the file cannot be written (the previous content stays whole)
   */
  public static void save(Path path, Parameters weights) throws IOException {
    save(path, new SavedModel(weights, Map.of()));
  }

  /**
   * Writes a model and its metadata to {@code path} atomically.
   *
   * @param path the file to create or replace
   * @param model the weights, metadata and precision to save
   * @throws IllegalArgumentException if a weight is NaN or infinite
   * @throws IOException if the file cannot be written (the previous content stays whole)
   */
  public static void save(Path path, SavedModel model) throws IOException {
    AtomicFile.write(path, encode(Objects.requireNonNull(model, "model")));
  }

  /**
   * The bytes {@link #save} writes, for embedding a model in another file (a checkpoint).
   *
   * @param weights the weights to encode, in float32, with no metadata
   * @return a new array holding the whole file format, checksum included
   * @throws IllegalArgumentException if a weight is NaN or infinite, or the model is too large
   *     for one array
   */
  public static byte[] toBytes(Parameters weights) {
    return encode(new SavedModel(weights, Map.of())).array();
  }

  /**
   * Reads bytes made by {@link #toBytes}; {@code source} names where they came from in messages.
   *
   * @param source the file the bytes were read from, named in error messages only
   * @param bytes the encoded model; not modified
   * @return the decoded weights (metadata and precision are dropped)
   * @throws InvalidModelFileException if the bytes are not a whole, valid model
   */
  public static Parameters fromBytes(Path source, byte[] bytes) throws InvalidModelFileException {
    return decode(source, bytes).weights();
  }

  static ByteBuffer encode(Parameters weights) {
    return encode(new SavedModel(weights, Map.of()));
  }

  static ByteBuffer encode(SavedModel model) {
    Parameters weights = model.weights();
    RnnConfig config = weights.config();
    List<Tensor> tensors = weights.tensors();
    Precision precision = model.precision();
    // magic, version, sizes, identity scale, seed, structure (13), precision, tensor count, checksum
    long size = MAGIC.length + 4 + 12 + 4 + 8 + 13 + 1 + 4 + 4;
    String[] enums = {
      config.activation().name(), config.output().name(), config.bias().name(),
      config.initializer().name()
    };
    for (String name : enums) {
      size += 2 + name.length();
    }
    for (Tensor t : tensors) {
      requireFinite(t);
      size += 2 + t.name().getBytes(StandardCharsets.UTF_8).length + 8
          + TensorCodec.of(t, precision).bytes(t.rows(), t.cols());
    }
    size += 4;
    for (Map.Entry<String, String> e : model.metadata().entrySet()) {
      size += 4 + utf8Length(e.getKey()) + utf8Length(e.getValue());
    }
    if (size > MAX_BYTES) {
      throw new IllegalArgumentException("a model of " + size + " bytes is too large to write");
    }
    ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).putInt(VERSION);
    out.putInt(config.inputSize()).putInt(config.hiddenSize()).putInt(config.outputSize());
    for (String name : enums) {
      putString(out, name);
    }
    out.putFloat(config.identityScale()).putLong(config.seed());
    out.putInt(config.layers());
    out.put((byte) ((config.bidirectional() ? BIDIRECTIONAL : 0) | (config.head() ? HEAD : 0)
        | (config.headBias() ? HEAD_BIAS : 0)));
    out.putInt(config.embeddingSize()).putFloat(config.dropout());
    out.put((byte) precision.ordinal());
    out.putInt(tensors.size());
    for (Tensor t : tensors) {
      putString(out, t.name());
      out.putInt(t.rows()).putInt(t.cols());
      TensorCodec.of(t, precision).write(t, out);
    }
    out.putInt(model.metadata().size());
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(model.metadata()).entrySet()) {
      putString(out, e.getKey());
      putString(out, e.getValue());
    }
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.flip();
  }

  static void requireFinite(Tensor t) {
    float[] values = t.values();
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new IllegalArgumentException(
            t.name() + "[" + i + "] is " + values[i] + "; refusing to write a model no one can load");
      }
    }
  }

  private static int utf8Length(String value) {
    int length = value.getBytes(StandardCharsets.UTF_8).length;
    if (length > 0xFFFF) {
      throw new IllegalArgumentException(
          "a name or metadata value of " + length + " bytes is longer than the format's 65535");
    }
    return length;
  }

  private static void putString(ByteBuffer out, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    out.putShort((short) bytes.length).put(bytes);
  }

  /**
   * Reads a model written by {@link #save}.
   *
   * @param path the model file
   * @return the weights, as float values (metadata and precision are dropped)
   * @throws InvalidModelFileException if the file is not a whole, valid model
   * @throws IOException if the file cannot be read
   */
  public static Parameters load(Path path) throws IOException {
    return loadModel(path).weights();
  }

  /**
   * Reads a model and its metadata.
   *
   * @param path the model file, any format version from 1 to 3
   * @return the weights, the metadata and the saved precision
   * @throws InvalidModelFileException if the file is not a whole, valid model
   * @throws IOException if the file cannot be read
   */
  public static SavedModel loadModel(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    // the bytes and the tensors decoded from them are both in memory for a moment
    long limit = Math.min(MAX_BYTES, Runtime.getRuntime().maxMemory() / 3);
    byte[] bytes = FileBytes.read(path, limit, size -> new InvalidModelFileException(path,
        (size < 0 ? "it runs past " + FileBytes.describe(limit) + ", which" : FileBytes.describe(size))
            + " is larger than any model this JVM can load (at most " + FileBytes.describe(limit)
            + ", a third of its heap limit -Xmx, and never more than 2 GiB)"),
        (head, length) -> {
          String mismatch = RecurFileKind.mismatch(RecurFileKind.MODEL, head, length);
          if (mismatch != null) {
            throw new InvalidModelFileException(path, mismatch);
          }
        });
    return decode(path, bytes);
  }

  static SavedModel decode(Path path, byte[] bytes) throws InvalidModelFileException {
    int minimum = MAGIC.length + 4 + 4;
    if (bytes.length < minimum) {
      throw new InvalidModelFileException(
          path, "truncated: " + bytes.length + " bytes, a model file has at least " + minimum);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[MAGIC.length];
    in.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new InvalidModelFileException(
          path, RecurFileKind.mismatch(RecurFileKind.MODEL, magic, magic.length));
    }
    int version = in.getInt();
    if (version < FIRST_VERSION || version > VERSION) {
      throw new InvalidModelFileException(
          path,
          version > VERSION
              ? "format version " + version + " is newer than this recur reads (" + VERSION + ")"
              : "format version " + version + " is not one recur ever wrote");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (stored != (int) crc.getValue()) {
      throw new InvalidModelFileException(path, "checksum mismatch: the file is corrupted or truncated");
    }
    ByteBuffer body = in.slice(in.position(), bytes.length - 4 - in.position()).order(ByteOrder.LITTLE_ENDIAN);
    try {
      RnnConfig config = readConfig(path, body, version);
      Precision precision = version > FLOAT_ONLY_VERSION ? readPrecision(path, body) : Precision.FP32;
      Parameters parameters = readTensors(path, body, config, precision);
      Map<String, String> metadata = readMetadata(path, body);
      if (body.hasRemaining()) {
        throw new InvalidModelFileException(
            path, body.remaining() + " unexpected bytes after the metadata");
      }
      return new SavedModel(parameters, metadata, precision);
    } catch (BufferUnderflowException e) {
      throw new InvalidModelFileException(path, "truncated: the header promises more than the file holds", e);
    }
  }

  private static RnnConfig readConfig(Path path, ByteBuffer in, int version)
      throws InvalidModelFileException {
    int inputSize = in.getInt();
    int hiddenSize = in.getInt();
    int outputSize = in.getInt();
    Activation activation = readEnum(path, in, Activation.class);
    OutputFunction output = readEnum(path, in, OutputFunction.class);
    Bias bias = readEnum(path, in, Bias.class);
    Initializer initializer = readEnum(path, in, Initializer.class);
    float identityScale = in.getFloat();
    long seed = in.getLong();
    int layers = 1;
    int structure = HEAD | (bias == Bias.NONE ? 0 : HEAD_BIAS);
    int embeddingSize = 0;
    float dropout = 0f;
    if (version > FIRST_VERSION) {
      layers = in.getInt();
      structure = Byte.toUnsignedInt(in.get());
      embeddingSize = in.getInt();
      dropout = in.getFloat();
      if ((structure & ~(BIDIRECTIONAL | HEAD | HEAD_BIAS)) != 0) {
        throw new InvalidModelFileException(
            path, "unknown structure bits 0x" + Integer.toHexString(structure));
      }
    }
    try {
      return new RnnConfig(
          inputSize, hiddenSize, outputSize, activation, output, bias, initializer,
          identityScale, seed, layers, (structure & BIDIRECTIONAL) != 0, embeddingSize,
          (structure & HEAD) != 0, (structure & HEAD_BIAS) != 0, dropout);
    } catch (IllegalArgumentException e) {
      throw new InvalidModelFileException(path, "invalid configuration: " + e.getMessage(), e);
    }
  }

  private static Precision readPrecision(Path path, ByteBuffer in)
      throws InvalidModelFileException {
    int code = Byte.toUnsignedInt(in.get());
    Precision[] all = Precision.values();
    if (code >= all.length) {
      throw new InvalidModelFileException(path, "unknown precision code " + code
          + " (this recur reads 0 to " + (all.length - 1) + ": " + java.util.Arrays.toString(all) + ")");
    }
    return all[code];
  }

  private static Parameters readTensors(Path path, ByteBuffer in, RnnConfig config,
      Precision precision) throws InvalidModelFileException {
    int count = in.getInt();
    // Sized from the config alone, before anything is allocated for the tensors.
    int expectedCount = tensorCount(config);
    if (count != expectedCount) {
      throw new InvalidModelFileException(
          path, count + " tensors, the configuration (" + config.structure() + ", layer bias "
              + config.bias() + ") has "
              + expectedCount);
    }
    // Nothing is allocated for the weights until the file is known to hold them all: a header
    // that claims a huge model in a small file is refused here, not by an OutOfMemoryError.
    long weightBytes = weightBytes(config, precision);
    if (weightBytes > in.remaining()) {
      throw new InvalidModelFileException(
          path, "truncated: the configuration needs " + weightBytes + " bytes of weights, "
              + in.remaining() + " remain");
    }
    Parameters parameters = Parameters.zeros(config);
    for (Tensor target : parameters.tensors()) {
      String name = readString(path, in);
      int rows = in.getInt();
      int cols = in.getInt();
      if (!name.equals(target.name()) || rows != target.rows() || cols != target.cols()) {
        throw new InvalidModelFileException(
            path, "tensor " + name + " " + rows + "×" + cols + " where the config needs "
                + target.name() + " " + target.rows() + "×" + target.cols());
      }
      TensorCodec codec = TensorCodec.of(target, precision);
      long needed = codec.bytes(rows, cols);
      if (needed > in.remaining()) {
        throw new InvalidModelFileException(
            path, "truncated: tensor " + name + " needs " + needed + " bytes, "
                + in.remaining() + " remain");
      }
      codec.read(in, target);
      float[] values = target.values();
      for (int i = 0; i < values.length; i++) {
        if (!Float.isFinite(values[i])) {
          throw new InvalidModelFileException(path, "weight " + name + "[" + i + "] is " + values[i]);
        }
      }
    }
    return parameters;
  }

  private static Map<String, String> readMetadata(Path path, ByteBuffer in)
      throws InvalidModelFileException {
    int count = in.getInt();
    if (count < 0 || (long) count * 4 > in.remaining()) {
      throw new InvalidModelFileException(
          path, "truncated: " + count + " metadata entries, " + in.remaining() + " bytes remain");
    }
    Map<String, String> metadata = new java.util.HashMap<>();
    for (int i = 0; i < count; i++) {
      String key = readString(path, in);
      if (metadata.put(key, readString(path, in)) != null) {
        throw new InvalidModelFileException(path, "metadata key '" + key + "' appears twice");
      }
    }
    return metadata;
  }

  /**
   * The bytes the tensors of a model of this configuration take in {@code precision}, from the
   * configuration alone: each layer's W_x (H × I_l) and W_h (H × H) and the head's W_y (O × D·H)
   * in the precision, the rest in float.
   */
  private static long weightBytes(RnnConfig c, Precision precision) {
    long hidden = c.hiddenSize();
    long matrixEntries = 0;
    long bytes = 0;
    for (int l = 0; l < c.layers(); l++) {
      long entries = hidden * c.layerInputSize(l) + hidden * hidden;
      matrixEntries += c.directions() * entries;
      bytes += c.directions() * (TensorCodec.of("W_x", precision).bytes(hidden, c.layerInputSize(l))
          + TensorCodec.of("W_h", precision).bytes(hidden, hidden));
    }
    if (c.head()) {
      matrixEntries += (long) c.outputSize() * c.stateWidth();
      bytes += TensorCodec.of("W_y", precision).bytes(c.outputSize(), c.stateWidth());
    }
    return bytes + 4 * (c.parameterCount() - matrixEntries);
  }

  /** The number of tensors of a model of this configuration (see {@link Parameters}). */
  private static int tensorCount(RnnConfig c) {
    int perUnit = 2 + (c.bias() == Bias.NONE ? 0 : c.bias() == Bias.SINGLE ? 1 : 2);
    return (c.hasEmbedding() ? 1 : 0) + c.layers() * c.directions() * perUnit
        + (c.head() ? 1 : 0) + (c.headBias() ? 1 : 0);
  }

  private static <E extends Enum<E>> E readEnum(Path path, ByteBuffer in, Class<E> type)
      throws InvalidModelFileException {
    String name = readString(path, in);
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      throw new InvalidModelFileException(
          path, "unknown " + type.getSimpleName() + " '" + name + "'", e);
    }
  }

  private static String readString(Path path, ByteBuffer in) throws InvalidModelFileException {
    int length = Short.toUnsignedInt(in.getShort());
    if (length > in.remaining()) {
      throw new InvalidModelFileException(
          path, "truncated: a name of " + length + " bytes, " + in.remaining() + " remain");
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidModelFileException(path, "a name is not valid UTF-8", e);
    }
  }
}
