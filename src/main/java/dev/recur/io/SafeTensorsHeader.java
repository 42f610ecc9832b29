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
  private static final int SHOWN_DIMENSIONS = 8;
  private static final String[] FIELDS = {"dtype", "shape", "data_offsets"};

  /**
   * One tensor of the header.
   *
   * @param count the number of values its shape holds
   * @param begin its first byte, counted from the end of the header
   * @param end one past its last byte
   */
  record Entry(String name, TensorDtype dtype, long[] shape, long count, long begin, long end) {
    String shapeText() {
      return SafeTensorsHeader.shapeText(shape);
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

  /** A shape for a message: its first dimensions only, should it have millions. */
  static String shapeText(long[] shape) {
    if (shape.length <= SHOWN_DIMENSIONS) {
      return Arrays.toString(shape);
    }
    String first = Arrays.toString(Arrays.copyOf(shape, SHOWN_DIMENSIONS));
    return first.substring(0, first.length() - 1) + ", ... " + (shape.length - SHOWN_DIMENSIONS)
        + " more]";
  }

  private static String range(Entry e) {
    return e.begin() + ".." + e.end();
  }

  private static SafeTensorsHeader parse(Path path, byte[] json, long dataStart, long dataLength)
      throws InvalidModelFileException {
    JsonReader in = new JsonReader(json);
    Map<String, Entry> tensors = new LinkedHashMap<>();
    Map<String, String> metadata = null;
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
            tensors.put(key, entry(path, in, key));
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

  private static Entry entry(Path path, JsonReader in, String name) throws InvalidModelFileException {
    if (!in.consume('{')) {
      throw new InvalidModelFileException(path, "entry '" + name + "' is not an object");
    }
    String dtypeName = null;
    long[] shape = null;
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
            shape = integers(path, in, name, field);
          }
          case "data_offsets" -> {
            requireOnce(path, name, field, offsets);
            offsets = integers(path, in, name, field);
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
    if (offsets == null || offsets.length != 2) {
      throw new InvalidModelFileException(path, name + " has no [begin, end] data_offsets");
    }
    return new Entry(name, dtype, shape, count(path, name, shape), offsets[0], offsets[1]);
  }

  private static void requireOnce(Path path, String name, String field, Object seen)
      throws InvalidModelFileException {
    if (seen != null) {
      throw new InvalidModelFileException(path, name + " has the field '" + field + "' twice");
    }
  }

  private static long[] integers(Path path, JsonReader in, String name, String field)
      throws InvalidModelFileException {
    if (!in.consume('[')) {
      throw new InvalidModelFileException(path, name + " has no " + field + " list");
    }
    // exact for a well-formed list of integers, which is all that gets past the loop below
    long[] values = new long[in.countArrayValues()];
    int n = 0;
    try {
      if (!in.consume(']')) {
        do {
          values[n++] = in.nonNegativeInteger();
        } while (in.consume(','));
        in.expect(']');
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidModelFileException(path, name + " has a bad " + field + ": " + e.getMessage(), e);
    }
    return values;
  }

  private static long count(Path path, String name, long[] shape) throws InvalidModelFileException {
    long count = 1;
    boolean empty = false;
    for (long d : shape) {
      if (d == 0) {
        empty = true;
      } else if (count > MAX_VALUES / d) {
        throw new InvalidModelFileException(
            path, name + " has shape " + shapeText(shape) + ", more values than any file holds");
      } else {
        count *= d;
      }
    }
    return empty ? 0 : count;
  }
}
