package dev.recur.train;

import dev.recur.ElmanRnn;
import dev.recur.GradientClipping;
import dev.recur.Loss;
import dev.recur.Parameters;
import dev.recur.SplitMix64;
import dev.recur.data.SequenceSet;
import dev.recur.optim.LearningRateSchedule;
import dev.recur.optim.Optimizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Minibatch training on a {@link SequenceSet}: each epoch shuffles the sequences (seeded), runs
 * full BPTT on each minibatch, clips, and updates; after each epoch it measures the validation
 * loss, keeps the best weights, and stops early when the validation loss has not improved for
 * {@code patience} epochs. A NaN or infinite loss or gradient is handled by the {@link
 * DivergencePolicy}: by default it stops training with {@link TrainingDivergedException} before
 * the weights are touched, the run up to there attached.
 */
public final class Trainer {

  /**
   * What a {@link Trainer} does: build with {@link #builder}.
   *
   * @param batchSize sequences per update
   * @param epochs passes over the training set at most
   * @param loss the per-step loss
   * @param clipNorm global-norm clipping threshold, 0 for none
   * @param clipValue per-entry clipping limit, 0 for none
   * @param schedule the learning rate per update
   * @param patience epochs without validation improvement before stopping, 0 never to stop early
   * @param seed the shuffling seed
   * @param shards each minibatch is split into this many fixed parts whose gradients are summed in
   *     order; the result depends on the shard count but never on the thread count
   * @param threads threads that compute shards at once (at most {@code shards})
   */
  public record Settings(
      int batchSize, int epochs, Loss loss, float clipNorm, float clipValue,
      LearningRateSchedule schedule, int patience, long seed, int shards, int threads) {

    /**
     * Settings with the loss and the learning-rate schedule, and the defaults for the rest:
     * batches of 32, one epoch, no clipping, no early stopping, seed 0, one shard on one thread.
     *
     * @param loss the per-step loss the model is trained on; checked non-null by {@link
     *     Builder#build}
     * @param schedule the learning rate η per update number; checked non-null by {@link
     *     Builder#build}
     * @return a builder holding the defaults
     */
    public static Builder builder(Loss loss, LearningRateSchedule schedule) {
      return new Builder(loss, schedule);
    }

    /** Builds {@link Settings}; each setter names the record component it sets. */
    public static final class Builder {
      private final Loss loss;
      private final LearningRateSchedule schedule;
      private int batchSize = 32;
      private int epochs = 1;
      private float clipNorm;
      private float clipValue;
      private int patience;
      private long seed;
      private int shards = 1;
      private int threads = 1;

      private Builder(Loss loss, LearningRateSchedule schedule) {
        this.loss = loss;
        this.schedule = schedule;
      }

      /**
       * Sequences per update.
       *
       * @param batchSize sequences per minibatch, ≥ 1 (the last of an epoch may be smaller)
       * @return this builder
       */
      public Builder batchSize(int batchSize) {
        this.batchSize = batchSize;
        return this;
      }

      /**
       * Passes over the training set.
       *
       * @param epochs the most epochs to run, ≥ 1
       * @return this builder
       */
      public Builder epochs(int epochs) {
        this.epochs = epochs;
        return this;
      }

      /**
       * Clip the global gradient norm to this (0: no clipping).
       *
       * @param clipNorm the largest L2 norm of all gradients together, ≥ 0
       * @return this builder
       */
      public Builder clipNorm(float clipNorm) {
        this.clipNorm = clipNorm;
        return this;
      }

      /**
       * Clip each gradient entry to ±this (0: no clipping).
       *
       * @param clipValue the largest absolute value of one gradient entry, ≥ 0
       * @return this builder
       */
      public Builder clipValue(float clipValue) {
        this.clipValue = clipValue;
        return this;
      }

      /**
       * Stop after this many epochs without a better validation loss (0: never).
       *
       * @param patience epochs, ≥ 0
       * @return this builder
       */
      public Builder patience(int patience) {
        this.patience = patience;
        return this;
      }

      /**
       * Seeds the shuffling of the training set.
       *
       * @param seed any value; the same seed gives the same order and dropout masks
       * @return this builder
       */
      public Builder seed(long seed) {
        this.seed = seed;
        return this;
      }

      /**
       * Shards of each batch (the arithmetic) and threads running them (not the arithmetic).
       *
       * @param shards fixed parts each minibatch is split into, ≥ 1; changes the summation order
       * @param threads threads computing shards at once, 1 ≤ threads ≤ shards
       * @return this builder
       */
      public Builder parallelism(int shards, int threads) {
        this.shards = shards;
        this.threads = threads;
        return this;
      }

      /**
       * The settings; throws as the record's constructor does for values out of range.
       *
       * @return the checked settings
       * @throws IllegalArgumentException naming the first setting out of range
       * @throws NullPointerException if the loss or the schedule is null
       */
      public Settings build() {
        return new Settings(
            batchSize, epochs, loss, clipNorm, clipValue, schedule, patience, seed, shards, threads);
      }
    }

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException naming the first setting out of range
     */
    public Settings {
      if (shards < 1 || threads < 1 || threads > shards) {
        throw new IllegalArgumentException(
            "need 1 ≤ threads ≤ shards; got threads " + threads + ", shards " + shards);
      }
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

  /**
   * One epoch: mean training loss per sequence, validation loss, last gradient norm.
   *
   * @param epoch the epoch number, counting from 1
   * @param trainingLoss the loss of the epoch's admitted minibatches per training sequence (a
   *     skipped minibatch adds nothing but still counts its sequences)
   * @param validationLoss the mean loss per validation sequence after the epoch
   * @param gradientNorm the global L2 gradient norm, before clipping, of the epoch's last admitted
   *     update
   */
  public record Epoch(int epoch, double trainingLoss, double validationLoss, double gradientNorm) {}

  /**
   * The run: every epoch, the weights of the epoch with the lowest finite validation loss (the
   * initial weights, with {@code bestEpoch} 0, when no epoch had one), whether it ran to its end
   * (false when it stopped at {@link Checkpoints#stopAfterUpdates()} or diverged), and how many
   * updates {@link DivergencePolicy#skip} dropped.
   *
   * @param epochs the report of each finished epoch, in order
   * @param best the weights with the lowest validation loss (a copy, not the live model)
   * @param bestEpoch the epoch those weights come from, counting from 1; 0 for the initial weights
   * @param complete true if the run reached its epoch total or stopped early for patience
   * @param skippedUpdates updates dropped for a non-finite loss or gradient
   */
  public record Result(
      List<Epoch> epochs, Parameters best, int bestEpoch, boolean complete, long skippedUpdates) {}

  /**
   * Gradient-flow diagnostics of one update: the loss, the global gradient norm before clipping,
   * whether clipping changed the gradient, and {@code ‖∂L/∂h_t‖} for each layer and direction
   * (unit {@code l·D + d}) and each step t of the first shard's minibatch (index T-1 is the last
   * step; reading towards 0 shows how the Jacobian chains through time shrink or grow, and
   * reading down the units how they do through the layers).
   *
   * @param update the optimizer's update number, counting from 1
   * @param loss the minibatch's mean loss per sequence
   * @param gradientNorm the global L2 norm of the gradient before clipping
   * @param clipped true if norm or value clipping changed the gradient
   * @param unitGradientNorms {@code [l·D + d][t]}: {@code ‖∂L/∂h_t‖} of layer l, direction d, one
   *     entry per timestep of the first shard's minibatch
   */
  public record Update(
      long update, double loss, double gradientNorm, boolean clipped, float[][] unitGradientNorms) {

    /**
     * {@code ‖∂L/∂h_t‖} of layer 0's forward direction, per step t.
     *
     * @return the norms, one entry per timestep (index T-1 the last); the record's own array, not
     *     a copy
     */
    public float[] hiddenGradientNorms() {
      return unitGradientNorms[0];
    }

    /** A copy of every unit's norms in {@code ws}, for an update report that outlives the pass. */
    static float[][] of(dev.recur.Workspace ws, dev.recur.RnnConfig config) {
      float[][] norms = new float[config.layers() * config.directions()][];
      for (int l = 0; l < config.layers(); l++) {
        for (int d = 0; d < config.directions(); d++) {
          norms[l * config.directions() + d] = ws.hiddenGradientNorms(l, d).clone();
        }
      }
      return norms;
    }
  }

  private final ElmanRnn model;
  private final Optimizer optimizer;
  private final Settings settings;
  private final Evaluator evaluator;
  /** Null unless someone listens: an unobserved update builds no report. */
  private Consumer<Update> updates;
  private DivergencePolicy divergence = DivergencePolicy.STOP;
  private Map<String, String> described = Map.of();

  /**
   * A trainer of {@code model}'s weights (changed in place) by {@code optimizer}.
   *
   * @param model the model to train; its weights are updated in place
   * @param optimizer the update rule, made for the model's shapes
   * @param settings batch size, epochs, loss, clipping, schedule and the rest
   * @throws NullPointerException if an argument is null
   */
  public Trainer(ElmanRnn model, Optimizer optimizer, Settings settings) {
    this.model = Objects.requireNonNull(model, "model");
    this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.evaluator = new Evaluator(model, settings.loss(), settings.batchSize());
  }

  /**
   * Where and how often to checkpoint, and an optional update budget.
   *
   * @param file the checkpoint, replaced atomically each time
   * @param everyUpdates write one after every this many updates (0: only when the run stops)
   * @param stopAfterUpdates end the run, with a checkpoint, once the optimizer has made this many
   *     updates in total (0: no limit) — a time budget, or a planned interruption
   */
  public record Checkpoints(Path file, long everyUpdates, long stopAfterUpdates) {
    /**
     * Checks the counts.
     *
     * @throws IllegalArgumentException if a count is negative
     * @throws NullPointerException if {@code file} is null
     */
    public Checkpoints {
      Objects.requireNonNull(file, "file");
      if (everyUpdates < 0 || stopAfterUpdates < 0) {
        throw new IllegalArgumentException(
            "checkpoint intervals must be ≥ 0; got " + everyUpdates + ", " + stopAfterUpdates);
      }
    }
  }

  /**
   * Reports every update's diagnostics to {@code listener} (replacing any earlier one).
   *
   * @param listener called on the training thread before each optimizer step
   * @return this trainer
   * @throws NullPointerException if {@code listener} is null
   */
  public Trainer onUpdate(Consumer<Update> listener) {
    this.updates = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * What to do at a non-finite loss or gradient ({@link DivergencePolicy#STOP} unless set).
   *
   * @param policy stop, or skip a bounded number of updates
   * @return this trainer
   * @throws NullPointerException if {@code policy} is null
   */
  public Trainer onDivergence(DivergencePolicy policy) {
    this.divergence = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /**
   * Settings of the run the trainer cannot see for itself (a task name, the optimizer's variant,
   * the learning rate schedule), by name: stored in checkpoints beside those it derives from the
   * model, the optimizer, the {@link Settings} and the data, and compared on resume. An entry
   * named like a derived one replaces it.
   *
   * @param settings name → value pairs, copied; replaces any earlier description
   * @return this trainer
   * @throws NullPointerException if the map, a name or a value is null
   */
  public Trainer describedBy(Map<String, String> settings) {
    this.described = Map.copyOf(settings);
    return this;
  }

  /**
   * Trains on {@code training}, validating on {@code validation}; reports each epoch.
   *
   * @param training the sequences to fit, shuffled each epoch
   * @param validation the sequences whose mean loss picks the best epoch and drives early
   *     stopping
   * @param progress called with each epoch's report as it ends
   * @return the run: epochs, best weights, whether it completed
   * @throws IllegalArgumentException if a data set's input or target width differs from the
   *     model's
   * @throws TrainingDivergedException if the loss or gradient turns non-finite and the policy stops
   */
  public Result fit(SequenceSet training, SequenceSet validation, Consumer<Epoch> progress) {
    try {
      return run(training, validation, progress, null, fresh(training, validation));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // unreachable: no checkpoint file is written
    }
  }

  /**
   * As {@link #fit(SequenceSet, SequenceSet, Consumer)}, writing checkpoints as configured.
   *
   * @param training the sequences to fit, shuffled each epoch
   * @param validation the sequences whose mean loss picks the best epoch
   * @param progress called with each epoch's report as it ends
   * @param checkpoints where and how often to write checkpoints, and an optional update budget
   * @return the run; {@code complete} is false if it stopped at the update budget
   * @throws IllegalArgumentException if a data set's input or target width differs from the
   *     model's
   * @throws TrainingDivergedException if the loss or gradient turns non-finite and the policy stops
   * @throws IOException if a checkpoint cannot be written
   */
  public Result fit(
      SequenceSet training, SequenceSet validation, Consumer<Epoch> progress,
      Checkpoints checkpoints) throws IOException {
    return run(training, validation, progress, Objects.requireNonNull(checkpoints),
        fresh(training, validation));
  }

  /**
   * Continues the run saved in {@code checkpoint} on the same data and settings: restores the
   * weights, the optimizer, the generator and the position, so the result is exactly that of
   * the run never having stopped. A checkpoint made with other settings (see {@link
   * #describedBy}) or on other data is refused, naming each difference; the epoch total and the
   * thread count may change, and so may the divergence policy.
   *
   * @param checkpoint the file written by an earlier {@code fit} or {@code resume}
   * @param training the same training sequences as the saved run
   * @param validation the same validation sequences as the saved run
   * @param progress called with each epoch's report as it ends (epochs done before are not
   *     repeated)
   * @param checkpoints where to keep checkpointing; may name the same file
   * @return the whole run, epochs from before the checkpoint included
   * @throws IllegalArgumentException naming each setting or data difference
   * @throws IOException if the checkpoint cannot be read or is not valid, or a new one cannot be
   *     written
   */
  public Result resume(
      Path checkpoint, SequenceSet training, SequenceSet validation, Consumer<Epoch> progress,
      Checkpoints checkpoints) throws IOException {
    Checkpoint saved = Checkpoint.read(checkpoint);
    RunSettings now = runSettings(training, validation);
    now.requireSameAs(checkpoint, saved.settings());
    if (saved.order().length != training.count()) {
      throw new IllegalArgumentException(
          checkpoint + " was made on " + saved.order().length + " training sequences; got "
              + training.count());
    }
    if (saved.epochs().size() > settings.epochs()) {
      throw new IllegalArgumentException(checkpoint + " has " + saved.epochs().size() + " epochs"
          + " done already; the run asks for " + settings.epochs() + " in all (a total, not a"
          + " count to add)");
    }
    // every check before the first copy, so a refused resume leaves the model and optimizer as
    // they were
    CheckpointFile.requireRestorable(
        checkpoint, List.of(model.weights()), List.of(saved.weights()));
    CheckpointFile.requireRestorable(checkpoint, optimizer.state(), saved.optimizerState());
    model.weights().copyFrom(saved.weights());
    CheckpointFile.restore(checkpoint, optimizer, saved.optimizerState(), saved.optimizerSteps());
    RunState run = new RunState(
        saved.order(), new SplitMix64(saved.rngState()), saved.best(), now, guard());
    run.guard.restore(saved.skippedInARow(), saved.skipped(), saved.lastFiniteUpdate(),
        saved.lastFiniteLoss());
    run.epoch = saved.epoch();
    run.nextStart = saved.nextStart();
    run.shuffled = saved.shuffled();
    run.lossSum = saved.lossSum();
    run.norm = saved.gradientNorm();
    run.bestEpoch = saved.bestEpoch();
    run.bestLoss = saved.bestLoss();
    run.epochs.addAll(saved.epochs());
    return run(training, validation, progress, checkpoints, run);
  }

  /** Where a run stands; everything in it goes into a checkpoint. */
  private static final class RunState {
    final int[] order;
    final SplitMix64 random;
    final Parameters best;
    final List<Epoch> epochs = new ArrayList<>();
    final RunSettings settings;
    final DivergenceGuard guard;
    int epoch = 1;
    int nextStart;
    boolean shuffled;
    double lossSum;
    double norm;
    int bestEpoch;
    double bestLoss = Double.POSITIVE_INFINITY;

    RunState(
        int[] order, SplitMix64 random, Parameters best, RunSettings settings,
        DivergenceGuard guard) {
      this.order = order;
      this.random = random;
      this.best = best;
      this.settings = settings;
      this.guard = guard;
    }

    Result result(boolean complete) {
      return new Result(List.copyOf(epochs), best, bestEpoch, complete, guard.skipped());
    }
  }

  private DivergenceGuard guard() {
    return new DivergenceGuard(divergence, model.engine());
  }

  /**
   * The settings that decide this run's arithmetic: the model's shape (its structure too:
   * layers, directions, embedding, head, dropout) and initialisation (its seed aside: resumed
   * weights replace the initial ones), the optimizer, the {@link Settings}
   * but the epoch total and thread count, the data, and what {@link #describedBy} adds.
   */
  private RunSettings runSettings(SequenceSet training, SequenceSet validation) {
    var c = model.config();
    Map<String, String> values = new LinkedHashMap<>();
    values.put("inputs", Integer.toString(c.inputSize()));
    values.put("hidden", Integer.toString(c.hiddenSize()));
    values.put("outputs", Integer.toString(c.outputSize()));
    values.put("activation", c.activation().name());
    values.put("output function", c.output().name());
    values.put("bias", c.bias().name());
    values.put("init", c.initializer().name());
    RunSettings.putStructure(values, c);
    values.put("optimizer", optimizer.getClass().getSimpleName());
    values.put("loss", settings.loss().name());
    values.put("batch", Integer.toString(settings.batchSize()));
    values.put("clip", Float.toString(settings.clipNorm()));
    values.put("clip-value", Float.toString(settings.clipValue()));
    values.put("patience", Integer.toString(settings.patience()));
    values.put("seed", Long.toString(settings.seed()));
    values.put("shards", Integer.toString(settings.shards()));
    values.put("training data", DataFingerprint.of(training));
    values.put("validation data", DataFingerprint.of(validation));
    values.putAll(described);
    return new RunSettings(values);
  }

  private RunState fresh(SequenceSet training, SequenceSet validation) {
    requireFits(training, "training");
    int[] order = new int[training.count()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    return new RunState(order, new SplitMix64(settings.seed()), model.weights().copy(),
        runSettings(training, validation), guard());
  }

  private Result run(
      SequenceSet training, SequenceSet validation, Consumer<Epoch> progress,
      Checkpoints checkpoints, RunState run) throws IOException {
    requireFits(training, "training");
    requireFits(validation, "validation");
    Minibatches valid = new Minibatches(model, settings.loss(), validation, settings.batchSize());
    Parameters gradients = Parameters.zeros(model.config());
    int count = run.order.length;
    try (ShardedGradients shards = new ShardedGradients(model, settings.loss(), training,
        settings.batchSize(), settings.shards(), settings.threads())) {
      while (run.epoch <= settings.epochs()) {
        if (!run.shuffled) {
          shuffle(run.order, run.random);
          run.shuffled = true;
          run.nextStart = 0;
          run.lossSum = 0;
        }
        while (run.nextStart < count) {
          if (checkpoints != null && checkpoints.stopAfterUpdates() > 0
              && optimizer.steps() >= checkpoints.stopAfterUpdates()) {
            save(checkpoints.file(), run);
            return run.result(false);
          }
          int size = Math.min(settings.batchSize(), count - run.nextStart);
          // dropout masks keyed by where this minibatch sits in the run, so a resume redraws them
          long dropoutSeed = SplitMix64.mix(SplitMix64.mix(settings.seed() + run.epoch)
              + run.nextStart);
          double loss = shards.gradients(run.order, run.nextStart, size, gradients, dropoutSeed);
          if (!admit(run, loss, gradients, checkpoints)) {
            run.nextStart += size; // the minibatch is dropped; its loss adds nothing to the epoch's
            continue;
          }
          run.norm = run.guard.norm();
          boolean clipped = false;
          if (settings.clipNorm() > 0) {
            GradientClipping.clipByGlobalNorm(gradients, settings.clipNorm(), model.engine());
            clipped = run.norm > settings.clipNorm();
          }
          if (settings.clipValue() > 0) {
            clipped |= GradientClipping.clipByValue(gradients, settings.clipValue(), model.engine());
          }
          if (updates != null) {
            updates.accept(new Update(optimizer.steps() + 1, loss, run.norm, clipped,
                Update.of(shards.firstWorkspace(), model.config())));
          }
          optimizer.step(model.weights(), gradients, settings.schedule().rate(optimizer.steps()));
          run.lossSum += loss * size;
          run.nextStart += size;
          if (checkpoints != null && checkpoints.everyUpdates() > 0
              && optimizer.steps() % checkpoints.everyUpdates() == 0) {
            save(checkpoints.file(), run);
          }
        }
        double validationLoss = evaluator.meanLoss(valid);
        Epoch report = new Epoch(run.epoch, run.lossSum / count, validationLoss, run.norm);
        run.epochs.add(report);
        progress.accept(report);
        boolean improved = validationLoss < run.bestLoss;
        if (improved) {
          run.bestLoss = validationLoss;
          run.bestEpoch = run.epoch;
          run.best.copyFrom(model.weights());
        }
        run.shuffled = false;
        run.epoch++;
        if (!improved && settings.patience() > 0
            && run.epoch - 1 - run.bestEpoch >= settings.patience()) {
          break;
        }
      }
    }
    if (checkpoints != null) {
      save(checkpoints.file(), run);
    }
    return run.result(true);
  }

  /**
   * Whether the update may go ahead (false: skip it). When the policy stops the run, the
   * checkpoint (if any) is written as it stands, before the diverging update, so the run can be
   * resumed, perhaps under another policy; the run so far goes with the exception.
   */
  private boolean admit(RunState run, double loss, Parameters gradients, Checkpoints checkpoints)
      throws IOException {
    try {
      return run.guard.admit(optimizer.steps() + 1, loss, gradients);
    } catch (TrainingDivergedException e) {
      if (checkpoints != null) {
        save(checkpoints.file(), run);
      }
      throw e.withPartial(run.result(false));
    }
  }

  private void save(Path file, RunState run) throws IOException {
    new Checkpoint(run.settings, model.weights(), optimizer.steps(), optimizer.state(),
        run.random.state(), run.order, run.epoch, run.nextStart, run.shuffled, run.lossSum,
        run.norm, run.best, run.bestEpoch, run.bestLoss, run.epochs, run.guard.skippedInARow(),
        run.guard.skipped(), run.guard.lastFiniteUpdate(), run.guard.lastFiniteLoss()).write(file);
  }

  /**
   * The mean loss per sequence of the model on {@code set}.
   *
   * @param set the sequences to evaluate, in minibatches of the settings' batch size
   * @return the summed per-step loss divided by the number of sequences
   * @throws IllegalArgumentException if the set's input or target width differs from the model's
   * @throws NullPointerException if {@code set} is null
   */
  public double evaluate(SequenceSet set) {
    requireFits(set, "evaluation");
    return evaluator.meanLoss(new Minibatches(model, settings.loss(), set, settings.batchSize()));
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

  private static void shuffle(int[] order, SplitMix64 random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
  }
}
