package dev.recur.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a safetensors file: an 8-byte little-endian length, then that many bytes of JSON
 * naming each tensor's dtype, shape and byte range in the data that follows, and an optional
 * {@code __metadata__} object of strings.
 *
 * <p>Reading costs the header's bytes plus what it describes: the JSON is read token by token
 * into the entries, never into a general tree. The header must fit the file and recur's limit of
 * {@value #MAX_HEADER_BYTES} bytes. {@link #checkLayout} then holds the byte ranges to what the
 * format requires before any tensor data is read.
 */
final class SafeTensorsHeader {

  /** A header larger than this is refused (the safetensors library's own limit is 100 MB). */
  static final long MAX_HEADER_BYTES = 100L << 20;
  private static final String METADATA = "__metadata__";
  /** More values than this would overflow a byte count; no file holds them. */
  private static final long MAX_VALUES = Long.MAX_VALUE / 8;
  private static final String[] FIELDS = {"dtype", "shape", "data_offsets"};

  /**
   * One tensor of the header.
   *
   * @param begin its first byte, counted from the end of the header
   * @param end one past its last byte
   */
  record Entry(String name, TensorDtype dtype, TensorShape shape, long begin, long end) {
    long count() {
      return shape.count();
    }
  }

  private final Path path;
  private final Map<String, Entry> tensors;
  private final Map<String, String> metadata;
  private final long dataStart;
  private final long dataLength;

  private SafeTensorsHeader(
      Path path, Map<String, Entry> tensors, Map<String, String> metadata, long dataStart, long dataLength) {
    this.path = path;
    this.tensors = tensors;
    this.metadata = metadata;
    this.dataStart = dataStart;
    this.dataLength = dataLength;
  }

  static SafeTensorsHeader read(Path path, FileChannel channel) throws IOException {
    long size = channel.size();
    if (size < 8) {
      throw new InvalidModelFileException(path, "truncated: " + size + " bytes, no header");
    }
    ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    SafeTensorsData.readFully(path, channel, lengthBytes, 0);
    long headerLength = lengthBytes.getLong(0);
    if (headerLength < 2 || headerLength > size - 8) {
      throw new InvalidModelFileException(
          path, "header length " + headerLength + " does not fit a file of " + size + " bytes");
    }
    if (headerLength > MAX_HEADER_BYTES) {
      throw new InvalidModelFileException(path, "header length " + headerLength
          + " is over recur's limit of " + MAX_HEADER_BYTES + " bytes for a header");
    }
    byte[] json = new byte[(int) headerLength];
    SafeTensorsData.readFully(path, channel, ByteBuffer.wrap(json), 8);
    return parse(path, json, 8 + headerLength, size - 8 - headerLength);
  }

  /** The tensors in file order. */
  Map<String, Entry> tensors() {
    return tensors;
  }

  /** A value of {@code __metadata__}, or null. */
  String metadata(String key) {
    return metadata.get(key);
  }

  /**
   * Checks that every tensor's byte range holds exactly its shape's values and lies within the
   * file, and that the ranges neither overlap nor leave holes: safetensors requires them to cover
   * the data exactly. Returns the way to read them.
   */
  SafeTensorsData checkLayout(FileChannel channel) throws InvalidModelFileException {
    for (Entry e : tensors.values()) {
      if (e.begin() > e.end() || e.end() > dataLength
          || e.end() - e.begin() != e.count() * e.dtype().width) {
        throw new InvalidModelFileException(
            path, e.name() + ": data_offsets " + e.begin() + ".." + e.end() + " do not hold "
                + e.count() + " values of " + e.dtype() + " within " + dataLength + " data bytes");
      }
    }
    List<Entry> byOffset = new ArrayList<>(tensors.values());
    byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long covered = 0;
    Entry previous = null;
    for (Entry e : byOffset) {
      if (e.begin() < covered) {
        throw new InvalidModelFileException(path, e.name() + " (data_offsets " + range(e)
            + ") overlaps " + previous.name() + " (data_offsets " + range(previous) + ")");
      }
      if (e.begin() > covered) {
        throw new InvalidModelFileException(path, "data bytes " + covered + ".." + e.begin()
            + " belong to no tensor (a hole " + (previous == null ? "before " + e.name()
                : "between " + previous.name() + " and " + e.name()) + ")");
      }
      covered = e.end();
      previous = e;
    }
    if (covered != dataLength) {
      throw new InvalidModelFileException(path, "data bytes " + covered + ".." + dataLength
          + " belong to no tensor: the tensors end at data byte " + covered
          + ", the file holds " + dataLength + " data bytes after the header");
    }
    return new SafeTensorsData(path, channel, dataStart);
  }

  private static String range(Entry e) {
    return e.begin() + ".." + e.end();
  }

  private static SafeTensorsHeader parse(Path path, byte[] json, long dataStart, long dataLength)
      throws InvalidModelFileException {
    JsonReader in = new JsonReader(json);
    Map<String, Entry> tensors = new LinkedHashMap<>();
    Map<String, String> metadata = null;
    long[] leadingDimensions = new long[TensorShape.KEPT_DIMENSIONS]; // reused for every shape
    try {
      in.expect('{');
      if (!in.consume('}')) {
        do {
          String key = in.string();
          in.expect(':');
          if (key.equals(METADATA)) {
            if (metadata != null) {
              throw new InvalidModelFileException(path, "header has the key " + METADATA + " twice");
            }
            metadata = metadata(path, in);
          } else {
            if (tensors.containsKey(key)) {
              throw new InvalidModelFileException(path, "header has the tensor '" + key + "' twice");
            }
            tensors.put(key, entry(path, in, key, leadingDimensions));
          }
        } while (in.consume(','));
        in.expect('}');
      }
      in.expectEnd();
    } catch (IllegalArgumentException e) {
      throw new InvalidModelFileException(path, "bad header: " + e.getMessage(), e);
    }
    return new SafeTensorsHeader(
        path, tensors, metadata == null ? Map.of() : metadata, dataStart, dataLength);
  }

  /** {@code null} counts as present, so that a second {@code __metadata__} is still refused. */
  private static Map<String, String> metadata(Path path, JsonReader in) throws InvalidModelFileException {
    Map<String, String> metadata = new LinkedHashMap<>();
    if (in.consumeNull()) {
      return metadata;
    }
    if (!in.consume('{')) {
      throw new InvalidModelFileException(path, METADATA + " is not an object");
    }
    if (!in.consume('}')) {
      do {
        String key = in.string();
        in.expect(':');
        if (!in.peek('"')) {
          throw new InvalidModelFileException(path, METADATA + " '" + key + "' is not a string");
        }
        if (metadata.containsKey(key)) {
          throw new InvalidModelFileException(path, METADATA + " has the key '" + key + "' twice");
        }
        metadata.put(key, in.string());
      } while (in.consume(','));
      in.expect('}');
    }
    return metadata;
  }

  private static Entry entry(Path path, JsonReader in, String name, long[] leadingDimensions)
      throws InvalidModelFileException {
    if (!in.consume('{')) {
      throw new InvalidModelFileException(path, "entry '" + name + "' is not an object");
    }
    String dtypeName = null;
    TensorShape shape = null;
    long[] offsets = null;
    if (!in.consume('}')) {
      do {
        String field = in.string(FIELDS);
        in.expect(':');
        switch (field) {
          case "dtype" -> {
            requireOnce(path, name, field, dtypeName);
            if (!in.peek('"')) {
              throw new InvalidModelFileException(path, name + " has a dtype that is not a string");
            }
            dtypeName = in.string(TensorDtype.NAMES);
          }
          case "shape" -> {
            requireOnce(path, name, field, shape);
            shape = shape(path, in, name, leadingDimensions);
          }
          case "data_offsets" -> {
            requireOnce(path, name, field, offsets);
            offsets = offsets(path, in, name);
          }
          default -> throw new InvalidModelFileException(
              path, name + " has a field '" + field + "' that safetensors does not define");
        }
      } while (in.consume(','));
      in.expect('}');
    }
    if (dtypeName == null) {
      throw new InvalidModelFileException(path, name + " has no dtype");
    }
    TensorDtype dtype = TensorDtype.named(dtypeName);
    if (dtype == null) {
      throw new InvalidModelFileException(path, name + " has dtype " + dtypeName
          + ", which recur does not know (it knows " + Arrays.toString(TensorDtype.values()) + ")");
    }
    if (shape == null) {
      throw new InvalidModelFileException(path, name + " has no shape list");
    }
    if (offsets == null) {
      throw new InvalidModelFileException(path, name + " has no [begin, end] data_offsets");
    }
    return new Entry(name, dtype, shape, offsets[0], offsets[1]);
  }

  private static void requireOnce(Path path, String name, String field, Object seen)
      throws InvalidModelFileException {
    if (seen != null) {
      throw new InvalidModelFileException(path, name + " has the field '" + field + "' twice");
    }
  }

  /**
   * Reads the dimensions one by one, keeping only the first few (see {@link TensorShape}), in
   * {@code leading} until they are copied out.
   */
  private static TensorShape shape(Path path, JsonReader in, String name, long[] leading)
      throws InvalidModelFileException {
    if (!in.consume('[')) {
      throw new InvalidModelFileException(path, name + " has no shape list");
    }
    int rank = 0;
    long count = 1;
    boolean empty = false;
    boolean tooMany = false; // unless a later dimension is 0
    try {
      if (!in.consume(']')) {
        do {
          long d = in.nonNegativeInteger();
          if (rank < leading.length) {
            leading[rank] = d;
          }
          rank++;
          if (d == 0) {
            empty = true;
          } else if (count > MAX_VALUES / d) {
            tooMany = true;
          } else {
            count *= d;
          }
        } while (in.consume(','));
        in.expect(']');
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidModelFileException(path, name + " has a bad shape: " + e.getMessage(), e);
    }
    TensorShape shape = new TensorShape(
        Arrays.copyOf(leading, Math.min(rank, leading.length)), rank, empty ? 0 : count);
    if (tooMany && !empty) {
      throw new InvalidModelFileException(
          path, name + " has shape " + shape.text() + ", more values than any file holds");
    }
    return shape;
  }

  private static long[] offsets(Path path, JsonReader in, String name) throws InvalidModelFileException {
    try {
      if (in.consume('[')) {
        long begin = in.nonNegativeInteger();
        if (in.consume(',')) {
          long end = in.nonNegativeInteger();
          if (in.consume(']')) {
            return new long[] {begin, end};
          }
        }
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidModelFileException(path, name + " has a bad data_offsets: " + e.getMessage(), e);
    }
    throw new InvalidModelFileException(path, name + " has no [begin, end] data_offsets");
  }
}
