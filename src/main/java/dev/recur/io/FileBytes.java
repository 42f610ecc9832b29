package dev.recur.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads a whole file into memory without trusting its reported size: a regular file longer than
 * the limit is refused before anything is read, and a pipe or a device (which report size 0, and
 * {@code /dev/zero} never ends) is read only until it passes the limit. A folder is refused by
 * name instead of failing with the operating system's bare "Is a directory".
 */
public final class FileBytes {

  private FileBytes() {}

  /** What to throw when a file is longer than the limit. */
  @FunctionalInterface
  public interface TooLong {
    /**
     * The exception to throw for a file over the limit.
     *
     * @param knownSize the file's size in bytes, or -1 where it is only known to pass the limit
     * @return the exception {@link FileBytes#read} throws, naming the file and the limit
     */
    IOException refuse(long knownSize);
  }

  /** Checks the first bytes of a file before the rest is read (a format's magic number). */
  @FunctionalInterface
  public interface HeadCheck {
    /**
     * Checks {@code head[0, length)}.
     *
     * @param head the buffer holding the first bytes read; only {@code [0, length)} is valid, and
     *     it must not be modified
     * @param length the bytes read, ≥ 0; fewer than a magic number's for a short file
     * @throws IOException saying why the file is not of the expected kind
     */
    void check(byte[] head, int length) throws IOException;
  }

  /**
   * The file's bytes, or {@code tooLong}'s exception once more than {@code limit} bytes come.
   *
   * @param file the file, pipe or device to read
   * @param limit the most bytes accepted (capped at just under 2 GiB, a Java array's limit)
   * @param tooLong makes the exception for a file over the limit
   * @return a new array holding exactly the bytes read
   * @throws IOException {@code tooLong}'s, or if the file is a folder or cannot be read
   */
  public static byte[] read(Path file, long limit, TooLong tooLong) throws IOException {
    return read(file, limit, tooLong, (head, length) -> {});
  }

  /**
   * As {@link #read(Path, long, TooLong)}, with {@code headCheck} run on the first block read (the
   * whole of a regular file, the first 8 KiB of a stream), so that a stream that is not of the
   * expected kind is refused before it is read to the limit.
   *
   * @param file the file, pipe or device to read
   * @param limit the most bytes accepted (capped at just under 2 GiB, a Java array's limit)
   * @param tooLong makes the exception for a file over the limit
   * @param headCheck inspects the first block read, and throws to refuse the file
   * @return a new array holding exactly the bytes read
   * @throws IOException {@code tooLong}'s or {@code headCheck}'s, or if the file is a folder or
   *     cannot be read
   */
  public static byte[] read(Path file, long limit, TooLong tooLong, HeadCheck headCheck)
      throws IOException {
    Objects.requireNonNull(file, "file");
    if (Files.isDirectory(file)) {
      throw new FileSystemException(file.toString(), null, "is a folder, not a file");
    }
    long cap = Math.min(limit, Integer.MAX_VALUE - 16);
    long known = Files.isRegularFile(file) ? Files.size(file) : -1;
    if (known > cap) {
      throw tooLong.refuse(known);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = new byte[known >= 0 ? (int) known : 8192];
      int count = 0;
      while (true) {
        boolean first = count == 0;
        count += in.readNBytes(bytes, count, bytes.length - count);
        if (first) {
          headCheck.check(bytes, count);
        }
        if (count < bytes.length) {
          return Arrays.copyOf(bytes, count); // ended early: a file that shrank, or a short pipe
        }
        int next = in.read();
        if (next < 0) {
          return bytes;
        }
        if (count + 1L > cap) {
          throw tooLong.refuse(-1);
        }
        bytes = Arrays.copyOf(bytes, (int) Math.min(cap, Math.max(8192, 2L * bytes.length)));
        bytes[count++] = (byte) next;
      }
    }
  }

  /**
   * {@code bytes} in binary units for messages: "512 bytes", "3.2 MiB", "6.0 GiB".
   *
   * @param bytes a byte count
   * @return the count in bytes below 1 KiB, else in KiB to TiB with one decimal
   */
  public static String describe(long bytes) {
    if (bytes < 1024) {
      return bytes + " bytes";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
