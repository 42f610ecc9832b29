package dev.recur.train;

import dev.recur.Parameters;
import dev.recur.Tensor;
import dev.recur.io.AtomicFile;
import dev.recur.io.FileBytes;
import dev.recur.io.ModelFile;
import dev.recur.io.RecurFileKind;
import dev.recur.optim.Optimizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The framing both checkpoint kinds share: an 8-byte magic, a version, a little-endian body whose
 * models are embedded in recur's model format (length-prefixed), and a CRC32C of everything
 * before it; written atomically (temporary file, fsync, rename), so a crash mid-write leaves the
 * previous checkpoint whole.
 */
final class CheckpointFile {

  /** Magic and version bytes in front of the body. */
  static final int HEADER = 8 + 4;

  private CheckpointFile() {}

  /** A buffer for a body of {@code bodySize} bytes, the header already in it. */
  static ByteBuffer start(RecurFileKind kind, int version, long bodySize) {
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(HEADER + bodySize + 4))
        .order(ByteOrder.LITTLE_ENDIAN);
    return out.put(kind.magic()).putInt(version);
  }

  /** Appends the checksum and replaces {@code path} atomically. */
  static void finish(Path path, ByteBuffer out) throws IOException {
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    AtomicFile.write(path, out.flip());
  }

  /**
   * The body of a checkpoint whose magic, checksum and version have been checked: the kind first,
   * so a model or a data file given as a checkpoint is named for what it is, and read no further
   * than its first block if it is not one (a pipe or a device is not read to the end).
   */
  static ByteBuffer open(Path path, RecurFileKind kind, int version) throws IOException {
    byte[] bytes = FileBytes.read(path, Integer.MAX_VALUE - 16,
        size -> new IOException(path + ": too large for a checkpoint"),
        (head, length) -> {
          String mismatch = RecurFileKind.mismatch(kind, head, length);
          if (mismatch != null) {
            throw new IOException(path + ": " + mismatch);
          }
        });
    if (bytes.length < HEADER + 4) {
      throw new IOException(path + ": truncated checkpoint (" + bytes.length + " bytes)");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, bytes.length - 4).order(ByteOrder.LITTLE_ENDIAN);
    if ((int) crc.getValue() != ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)
        .getInt(bytes.length - 4)) {
      throw new IOException(path + ": checkpoint checksum mismatch: corrupted or truncated");
    }
    in.position(8);
    int foundVersion = in.getInt();
    if (foundVersion == 1 && version == 2) {
      throw new IOException(path + ": a version 1 checkpoint, which predates the checks of a"
          + " resumed run's settings; this recur reads version 2: restart the run");
    }
    if (foundVersion != version) {
      throw new IOException(path + ": " + kind.description() + " of version " + foundVersion
          + "; this recur reads version " + version);
    }
    return in;
  }

  /** A count read from the file, refused when that many items of this size cannot follow. */
  static int count(Path path, ByteBuffer in, int count, int bytesEach) throws IOException {
    if (count < 0 || (long) count * bytesEach > in.remaining()) {
      throw new IOException(path + ": a count of " + count + " does not fit the checkpoint");
    }
    return count;
  }

  /** The models in recur's model format, as {@link #putModels} writes them. */
  static List<byte[]> toBytes(Parameters first, List<Parameters> more) {
    List<byte[]> blobs = new java.util.ArrayList<>();
    blobs.add(ModelFile.toBytes(first));
    for (Parameters p : more) {
      blobs.add(ModelFile.toBytes(p));
    }
    return blobs;
  }

  /** Bytes {@link #putModels} takes for these models. */
  static long modelsSize(List<byte[]> blobs) {
    long size = 4;
    for (byte[] b : blobs) {
      size += 4 + b.length;
    }
    return size;
  }

  /** A count, then each model length-prefixed. */
  static void putModels(ByteBuffer out, List<byte[]> blobs) {
    out.putInt(blobs.size());
    for (byte[] b : blobs) {
      out.putInt(b.length).put(b);
    }
  }

  /** The models {@link #putModels} wrote. */
  static List<Parameters> readModels(Path path, ByteBuffer in) throws IOException {
    int count = count(path, in, in.getInt(), 4);
    List<Parameters> models = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] blob = new byte[count(path, in, in.getInt(), 1)];
      in.get(blob);
      models.add(ModelFile.fromBytes(path, blob));
    }
    return models;
  }

  /** Puts saved optimizer state and step count into {@code optimizer}, checking they fit. */
  static void restore(Path path, Optimizer optimizer, List<Parameters> saved, long steps) {
    List<Parameters> state = optimizer.state();
    requireRestorable(path, state, saved);
    for (int i = 0; i < state.size(); i++) {
      state.get(i).copyFrom(saved.get(i));
    }
    optimizer.restoreSteps(steps);
  }

  /**
   * Throws unless each of {@code saved} has the shapes of the matching set of {@code current}, so
   * that a restore refuses before it has copied anything.
   */
  static void requireRestorable(Path path, List<Parameters> current, List<Parameters> saved) {
    if (current.size() != saved.size()) {
      throw new IllegalArgumentException(
          path + " holds " + saved.size() + " optimizer state tensor sets; this optimizer has "
              + current.size());
    }
    for (int i = 0; i < current.size(); i++) {
      List<Tensor> mine = current.get(i).tensors();
      List<Tensor> theirs = saved.get(i).tensors();
      boolean same = mine.size() == theirs.size();
      for (int t = 0; same && t < mine.size(); t++) {
        same = mine.get(t).rows() == theirs.get(t).rows() && mine.get(t).cols() == theirs.get(t).cols();
      }
      if (!same) {
        throw new IllegalArgumentException(path + ": tensor set " + i + " has other shapes than"
            + " this model's");
      }
    }
  }

}
