package dev.recur.train;

import dev.recur.ElmanRnn;
import dev.recur.GradientClipping;
import dev.recur.Inputs;
import dev.recur.Loss;
import dev.recur.Parameters;
import dev.recur.Targets;
import dev.recur.TruncatedBptt;
import dev.recur.optim.LearningRateSchedule;
import dev.recur.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Stateful training on one long token stream, char-rnn style: the stream is cut into B
 * contiguous parts read side by side, each in chunks of k1 tokens; every chunk predicts the next
 * token at every step (softmax cross-entropy), backpropagates k2 ≥ k1 steps (truncated BPTT), and
 * carries the hidden state into the next chunk. min-char-rnn's setting is B = 1, k1 = k2 = 25,
 * Adagrad at 0.1, gradients clipped to ±5. A NaN or infinite loss or gradient is handled by the
 * {@link DivergencePolicy}: a skipped chunk makes no update and resets the carried hidden state
 * (it may be what overflowed); a stop throws {@link TrainingDivergedException} with the weights
 * as they were before that chunk, after which the trainer is only good for saving the model.
 */
public final class StreamTrainer {

  /**
   * One chunk's report.
   *
   * @param iteration the chunk's number, counting from 1 (skipped chunks are counted but not
   *     reported)
   * @param loss the loss per character of one chunk (mean over streams of the chunk's summed
   *     cross-entropy, divided by k1)
   * @param smoothLoss an exponential moving average of {@code loss} (weight 0.999 on the past),
   *     as min-char-rnn prints
   * @param tokensSeen tokens read so far across all streams: iteration × k1 × B
   */
  public record Iteration(long iteration, double loss, double smoothLoss, long tokensSeen) {}

  private final ElmanRnn model;
  private final Optimizer optimizer;
  private final LearningRateSchedule schedule;
  private final float clipValue;
  private final int streams;
  private final int chunk;
  private final int depth;
  private final TruncatedBptt bptt;
  private final Parameters gradients;
  private final int[] inputs;
  private final int[] targets;
  private final Inputs chunkInputs;
  private final Targets chunkTargets;
  private final int[] tokens;
  private final int part;
  private int position;
  private long iteration;
  private double smooth;
  /** Null unless someone listens: an unobserved chunk builds no report. */
  private Consumer<Trainer.Update> updates;
  private final DivergenceGuard guard;
  private Map<String, String> described = Map.of();

  /**
   * A trainer of {@code model} on one long token stream.
   *
   * @param model a unidirectional model whose input and output size are both the vocabulary;
   *     its weights are updated in place
   * @param optimizer the update rule, made for the model's shapes
   * @param schedule the learning rate η per update number
   * @param tokens the stream, indices in the model's vocabulary (held, not copied)
   * @param streams B, the number of parts of the stream read in parallel, ≥ 1
   * @param chunk k1, tokens per chunk and steps between updates, ≥ 1
   * @param depth k2 ≥ k1, the steps each update backpropagates through
   * @param clipValue per-entry gradient clipping limit, ≥ 0 (0 for none)
   * @throws IllegalArgumentException if the input and output sizes differ, the model is
   *     bidirectional, B &lt; 1, k1 &lt; 1, k2 &lt; k1, {@code clipValue} &lt; 0, a part of the
   *     stream is shorter than k1 + 1 tokens, or a token is outside the vocabulary
   * @throws NullPointerException if the model, the optimizer, the schedule or the tokens are null
   */
  public StreamTrainer(
      ElmanRnn model, Optimizer optimizer, LearningRateSchedule schedule, int[] tokens,
      int streams, int chunk, int depth, float clipValue) {
    this.model = Objects.requireNonNull(model, "model");
    this.guard = new DivergenceGuard(DivergencePolicy.STOP, model.engine());
    this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
    this.schedule = Objects.requireNonNull(schedule, "schedule");
    if (model.config().inputSize() != model.config().outputSize()) {
      throw new IllegalArgumentException(
          "next-token training needs inputSize = outputSize (the vocabulary); got "
              + model.config().inputSize() + " and " + model.config().outputSize());
    }
    if (streams < 1 || clipValue < 0) {
      throw new IllegalArgumentException(
          "need streams ≥ 1 and clipValue ≥ 0; got " + streams + ", " + clipValue);
    }
    this.clipValue = clipValue;
    this.streams = streams;
    this.chunk = chunk;
    this.depth = depth;
    this.bptt = new TruncatedBptt(model, chunk, depth, streams, true);
    this.gradients = Parameters.zeros(model.config());
    this.inputs = new int[chunk * streams];
    this.targets = new int[chunk * streams];
    this.chunkInputs = Inputs.tokens(inputs, chunk, streams);
    this.chunkTargets = Targets.everyStepClasses(targets);
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.part = tokens.length / streams;
    if (part < chunk + 1) {
      throw new IllegalArgumentException(
          "a stream of " + tokens.length + " tokens in " + streams + " parts leaves "
              + part + " per part; a chunk needs " + (chunk + 1));
    }
    int vocabulary = model.config().inputSize();
    for (int t : tokens) {
      if (t < 0 || t >= vocabulary) {
        throw new IllegalArgumentException(
            "token " + t + " is outside the model's vocabulary [0, " + vocabulary + ")");
      }
    }
    this.smooth = Math.log(vocabulary); // the loss per character of a uniform guess
  }

  /**
   * Reports each chunk's gradient diagnostics before its update: the loss per token, the global
   * gradient norm before clipping, whether per-entry clipping changed any entry, and ‖∂L/∂h_t‖
   * over the steps backpropagated through (from {@link TruncatedBptt#workspace()}).
   *
   * @param listener called on the training thread before each update; null to stop listening
   * @return this trainer
   */
  public StreamTrainer onUpdate(Consumer<Trainer.Update> listener) {
    this.updates = listener;
    return this;
  }

  /**
   * What to do at a non-finite loss or gradient ({@link DivergencePolicy#STOP} unless set).
   *
   * @param policy stop, or skip a bounded number of chunks
   * @return this trainer
   * @throws NullPointerException if {@code policy} is null
   */
  public StreamTrainer onDivergence(DivergencePolicy policy) {
    guard.policy(policy);
    return this;
  }

  /**
   * Settings of the run the trainer cannot see for itself (a seed, the optimizer's variant, the
   * learning rate schedule), by name: stored in checkpoints beside those it derives from the
   * model, the optimizer and its own parameters, and compared on resume. An entry named like a
   * derived one replaces it.
   *
   * @param settings name → value pairs, copied; replaces any earlier description
   * @return this trainer
   * @throws NullPointerException if the map, a name or a value is null
   */
  public StreamTrainer describedBy(Map<String, String> settings) {
    this.described = Map.copyOf(settings);
    return this;
  }

  /**
   * Chunks trained so far (skipped ones included), counting those before a {@link #resume}.
   *
   * @return the number of chunks, ≥ 0
   */
  public long iteration() {
    return iteration;
  }

  /**
   * The smoothed loss per character after the last chunk (that of a uniform guess at first).
   *
   * @return the moving average in nats; ln(vocabulary) before the first chunk
   */
  public double smoothLoss() {
    return smooth;
  }

  /**
   * Chunks whose update {@link DivergencePolicy#skip} dropped, counting those before a resume.
   *
   * @return the number of skipped chunks, ≥ 0
   */
  public long skipped() {
    return guard.skipped();
  }

  /**
   * Writes everything needed to continue exactly from here (atomically: a crash mid-write leaves
   * the previous file whole). {@link #resume} on a trainer built the same way, then training on,
   * gives the weights an uninterrupted run would have.
   *
   * @param checkpoint the file to write, replaced atomically
   * @throws IOException if the file cannot be written (the previous content stays whole)
   */
  public void save(Path checkpoint) throws IOException {
    new StreamCheckpoint(runSettings(), model.weights(), optimizer.steps(), optimizer.state(),
        iteration, position, smooth, tokens.length, DataFingerprint.of(tokens), bptt.state(),
        guard.skippedInARow(), guard.skipped(), guard.lastFiniteUpdate(), guard.lastFiniteLoss())
        .write(checkpoint);
  }

  /**
   * Continues from a checkpoint written by {@link #save}: weights, optimizer state, position,
   * carried hidden states and smoothed loss. The trainer must have been built like the one that
   * saved it (model shape, activation, initialisation, optimizer kind, the same stream, B, k1,
   * k2, clipping, and what {@link #describedBy} adds); a difference is refused, each one named.
   * The number of chunks still to train and the divergence policy may change.
   *
   * @param checkpoint the file written by {@link #save}
   * @throws IllegalArgumentException naming each difference
   * @throws IOException if the checkpoint cannot be read or is not valid
   */
  public void resume(Path checkpoint) throws IOException {
    StreamCheckpoint saved = StreamCheckpoint.read(checkpoint);
    if (saved.streamLength() != tokens.length
        || saved.streamChecksum() != DataFingerprint.of(tokens)) {
      throw new IllegalArgumentException(
          checkpoint + " was made on another stream (" + saved.streamLength() + " tokens); this"
              + " trainer reads " + tokens.length + " tokens" + (saved.streamLength() == tokens.length
                  ? " with different contents" : ""));
    }
    if (saved.position() < 0 || saved.position() > part) {
      throw new IllegalArgumentException(
          checkpoint + ": position " + saved.position() + " is outside parts of " + part + " tokens");
    }
    runSettings().requireSameAs(checkpoint, saved.settings());
    if (saved.optimizerState().size() != optimizer.state().size()) {
      throw new IllegalArgumentException(
          checkpoint + " holds " + saved.optimizerState().size() + " optimizer state tensor sets;"
              + " this optimizer has " + optimizer.state().size());
    }
    // Each restore below checks its shapes before it copies; undo the first if the second refuses.
    TruncatedBptt.State before = bptt.state();
    bptt.restore(saved.bptt());
    try {
      model.weights().copyFrom(saved.weights());
    } catch (RuntimeException e) {
      bptt.restore(before);
      throw e;
    }
    CheckpointFile.restore(checkpoint, optimizer, saved.optimizerState(), saved.optimizerSteps());
    iteration = saved.iteration();
    position = saved.position();
    smooth = saved.smoothLoss();
    guard.restore(saved.skippedInARow(), saved.skipped(), saved.lastFiniteUpdate(),
        saved.lastFiniteLoss());
  }

  /** The settings that decide this run's arithmetic (the stream is checked on its own). */
  private RunSettings runSettings() {
    var c = model.config();
    Map<String, String> values = new LinkedHashMap<>();
    values.put("vocabulary", Integer.toString(c.inputSize()));
    values.put("hidden", Integer.toString(c.hiddenSize()));
    values.put("activation", c.activation().name());
    values.put("bias", c.bias().name());
    values.put("init", c.initializer().name());
    RunSettings.putStructure(values, c);
    values.put("optimizer", optimizer.getClass().getSimpleName());
    values.put("streams", Integer.toString(streams));
    values.put("steps", Integer.toString(chunk));
    values.put("depth", Integer.toString(depth));
    values.put("clip-value", Float.toString(clipValue));
    values.putAll(described);
    return new RunSettings(values);
  }

  /**
   * Trains {@code iterations} more chunks, continuing where the previous call stopped (position
   * in the stream, hidden state, smoothed loss), going round the stream as often as needed (the
   * state is reset at each wrap). Reports each iteration.
   *
   * @param iterations how many chunks to train; 0 or less trains none
   * @param progress called with each admitted chunk's report (skipped chunks are not reported)
   * @throws TrainingDivergedException if the loss or gradient turns non-finite and the policy stops
   */
  public void train(long iterations, Consumer<Iteration> progress) {
    for (long n = 0; n < iterations; n++) {
      if (position + chunk + 1 > part) {
        position = 0;
        bptt.reset();
      }
      for (int t = 0; t < chunk; t++) {
        for (int b = 0; b < streams; b++) {
          int at = b * part + position + t;
          inputs[t * streams + b] = tokens[at];
          targets[t * streams + b] = tokens[at + 1];
        }
      }
      iteration++;
      gradients.zero();
      double loss = bptt.train(chunkInputs, Loss.CROSS_ENTROPY, chunkTargets, gradients) / chunk;
      if (!guard.admit(iteration, loss, gradients)) {
        position += chunk;
        bptt.reset();
        continue;
      }
      double norm = guard.norm();
      boolean clipped =
          clipValue > 0 && GradientClipping.clipByValue(gradients, clipValue, model.engine());
      if (updates != null) {
        updates.accept(new Trainer.Update(iteration, loss, norm, clipped,
            Trainer.Update.of(bptt.workspace(), model.config())));
      }
      optimizer.step(model.weights(), gradients, schedule.rate(optimizer.steps()));
      position += chunk;
      smooth = 0.999 * smooth + 0.001 * loss;
      progress.accept(new Iteration(iteration, loss, smooth, iteration * chunk * streams));
    }
  }
}
