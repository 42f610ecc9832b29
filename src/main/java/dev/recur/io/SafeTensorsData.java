package dev.recur.io;

import dev.recur.kernel.Bf16;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The tensor data of a safetensors file whose layout {@link SafeTensorsHeader#checkLayout} has
 * accepted. Values are read through the file's channel in small chunks straight into the arrays
 * that keep them, so a file may be larger than any Java array and only the tensors asked for cost
 * memory.
 */
final class SafeTensorsData {

  private static final int CHUNK_BYTES = 1 << 16;

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;

  SafeTensorsData(Path path, FileChannel channel, long dataStart) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
  }

  /**
   * Reads a tensor of {@code into.length} values (its count, checked by the caller) in one of the
   * {@link TensorDtype#readable} dtypes into {@code into}, as float: F16 and BF16 widen exactly,
   * F64 rounds to the nearest float. Refuses NaN and infinite values, and doubles beyond float's
   * range, naming the first.
   */
  void readFloats(SafeTensorsHeader.Entry tensor, float[] into) throws IOException {
    TensorDtype dtype = tensor.dtype();
    int width = dtype.width;
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    long position = dataStart + tensor.begin();
    int i = 0;
    while (i < into.length) {
      int values = Math.min(into.length - i, CHUNK_BYTES / width);
      chunk.clear().limit(values * width);
      readFully(path, channel, chunk, position);
      position += (long) values * width;
      chunk.flip();
      for (int end = i + values; i < end; i++) {
        double v = switch (dtype) {
          case F64 -> chunk.getDouble();
          case F16 -> Float.float16ToFloat(chunk.getShort());
          case BF16 -> Bf16.toFloat(chunk.getShort());
          default -> chunk.getFloat();
        };
        if (!Float.isFinite((float) v)) {
          throw new InvalidModelFileException(path, "weight " + tensor.name() + "[" + i + "] is "
              + v + (Double.isFinite(v) ? ", beyond float's range" : ""));
        }
        into[i] = (float) v;
      }
    }
  }

  /** Fills {@code into} from {@code position}; a file that ends first is named, not half-read. */
  static void readFully(Path path, FileChannel channel, ByteBuffer into, long position) throws IOException {
    while (into.hasRemaining()) {
      int n = channel.read(into, position);
      if (n < 0) {
        throw new InvalidModelFileException(path, "ends at byte " + position + " with "
            + into.remaining() + " more bytes due (did it change while being read?)");
      }
      position += n;
    }
  }
}
