package dev.recur.train;

import dev.recur.Parameters;
import dev.recur.io.AtomicFile;
import dev.recur.io.InvalidModelFileException;
import dev.recur.io.ModelFile;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Everything a training run needs to continue exactly where it stopped: the weights, the
 * optimizer's state and update count, the shuffling generator's state, the data order and the
 * position in the epoch, and the best-so-far bookkeeping. Format: magic {@code recurCKP}, version,
 * length-prefixed sections (models embedded in recur's model format), CRC32C; written atomically
 * (temporary file, fsync, rename), so a crash mid-write leaves the previous checkpoint whole.
 */
record Checkpoint(
    Parameters weights,
    long optimizerSteps,
    List<Parameters> optimizerState,
    long rngState,
    int[] order,
    int epoch,
    int nextStart,
    boolean shuffled,
    double lossSum,
    double gradientNorm,
    Parameters best,
    int bestEpoch,
    double bestLoss,
    List<Trainer.Epoch> epochs) {

  private static final byte[] MAGIC = "recurCKP".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;

  void write(Path path) throws IOException {
    List<byte[]> blobs = new ArrayList<>();
    blobs.add(ModelFile.toBytes(weights));
    blobs.add(ModelFile.toBytes(best));
    for (Parameters p : optimizerState) {
      blobs.add(ModelFile.toBytes(p));
    }
    long size = MAGIC.length + 4 + 8 + 4 + 8 + 4 + 4L * order.length + 4 + 4 + 1 + 8 + 8 + 4 + 8
        + 4 + 32L * epochs.size() + 4;
    for (byte[] b : blobs) {
      size += 4 + b.length;
    }
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(size + 4)).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).putInt(VERSION);
    out.putLong(optimizerSteps).putInt(optimizerState.size());
    out.putLong(rngState).putInt(order.length);
    for (int i : order) {
      out.putInt(i);
    }
    out.putInt(epoch).putInt(nextStart).put((byte) (shuffled ? 1 : 0));
    out.putDouble(lossSum).putDouble(gradientNorm).putInt(bestEpoch).putDouble(bestLoss);
    out.putInt(epochs.size());
    for (Trainer.Epoch e : epochs) {
      out.putInt(e.epoch()).putDouble(e.trainingLoss()).putDouble(e.validationLoss())
          .putDouble(e.gradientNorm()).putInt(0);
    }
    out.putInt(blobs.size());
    for (byte[] b : blobs) {
      out.putInt(b.length).put(b);
    }
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    AtomicFile.write(path, out.flip());
  }

  static Checkpoint read(Path path) throws IOException {
    byte[] bytes = Files.readAllBytes(path);
    if (bytes.length < MAGIC.length + 8) {
      throw new IOException(path + ": truncated checkpoint (" + bytes.length + " bytes)");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if ((int) crc.getValue() != in.getInt(bytes.length - 4)) {
      throw new IOException(path + ": checkpoint checksum mismatch: corrupted or truncated");
    }
    byte[] magic = new byte[MAGIC.length];
    in.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC) || in.getInt() != VERSION) {
      throw new IOException(path + ": not a recur checkpoint of version " + VERSION);
    }
    try {
      long steps = in.getLong();
      int stateCount = in.getInt();
      long rng = in.getLong();
      int[] order = new int[checkedCount(path, in, in.getInt(), 4)];
      for (int i = 0; i < order.length; i++) {
        order[i] = in.getInt();
      }
      int epoch = in.getInt();
      int nextStart = in.getInt();
      boolean shuffled = in.get() == 1;
      double lossSum = in.getDouble();
      double norm = in.getDouble();
      int bestEpoch = in.getInt();
      double bestLoss = in.getDouble();
      List<Trainer.Epoch> epochs = new ArrayList<>();
      for (int i = checkedCount(path, in, in.getInt(), 32); i > 0; i--) {
        epochs.add(new Trainer.Epoch(in.getInt(), in.getDouble(), in.getDouble(), in.getDouble()));
        in.getInt();
      }
      int blobCount = in.getInt();
      if (blobCount != 2 + stateCount) {
        throw new IOException(path + ": " + blobCount + " models, expected " + (2 + stateCount));
      }
      List<Parameters> models = new ArrayList<>();
      for (int i = 0; i < blobCount; i++) {
        byte[] blob = new byte[checkedCount(path, in, in.getInt(), 1)];
        in.get(blob);
        models.add(ModelFile.fromBytes(path, blob));
      }
      return new Checkpoint(models.get(0), steps, List.copyOf(models.subList(2, models.size())),
          rng, order, epoch, nextStart, shuffled, lossSum, norm, models.get(1), bestEpoch, bestLoss,
          List.copyOf(epochs));
    } catch (BufferUnderflowException e) {
      throw new IOException(path + ": truncated checkpoint", e);
    }
  }

  private static int checkedCount(Path path, ByteBuffer in, int count, int bytesEach)
      throws InvalidModelFileException, IOException {
    if (count < 0 || (long) count * bytesEach > in.remaining()) {
      throw new IOException(path + ": a count of " + count + " does not fit the checkpoint");
    }
    return count;
  }
}
