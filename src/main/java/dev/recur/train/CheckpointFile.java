package dev.recur.train;

import dev.recur.Parameters;
import dev.recur.Tensor;
import dev.recur.io.AtomicFile;
import dev.recur.io.ModelFile;
import dev.recur.optim.Optimizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
  static ByteBuffer start(String magic, int version, long bodySize) {
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(HEADER + bodySize + 4))
        .order(ByteOrder.LITTLE_ENDIAN);
    return out.put(magic(magic)).putInt(version);
  }

  /** Appends the checksum and replaces {@code path} atomically. */
  static void finish(Path path, ByteBuffer out) throws IOException {
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    AtomicFile.write(path, out.flip());
  }

  /** The body of a checkpoint whose checksum, magic and version have been checked. */
  static ByteBuffer open(Path path, String magic, int version) throws IOException {
    byte[] bytes = Files.readAllBytes(path);
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
    byte[] found = new byte[8];
    in.get(found);
    int foundVersion = in.getInt();
    if (!Arrays.equals(found, magic(magic))) {
      throw new IOException(path + ": not a " + magic + " checkpoint of version " + version);
    }
    if (foundVersion == 1 && version == 2) {
      throw new IOException(path + ": a version 1 checkpoint, which predates the checks of a"
          + " resumed run's settings; this recur reads version 2: restart the run");
    }
    if (foundVersion != version) {
      throw new IOException(path + ": a " + magic + " checkpoint of version " + foundVersion
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

  private static byte[] magic(String magic) {
    byte[] bytes = magic.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length != 8) {
      throw new IllegalArgumentException("a checkpoint magic has 8 ASCII characters: " + magic);
    }
    return bytes;
  }
}
