package dev.recur.train;

import dev.recur.ElmanRnn;
import dev.recur.Loss;
import dev.recur.Parameters;
import dev.recur.Tensor;
import dev.recur.Workspace;
import dev.recur.data.SequenceSet;
import dev.recur.kernel.Kernels;
import dev.recur.layer.EngineKernels;
import java.util.ArrayList;
import java.util.List;

/**
 * Data parallelism with a result independent of the thread count: a minibatch of B sequences
 * is always cut into the same S shards (shard k holds sequences ⌊kB/S⌋ .. ⌊(k+1)B/S⌋ - 1), each
 * shard's gradient is computed into its own accumulator with its own workspace, by whichever
 * thread, and the gradient is then {@code Σ_k (B_k / B) g_k} summed in shard order.
 */
final class ShardedGradients implements AutoCloseable {

  private final Minibatches[] batches;
  private final Parameters[] gradients;
  private final double[] losses;
  private final Workspace[] workspaces;
  private final java.util.concurrent.ExecutorService pool;
  private final ElmanRnn model;
  private final Loss loss;
  private final Kernels kernels;

  /**
   * Gradients of {@code loss} for {@code model} over minibatches of at most {@code batchSize}
   * sequences of {@code training}, cut into {@code shards} run by {@code threads} threads.
   */
  ShardedGradients(ElmanRnn model, Loss loss, SequenceSet training, int batchSize, int shards,
      int threads) {
    this.model = model;
    this.loss = loss;
    this.kernels = EngineKernels.of(model.engine());
    int count = shards;
    batches = new Minibatches[count];
    gradients = new Parameters[count];
    losses = new double[count];
    workspaces = new Workspace[count];
    for (int k = 0; k < count; k++) {
      batches[k] = new Minibatches(model, loss, training, (batchSize + count - 1) / count);
      gradients[k] = Parameters.zeros(model.config());
    }
    pool = threads > 1
        ? java.util.concurrent.Executors.newFixedThreadPool(threads)
        : null;
  }

  /**
   * Fills {@code into} with the minibatch's gradient and returns its loss; a model with dropout
   * draws its masks from {@code dropoutSeed}, numbering the minibatch's sequences from 0 across
   * shards.
   */
  double gradients(int[] order, int start, int size, Parameters into, long dropoutSeed) {
    int count = batches.length;
    if (pool == null) {
      for (int k = 0; k < count; k++) {
        shard(k, order, start, size, dropoutSeed);
      }
    } else {
      List<java.util.concurrent.Future<?>> pending = new ArrayList<>(count);
      for (int k = 0; k < count; k++) {
        int shard = k;
        pending.add(pool.submit(() -> shard(shard, order, start, size, dropoutSeed)));
      }
      for (java.util.concurrent.Future<?> f : pending) {
        try {
          f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while computing gradients", e);
        } catch (java.util.concurrent.ExecutionException e) {
          switch (e.getCause()) { // as if the shard had run on this thread
            case RuntimeException r -> throw r;
            case Error r -> throw r;
            default -> throw new IllegalStateException(e.getCause());
          }
        }
      }
    }
    into.zero();
    double meanLoss = 0;
    for (int k = 0; k < count; k++) {
      int from = start + k * size / count;
      int to = start + (k + 1) * size / count;
      if (to == from) {
        continue;
      }
      float share = (float) (to - from) / size;
      meanLoss += losses[k] * (to - from) / size;
      List<Tensor> source = gradients[k].tensors();
      List<Tensor> target = into.tensors();
      for (int t = 0; t < source.size(); t++) {
        kernels.axpy(share, source.get(t).values(), 0, target.get(t).values(), 0, source.get(t).size());
      }
    }
    return meanLoss;
  }

  private void shard(int k, int[] order, int start, int size, long dropoutSeed) {
    int count = batches.length;
    int from = start + k * size / count;
    int to = start + (k + 1) * size / count;
    if (to == from) {
      workspaces[k] = null; // a minibatch smaller than the shard count leaves this one empty
      return;
    }
    Minibatches.Batch batch = batches[k].gather(order, from, to - from);
    workspaces[k] = batch.workspace();
    batch.workspace().dropoutForNextPass(dropoutSeed, from - start);
    model.forward(batch.workspace(), batch.inputs());
    gradients[k].zero();
    losses[k] = model.backward(batch.workspace(), loss, batch.targets(), gradients[k]);
  }

  /** The workspace of the first shard that had sequences in the last minibatch. */
  Workspace firstWorkspace() {
    for (Workspace workspace : workspaces) {
      if (workspace != null) {
        return workspace;
      }
    }
    throw new IllegalStateException("no minibatch has been computed yet");
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
