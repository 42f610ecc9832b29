package dev.recur.train;

import dev.recur.Parameters;
import dev.recur.io.RecurFileKind;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a training run needs to continue exactly where it stopped: the weights, the
 * optimizer's state and update count, the shuffling generator's state, the data order and the
 * position in the epoch, the best-so-far bookkeeping and the divergence counts, framed by {@link
 * CheckpointFile} under the magic {@code recurCKP}, after the {@link RunSettings} it was made
 * with.
 */
record Checkpoint(
    RunSettings settings,
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
    List<Trainer.Epoch> epochs,
    int skippedInARow,
    long skipped,
    long lastFiniteUpdate,
    double lastFiniteLoss) {

  /** 2 added the run's settings and the divergence counts; version 1 files are refused. */
  private static final int VERSION = 2;

  void write(Path path) throws IOException {
    List<Parameters> more = new ArrayList<>(List.of(best));
    more.addAll(optimizerState);
    List<byte[]> blobs = CheckpointFile.toBytes(weights, more);
    long size = 8 + 4 + 8 + 4 + 4L * order.length + 4 + 4 + 1 + 8 + 8 + 4 + 8
        + 4 + 32L * epochs.size() + 4 + 8 + 8 + 8 + settings.size()
        + CheckpointFile.modelsSize(blobs);
    ByteBuffer out = CheckpointFile.start(RecurFileKind.TRAINING_CHECKPOINT, VERSION, size);
    settings.put(out);
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
    out.putInt(skippedInARow).putLong(skipped).putLong(lastFiniteUpdate).putDouble(lastFiniteLoss);
    CheckpointFile.putModels(out, blobs);
    CheckpointFile.finish(path, out);
  }

  static Checkpoint read(Path path) throws IOException {
    ByteBuffer in = CheckpointFile.open(path, RecurFileKind.TRAINING_CHECKPOINT, VERSION);
    try {
      RunSettings settings = RunSettings.read(path, in);
      long steps = in.getLong();
      int stateCount = in.getInt();
      long rng = in.getLong();
      int[] order = new int[CheckpointFile.count(path, in, in.getInt(), 4)];
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
      for (int i = CheckpointFile.count(path, in, in.getInt(), 32); i > 0; i--) {
        epochs.add(new Trainer.Epoch(in.getInt(), in.getDouble(), in.getDouble(), in.getDouble()));
        in.getInt();
      }
      int skippedInARow = in.getInt();
      long skipped = in.getLong();
      long lastFiniteUpdate = in.getLong();
      double lastFiniteLoss = in.getDouble();
      List<Parameters> models = CheckpointFile.readModels(path, in);
      if (models.size() != 2 + stateCount) {
        throw new IOException(path + ": " + models.size() + " models, expected " + (2 + stateCount));
      }
      return new Checkpoint(settings, models.get(0), steps,
          List.copyOf(models.subList(2, models.size())), rng, order, epoch, nextStart, shuffled,
          lossSum, norm, models.get(1), bestEpoch, bestLoss, List.copyOf(epochs), skippedInARow,
          skipped, lastFiniteUpdate, lastFiniteLoss);
    } catch (BufferUnderflowException e) {
      throw new IOException(path + ": truncated checkpoint", e);
    }
  }
}
