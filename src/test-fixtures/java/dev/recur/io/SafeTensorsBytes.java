package dev.recur.io;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Takes safetensors files apart and puts them back together, for tests that forge headers. */
public final class SafeTensorsBytes {

  private SafeTensorsBytes() {}

  static String header(byte[] file) {
    return new String(file, 8, headerLength(file), StandardCharsets.UTF_8);
  }

  static byte[] data(byte[] file) {
    return Arrays.copyOfRange(file, 8 + headerLength(file), file.length);
  }

  /** A file of this header (any JSON text) and these data bytes. */
  static byte[] of(String header, byte[] data) {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(json.length).put(json).put(data).array();
  }

  /**
   * {@code file} with one more tensor after the others, its data zeros: {@code "F32"}, {@code
   * "I64"} or {@code "U8"}, of the shape given.
   */
  public static byte[] withTensor(byte[] file, String name, String dtype, long... shape) {
    long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    int width = switch (dtype) {
      case "U8" -> 1;
      case "F32" -> 4;
      case "I64" -> 8;
      default -> throw new IllegalArgumentException(dtype);
    };
    byte[] data = data(file);
    String header = withEntry(header(file), name, dtype, shape, data.length, data.length + count * width);
    return of(header, Arrays.copyOf(data, Math.toIntExact(data.length + count * width)));
  }

  /** {@code header} with one more entry just before its closing brace (trailing spaces dropped). */
  static String withEntry(String header, String name, String dtype, long[] shape, long begin, long end) {
    String object = header.strip();
    return object.substring(0, object.length() - 1) + ",\"" + name + "\":{\"dtype\":\"" + dtype
        + "\",\"shape\":" + Arrays.toString(shape).replace(" ", "") + ",\"data_offsets\":[" + begin
        + "," + end + "]}}";
  }

  /** Writes {@code bytes}, then extends the file to {@code length} with a hole that costs no disk. */
  static void writeSparse(Path file, byte[] bytes, long length) throws IOException {
    Files.write(file, bytes);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(length);
    }
  }

  private static int headerLength(byte[] file) {
    return Math.toIntExact(ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong());
  }
}
