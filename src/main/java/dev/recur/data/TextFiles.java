package dev.recur.data;

import dev.recur.io.FileBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Strict UTF-8 reading shared by every text reader of recur (data loaders, {@code predict}'s
 * input): a leading byte-order mark is dropped, malformed bytes are refused with their line and
 * byte offset, empty files are refused, and a file too large for the heap is refused before it
 * is read whole.
 */
public final class TextFiles {

  /**
   * Heap bytes a byte of text may cost while it is decoded and turned into data: the bytes, the
   * string, its code points and the token or value arrays made from them.
   */
  static final int HEAP_BYTES_PER_BYTE = 24;

  private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private TextFiles() {}

  /**
   * The file's text, without a leading byte-order mark.
   *
   * @param file the file to read
   * @return the decoded text, not empty
   * @throws BadDataException if the file is empty, is not UTF-8 (naming the line and byte
   *     offset) or is too large for the heap
   * @throws IOException if the file cannot be read
   */
  public static String read(Path file) throws IOException {
    long limit = Runtime.getRuntime().maxMemory() / HEAP_BYTES_PER_BYTE;
    byte[] bytes = FileBytes.read(file, limit, size -> new BadDataException(file,
        (size < 0 ? "the text runs past " + FileBytes.describe(limit) + ", which"
            : FileBytes.describe(size) + " of text") + " is more than this JVM can load (at most " + FileBytes.describe(limit)
            + ", 1/" + HEAP_BYTES_PER_BYTE + " of its heap limit; -Xmx raises it)"));
    int start = startsWithByteOrderMark(bytes) ? BYTE_ORDER_MARK.length : 0;
    if (bytes.length == start) {
      throw new BadDataException(file, "the file is empty");
    }
    return decode(file, bytes, start);
  }

  /**
   * The file's lines (as {@link String#lines()} splits them), without a byte-order mark.
   *
   * @param file the file to read
   * @return an unmodifiable list of the lines, without their terminators
   * @throws BadDataException as {@link #read} does
   * @throws IOException if the file cannot be read
   */
  public static List<String> lines(Path file) throws IOException {
    return read(file).lines().toList();
  }

  private static boolean startsWithByteOrderMark(byte[] bytes) {
    return bytes.length >= 3 && bytes[0] == BYTE_ORDER_MARK[0] && bytes[1] == BYTE_ORDER_MARK[1]
        && bytes[2] == BYTE_ORDER_MARK[2];
  }

  private static String decode(Path file, byte[] bytes, int start) throws BadDataException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    CharBuffer out = CharBuffer.allocate(bytes.length - start); // UTF-8 never decodes to more chars
    CoderResult result = decoder.decode(in, out, true);
    if (result.isUnderflow()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int offset = in.position();
      int line = 1;
      for (int i = 0; i < offset; i++) {
        line += bytes[i] == '\n' ? 1 : 0;
      }
      throw new BadDataException(file, line, String.format(
          "byte offset %d (0x%02X): not UTF-8 text; save the file as UTF-8", offset,
          bytes[offset] & 0xFF));
    }
    return out.flip().toString();
  }
}
