package dev.recur.train;

import dev.recur.ElmanRnn;
import dev.recur.GradientClipping;
import dev.recur.Inputs;
import dev.recur.Loss;
import dev.recur.Parameters;
import dev.recur.Targets;
import dev.recur.Tensor;
import dev.recur.Workspace;
import dev.recur.data.SequenceSet;
import dev.recur.optim.LearningRateSchedule;
import dev.recur.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Minibatch training on a {@link SequenceSet}: each epoch shuffles the sequences (seeded), runs
 * full BPTT on each minibatch, clips, and updates; after each epoch it measures the validation
 * loss, keeps the best weights, and stops early when the validation loss has not improved for
 * {@code patience} epochs. A NaN or infinite loss or gradient stops training with {@link
 * TrainingDivergedException} before the weights are touched.
 */
public final class Trainer {

  /**
   * @param batchSize sequences per update
   * @param epochs passes over the training set at most
   * @param loss the per-step loss
   * @param clipNorm global-norm clipping threshold, 0 for none
   * @param clipValue per-entry clipping limit, 0 for none
   * @param schedule the learning rate per update
   * @param patience epochs without validation improvement before stopping, 0 never to stop early
   * @param seed the shuffling seed
   */
  public record Settings(
      int batchSize, int epochs, Loss loss, float clipNorm, float clipValue,
      LearningRateSchedule schedule, int patience, long seed) {

    public Settings {
      Objects.requireNonNull(loss, "loss");
      Objects.requireNonNull(schedule, "schedule");
      if (batchSize < 1 || epochs < 1 || patience < 0 || clipNorm < 0 || clipValue < 0) {
        throw new IllegalArgumentException(
            "need batchSize ≥ 1, epochs ≥ 1, patience ≥ 0, clip thresholds ≥ 0; got batchSize "
                + batchSize + ", epochs " + epochs + ", patience " + patience + ", clipNorm "
                + clipNorm + ", clipValue " + clipValue);
      }
    }
  }

  /** One epoch: mean training loss per sequence, validation loss, last gradient norm. */
  public record Epoch(int epoch, double trainingLoss, double validationLoss, double gradientNorm) {}

  /** The run: every epoch, and the weights of the epoch with the lowest validation loss. */
  public record Result(List<Epoch> epochs, Parameters best, int bestEpoch) {}

  private final ElmanRnn model;
  private final Optimizer optimizer;
  private final Settings settings;

  public Trainer(ElmanRnn model, Optimizer optimizer, Settings settings) {
    this.model = Objects.requireNonNull(model, "model");
    this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** Trains on {@code training}, validating on {@code validation}; reports each epoch. */
  public Result fit(SequenceSet training, SequenceSet validation, Consumer<Epoch> progress) {
    requireFits(training, "training");
    requireFits(validation, "validation");
    Batches train = new Batches(training, settings.batchSize());
    Batches valid = new Batches(validation, settings.batchSize());
    Parameters gradients = Parameters.zeros(model.config());
    Parameters best = model.weights().copy();
    double bestLoss = Double.POSITIVE_INFINITY;
    int bestEpoch = 0;
    List<Epoch> epochs = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(settings.seed());
    int[] order = new int[training.count()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
      shuffle(order, random);
      double lossSum = 0;
      double norm = 0;
      for (int start = 0; start < order.length; start += settings.batchSize()) {
        int size = Math.min(settings.batchSize(), order.length - start);
        Batches.Batch batch = train.gather(order, start, size);
        model.forward(batch.workspace(), batch.inputs());
        gradients.zero();
        double loss = model.backward(batch.workspace(), settings.loss(), batch.targets(), gradients);
        norm = guard(loss, gradients);
        if (settings.clipNorm() > 0) {
          GradientClipping.clipByGlobalNorm(gradients, settings.clipNorm());
        }
        if (settings.clipValue() > 0) {
          GradientClipping.clipByValue(gradients, settings.clipValue());
        }
        optimizer.step(model.weights(), gradients, settings.schedule().rate(optimizer.steps()));
        lossSum += loss * size;
      }
      double validationLoss = evaluate(valid);
      Epoch report = new Epoch(epoch, lossSum / order.length, validationLoss, norm);
      epochs.add(report);
      progress.accept(report);
      if (validationLoss < bestLoss) {
        bestLoss = validationLoss;
        bestEpoch = epoch;
        best.copyFrom(model.weights());
      } else if (settings.patience() > 0 && epoch - bestEpoch >= settings.patience()) {
        break;
      }
    }
    return new Result(List.copyOf(epochs), best, bestEpoch);
  }

  /** The mean loss per sequence of the model on {@code set}. */
  public double evaluate(SequenceSet set) {
    requireFits(set, "evaluation");
    return evaluate(new Batches(set, settings.batchSize()));
  }

  private double evaluate(Batches batches) {
    int count = batches.set().count();
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    double sum = 0;
    for (int start = 0; start < count; start += settings.batchSize()) {
      int size = Math.min(settings.batchSize(), count - start);
      Batches.Batch batch = batches.gather(order, start, size);
      model.forward(batch.workspace(), batch.inputs());
      sum += model.loss(batch.workspace(), settings.loss(), batch.targets()) * size;
    }
    return sum / count;
  }

  /** Returns the global gradient norm, or throws if the loss or any gradient is not finite. */
  private double guard(double loss, Parameters gradients) {
    long update = optimizer.steps() + 1;
    if (!Double.isFinite(loss)) {
      throw new TrainingDivergedException("update " + update + ": the loss is " + loss);
    }
    double norm = GradientClipping.globalNorm(gradients);
    if (!Double.isFinite(norm)) {
      for (Tensor t : gradients.tensors()) {
        for (int i = 0; i < t.size(); i++) {
          if (!Float.isFinite(t.values()[i])) {
            throw new TrainingDivergedException(
                "update " + update + ": gradient " + t.name() + "[" + i + "] is " + t.values()[i]);
          }
        }
      }
      throw new TrainingDivergedException("update " + update + ": the gradient norm is " + norm);
    }
    return norm;
  }

  private void requireFits(SequenceSet set, String what) {
    Objects.requireNonNull(set, what);
    var c = model.config();
    if (set.inputSize() != c.inputSize() || set.outputSize() != c.outputSize()) {
      throw new IllegalArgumentException(
          what + " data has inputs of " + set.inputSize() + " and targets of " + set.outputSize()
              + "; the model takes " + c.inputSize() + " and gives " + c.outputSize());
    }
  }

  private static void shuffle(int[] order, SplittableRandom random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
  }

  /**
   * Gathers minibatches of a set into {@link Inputs}' layout (row t·B + b), with buffers and a
   * workspace made once per batch size (the full size, and the last partial one).
   */
  private final class Batches {

    record Batch(Workspace workspace, Inputs inputs, Targets targets) {}

    private final SequenceSet set;
    private final int fullSize;
    private Buffers full;
    private Buffers partial;

    Batches(SequenceSet set, int batchSize) {
      this.set = set;
      this.fullSize = Math.min(batchSize, set.count());
    }

    SequenceSet set() {
      return set;
    }

    Batch gather(int[] order, int start, int size) {
      Buffers b = size == fullSize ? full() : partial(size);
      int steps = set.steps();
      int in = set.inputSize();
      int out = set.outputSize();
      for (int k = 0; k < size; k++) {
        int n = order[start + k];
        for (int t = 0; t < steps; t++) {
          System.arraycopy(set.inputs(), (n * steps + t) * in, b.inputs, (t * size + k) * in, in);
          if (set.everyStep()) {
            System.arraycopy(set.targets(), (n * steps + t) * out, b.targets, (t * size + k) * out, out);
          }
        }
        if (!set.everyStep()) {
          System.arraycopy(set.targets(), n * out, b.targets, k * out, out);
        }
      }
      return b.batch;
    }

    private Buffers full() {
      if (full == null) {
        full = new Buffers(fullSize);
      }
      return full;
    }

    private Buffers partial(int size) {
      if (partial == null || partial.size != size) {
        partial = new Buffers(size);
      }
      return partial;
    }

    private final class Buffers {
      final int size;
      final float[] inputs;
      final float[] targets;
      final Batch batch;

      Buffers(int size) {
        this.size = size;
        int steps = set.steps();
        inputs = new float[steps * size * set.inputSize()];
        targets = new float[(set.everyStep() ? steps : 1) * size * set.outputSize()];
        Targets t = set.everyStep() ? Targets.everyStep(targets) : Targets.lastStep(targets);
        batch = new Batch(model.workspace(steps, size), Inputs.dense(inputs, steps, size), t);
      }
    }
  }
}
