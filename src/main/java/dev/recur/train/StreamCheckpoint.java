package dev.recur.train;

import dev.recur.Parameters;
import dev.recur.TruncatedBptt;
import dev.recur.io.RecurFileKind;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a {@link StreamTrainer} stands: the weights, the optimizer's state and update count, the
 * iteration, the position in the stream, the smoothed loss, the truncated-BPTT state (the hidden
 * states carried and the window), and a fingerprint of the stream (its length and CRC32C) so a
 * resume on other data is refused. Framed by {@link CheckpointFile} under the magic {@code
 * recurSTR}.
 */
record StreamCheckpoint(
    RunSettings settings,
    Parameters weights,
    long optimizerSteps,
    List<Parameters> optimizerState,
    long iteration,
    int position,
    double smoothLoss,
    int streamLength,
    int streamChecksum,
    TruncatedBptt.State bptt,
    int skippedInARow,
    long skipped,
    long lastFiniteUpdate,
    double lastFiniteLoss) {

  /** 2 added the run's settings and the divergence counts; version 1 files are refused. */
  private static final int VERSION = 2;

  void write(Path path) throws IOException {
    List<byte[]> blobs = CheckpointFile.toBytes(weights, optimizerState);
    long size = 8 + 8 + 4 + 8 + 4 + 4 + 4
        + 4 + 4L * bptt.windowStart().length + 4 + 4L * bptt.latest().length
        + 4 + 4L * bptt.windowTokens().length + 4 + 8 + 8 + 8 + settings.size()
        + CheckpointFile.modelsSize(blobs);
    ByteBuffer out = CheckpointFile.start(RecurFileKind.STREAM_CHECKPOINT, VERSION, size);
    settings.put(out);
    out.putLong(optimizerSteps).putLong(iteration).putInt(position).putDouble(smoothLoss)
        .putInt(streamLength).putInt(streamChecksum).putInt(bptt.seen());
    out.putInt(bptt.windowStart().length);
    for (float v : bptt.windowStart()) {
      out.putFloat(v);
    }
    out.putInt(bptt.latest().length);
    for (float v : bptt.latest()) {
      out.putFloat(v);
    }
    out.putInt(bptt.windowTokens().length);
    for (int t : bptt.windowTokens()) {
      out.putInt(t);
    }
    out.putInt(skippedInARow).putLong(skipped).putLong(lastFiniteUpdate).putDouble(lastFiniteLoss);
    CheckpointFile.putModels(out, blobs);
    CheckpointFile.finish(path, out);
  }

  static StreamCheckpoint read(Path path) throws IOException {
    ByteBuffer in = CheckpointFile.open(path, RecurFileKind.STREAM_CHECKPOINT, VERSION);
    try {
      RunSettings settings = RunSettings.read(path, in);
      long steps = in.getLong();
      long iteration = in.getLong();
      int position = in.getInt();
      double smooth = in.getDouble();
      int length = in.getInt();
      int checksum = in.getInt();
      int seen = in.getInt();
      float[] windowStart = new float[CheckpointFile.count(path, in, in.getInt(), 4)];
      for (int i = 0; i < windowStart.length; i++) {
        windowStart[i] = in.getFloat();
      }
      float[] latest = new float[CheckpointFile.count(path, in, in.getInt(), 4)];
      for (int i = 0; i < latest.length; i++) {
        latest[i] = in.getFloat();
      }
      int[] window = new int[CheckpointFile.count(path, in, in.getInt(), 4)];
      for (int i = 0; i < window.length; i++) {
        window[i] = in.getInt();
      }
      int skippedInARow = in.getInt();
      long skipped = in.getLong();
      long lastFiniteUpdate = in.getLong();
      double lastFiniteLoss = in.getDouble();
      List<Parameters> models = CheckpointFile.readModels(path, in);
      if (models.isEmpty()) {
        throw new IOException(path + ": a stream checkpoint holds the weights; found no models");
      }
      return new StreamCheckpoint(settings, models.get(0), steps,
          List.copyOf(models.subList(1, models.size())), iteration, position, smooth, length,
          checksum, new TruncatedBptt.State(seen, windowStart, latest, window, null),
          skippedInARow, skipped, lastFiniteUpdate, lastFiniteLoss);
    } catch (BufferUnderflowException e) {
      throw new IOException(path + ": truncated checkpoint", e);
    }
  }
}
