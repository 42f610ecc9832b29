package dev.recur.cli;

import dev.recur.Activation;
import dev.recur.ElmanRnn;
import dev.recur.Initializer;
import dev.recur.Loss;
import dev.recur.RnnConfig;
import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.data.AddingProblem;
import dev.recur.data.CharCorpus;
import dev.recur.io.AtomicFile;
import dev.recur.io.ModelFile;
import dev.recur.kernel.KernelSelection;
import dev.recur.train.StreamTrainer;
import dev.recur.data.CsvSeries;
import dev.recur.data.LabelledSequences;
import dev.recur.data.MackeyGlass;
import dev.recur.data.SequenceSet;
import dev.recur.data.TaggedCorpus;
import dev.recur.data.UnspacedText;
import dev.recur.optim.Adagrad;
import dev.recur.optim.Adam;
import dev.recur.optim.LearningRateSchedule;
import dev.recur.optim.Optimizer;
import dev.recur.optim.RmsProp;
import dev.recur.optim.Sgd;
import dev.recur.train.ClassScore;
import dev.recur.train.DivergencePolicy;
import dev.recur.train.Trainer;
import dev.recur.train.TrainingDivergedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code recur train}: trains a model on a generated task or a CSV series and writes the model,
 * a loss plot ({@code OUT.loss.png}) and per-update gradient diagnostics ({@code
 * OUT.diagnostics.csv}) beside it.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train on the adding problem, a Mackey-Glass series, a CSV series, a text"
        + " (characters), labelled sequences, tagged sentences or the word segmentation of a"
        + " text; write the model, OUT.loss.png and OUT.diagnostics.csv (per update: loss,"
        + " gradient norm, clipped, ‖∂L/∂h_t‖ of every layer and direction).")
final class TrainCommand implements Callable<Integer> {

  enum Task { ADDING, MACKEY_GLASS, CSV, CHARS, CLASSIFY, TAG, SEGMENT }

  enum OptimizerName { SGD, ADAGRAD, RMSPROP, ADAM, ADAMW }

  @Option(names = "--task", required = true, description = "ADDING, MACKEY_GLASS, CSV, CHARS,"
      + " CLASSIFY, TAG or SEGMENT (word segmentation: the text of --data lower-cased and without"
      + " its white space, each character tagged with whether a word ends after it, in windows"
      + " of --steps characters; the last fifth of the text is held out, and its word-end"
      + " precision, recall and F1 reported)")
  Task task;

  @Option(names = "--data", description = "CSV: the series file (numeric columns); CHARS and"
      + " SEGMENT: a UTF-8 text; CLASSIFY: lines of label,values…; TAG: token<TAB>tag lines, a"
      + " blank line between sentences")
  Path data;

  @Option(names = "--input-size", defaultValue = "1",
      description = "CLASSIFY: values per step in each line after the label (default ${DEFAULT-VALUE})")
  int inputSize;

  @Option(names = "--header", description = "CSV: the first line is a header")
  boolean header;

  @Option(names = "--steps", defaultValue = "50", description = "sequence length T (default ${DEFAULT-VALUE})")
  int steps;

  @Option(names = "--hidden", defaultValue = "64",
      description = "hidden size H of each layer and direction (default ${DEFAULT-VALUE})")
  int hidden;

  @Option(names = "--layers", defaultValue = "1",
      description = "recurrent layers L, each reading the one below (default ${DEFAULT-VALUE})")
  int layers;

  @Option(names = "--bidirectional", description = "each layer also runs from the last step back,"
      + " and the next layer (or the head) reads both directions' states; not for CHARS (a"
      + " stream trained chunk by chunk) nor for forecasts (MACKEY_GLASS, CSV: the next input is"
      + " the target)")
  boolean bidirectional;

  @Option(names = "--embedding", defaultValue = "0", description = "CHARS, TAG and SEGMENT: tokens"
      + " go through a learned table of this width E before the first layer (default"
      + " ${DEFAULT-VALUE}: none; each token selects a column of W_x)")
  int embedding;

  @Option(names = "--dropout", defaultValue = "0", description = "probability of zeroing each input"
      + " of layers 2…L while training (never when validating or serving); needs --layers 2 or"
      + " more (default ${DEFAULT-VALUE})")
  float dropout;

  @Option(names = "--no-head-bias", description = "the output layer has no bias b_y (the recurrent"
      + " layers keep theirs)")
  boolean noHeadBias;

  @Option(names = "--activation", defaultValue = "TANH", description = "TANH, SIGMOID or RELU")
  Activation activation;

  @Option(names = "--init", defaultValue = "PYTORCH_UNIFORM",
      description = "PYTORCH_UNIFORM, XAVIER_UNIFORM, ORTHOGONAL or IDENTITY (the IRNN)")
  Initializer initializer;

  @Option(names = "--optimizer", defaultValue = "ADAM", description = "SGD, ADAGRAD, RMSPROP, ADAM or ADAMW")
  OptimizerName optimizerName;

  @Option(names = "--lr", defaultValue = "0.001", description = "learning rate (default ${DEFAULT-VALUE})")
  float learningRate;

  @Option(names = "--epochs", defaultValue = "20") int epochs;

  @Option(names = "--batch", defaultValue = "32") int batch;

  @Option(names = "--clip", defaultValue = "1", description = "gradient-norm clipping, 0 for none")
  float clip;

  @Option(names = "--patience", defaultValue = "0", description = "early stopping, 0 for none")
  int patience;

  @Option(names = "--threads", defaultValue = "1", description = "threads (shards = threads; the"
      + " shard count is part of the arithmetic, so a resume needs the same)")
  int threads;

  @Option(names = "--seed", defaultValue = "1") long seed;

  @Option(names = "--out", required = true, description = "the model to write (*.safetensors or native)")
  Path out;

  @Option(names = "--iterations", defaultValue = "2000",
      description = "CHARS: chunks of --steps characters to train on (default ${DEFAULT-VALUE})")
  long iterations;

  @Option(names = "--clip-value", defaultValue = "5",
      description = "CHARS: per-entry gradient clipping (default ${DEFAULT-VALUE}, min-char-rnn's)")
  float clipValue;

  @Option(names = "--checkpoint",
      description = "write the run's state here (atomically) every --checkpoint-every updates and at the end")
  Path checkpoint;

  @Option(names = "--checkpoint-every", defaultValue = "1000",
      description = "updates (CHARS: chunks) between checkpoints (default ${DEFAULT-VALUE})")
  long checkpointEvery;

  @Option(names = "--resume",
      description = "continue the run saved in this checkpoint; give the same task, data and settings"
          + " (a change is refused, each one named); --epochs and --iterations (totals, which may"
          + " grow), --checkpoint, --checkpoint-every, --on-divergence and --max-skips may change")
  Path resume;

  enum OnDivergence { STOP, SKIP }

  @Option(names = "--on-divergence", defaultValue = "STOP",
      description = "at a NaN or infinite loss or gradient: STOP (write the best model so far, the"
          + " plot and the diagnostics, exit 1) or SKIP that update (default ${DEFAULT-VALUE})")
  OnDivergence onDivergence;

  @Option(names = "--max-skips", defaultValue = "10",
      description = "SKIP: stop once this many updates in a row have diverged (default ${DEFAULT-VALUE})")
  int maxSkips;

  @Option(names = "--no-progress", description = "no progress bar")
  boolean noProgress;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    checkOptions();
    if (out.getFileName() == null) {
      throw new OptionChecks(spec).refuse("--out", "must name a file, not a root folder", out);
    }
    if (ModelFiles.isSafeTensors(out) && (task == Task.CHARS || task == Task.CLASSIFY
        || task == Task.TAG || task == Task.SEGMENT)) {
      // checked before any work; ModelFiles.save would refuse too, but only after training
      throw new OptionChecks(spec).refuse("--out", "must name a recur file (not .safetensors): a "
          + task + " model keeps its vocabulary or labels, which safetensors cannot hold", out);
    }
    CommandFiles files = new CommandFiles(spec)
        .input("--data", data).input("--resume", resume)
        .output("--out", out).output("--checkpoint", checkpoint)
        .output("--out (its plot)", sibling(".loss.png"))
        .output("--out (its diagnostics)", sibling(".diagnostics.csv"))
        .output("--out (its diagnostics while written)", diagnosticsPartial())
        .mayReplace(checkpoint, resume);
    files.check();
    // a resumed run continues the diagnostics a killed run left (DiagnosticsCsv)
    files.removeStaleTemporaries(spec.commandLine().getOut(),
        resume == null ? new Path[0] : new Path[] {diagnosticsPartial()});
    if (task == Task.CHARS) {
      return trainCharacters();
    }
    Map<String, String> metadata = Map.of();
    SequenceSet[] split;
    switch (task) {
      case CLASSIFY -> {
        LabelledSequences labelled = LabelledSequences.load(data, inputSize);
        metadata = Map.of(ModelFile.LABELS, String.join("\n", labelled.labels()));
        split = split(labelled.sequences().shuffled(seed), "labelled sequences (lines)");
      }
      case TAG -> {
        TaggedCorpus corpus = TaggedCorpus.load(data);
        metadata = Map.of(ModelFile.LABELS, String.join("\n", corpus.tags()),
            ModelFile.TOKENS, String.join("\n", corpus.tokens()));
        split = split(corpus.sequences().shuffled(seed), "sentences");
      }
      case SEGMENT -> {
        UnspacedText text = UnspacedText.load(data);
        long windows = text.windowCount(steps);
        if (windows < 2) { // checked before cutting: a huge --steps would pad one window first
          throw new OptionChecks(spec).refuse("--steps", "must cut the text's " + text.length()
              + " characters into at least 2 windows (one to train on, one held out)", steps);
        }
        MemoryBudget.require(MemoryBudget.floats(windows * steps, 4),
            "cutting " + text.length() + " characters into windows of " + steps, "--steps");
        metadata = Map.of(ModelFile.VOCABULARY, text.vocabulary(),
            ModelFile.LABELS, String.join("\n", UnspacedText.TAGS),
            ModelFile.WINDOW, Integer.toString(steps));
        // in the text's order: the held-out fifth is the end of the text, not windows among it
        split = split(text.windows(steps),
            "windows of --steps characters (use a shorter --steps for more)");
      }
      default -> split = data();
    }
    SequenceSet train = split[0];
    SequenceSet valid = split[1];
    boolean classify = task == Task.CLASSIFY || task == Task.TAG || task == Task.SEGMENT;
    RnnConfig config = config(train.inputSize(), train.outputSize(),
        classify ? OutputFunction.SOFTMAX : OutputFunction.IDENTITY);
    requireMemory(0, config, (train.steps() + 1L) * Math.min(batch, train.count()));
    ElmanRnn model = ElmanRnn.initialize(config);
    Optimizer optimizer = optimizer(config);
    Trainer.Settings settings = Trainer.Settings.builder(
        classify ? Loss.CROSS_ENTROPY : Loss.MEAN_SQUARED_ERROR, LearningRateSchedule.constant(learningRate))
        .batchSize(batch).epochs(epochs).clipNorm(clip).patience(patience).seed(seed)
        .parallelism(threads, threads).build();
    PrintWriter console = spec.commandLine().getOut();
    console.println(describe(config));
    long updatesPerEpoch = (train.count() + batch - 1) / batch;
    Trainer.Result result;
    try (DiagnosticsCsv diagnostics = new DiagnosticsCsv(sibling(".diagnostics.csv"), resume != null, train.steps(),
        config);
        ProgressBar bar = noProgress ? null : new ProgressBarBuilder()
            .setTaskName("train").setInitialMax(updatesPerEpoch * epochs)
            .setStyle(ProgressBarStyle.ASCII).setUnit(" updates", 1).continuousUpdate().build()) {
      Trainer trainer = new Trainer(model, optimizer, settings).onDivergence(divergencePolicy())
          .describedBy(describedSettings()).onUpdate(u -> {
        diagnostics.accept(u);
        if (bar != null) {
          bar.stepTo(u.update());
          bar.setExtraMessage(String.format(" loss %.4f", u.loss()));
        }
      });
      java.util.function.Consumer<Trainer.Epoch> epochs = e -> console.printf(
          "epoch %d: training loss %.5f, validation loss %.5f%n", e.epoch(), e.trainingLoss(),
          e.validationLoss());
      Trainer.Checkpoints checkpoints =
          checkpoint == null ? null : new Trainer.Checkpoints(checkpoint, checkpointEvery, 0);
      TrainingDivergedException diverged = null;
      try {
        if (resume != null) {
          result = trainer.resume(resume, train, valid, epochs, checkpoints);
        } else {
          result = checkpoints == null
              ? trainer.fit(train, valid, epochs)
              : trainer.fit(train, valid, epochs, checkpoints);
        }
      } catch (TrainingDivergedException e) {
        diverged = e;
        result = e.partial();
      }
      // without a finite validation loss there is no best epoch: a finished run's last weights
      // are written instead, a diverged run's none (they are where it diverged)
      Parameters weights = result.bestEpoch() > 0 ? result.best()
          : diverged == null ? model.weights() : null;
      writeOutputs(weights, metadata, epochPlot(result), diagnostics);
      if (task == Task.SEGMENT && weights != null) {
        console.println(segmentation(weights, valid));
      }
      String outcome = outcome(result, weights != null);
      if (diverged != null) {
        spec.commandLine().getErr().printf("recur: %s; training stopped in epoch %d: %s%n",
            diverged.getMessage(), result.epochs().size() + 1, outcome);
        spec.commandLine().getErr().flush();
        return 1;
      }
      console.println(outcome);
      console.flush();
      return 0;
    }
  }

  /**
   * The model the options describe, for {@code inputs} (or a vocabulary) and {@code outputs}; a
   * combination no model can have (a matrix too large for an array) is a usage error.
   */
  private RnnConfig config(int inputs, int outputs, OutputFunction output) {
    RnnConfig.Builder builder = RnnConfig.builder(inputs, hidden, outputs)
        .activation(activation).initializer(initializer).output(output).seed(seed)
        .layers(layers).bidirectional(bidirectional).embedding(embedding).dropout(dropout);
    try {
      return (noHeadBias ? builder.headBias(false) : builder).build();
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "no model of these options can be made (--hidden " + hidden + ", --embedding "
              + embedding + ", " + inputs + " inputs, " + outputs + " outputs): "
              + e.getMessage());
    }
  }

  /** The first line a run prints: the model's structure and its parameter count. */
  static String describe(RnnConfig c) {
    return String.format(Locale.ROOT,
        "model: %d input%s%s, %d layer%s of H = %d%s, %d output%s%s; %,d parameters",
        c.inputSize(), c.inputSize() == 1 ? "" : "s",
        c.hasEmbedding() ? " through an embedding of " + c.embeddingSize() : "",
        c.layers(), c.layers() == 1 ? "" : "s", c.hiddenSize(),
        c.bidirectional() ? " in both directions" : "", c.outputSize(),
        c.outputSize() == 1 ? "" : "s",
        c.dropout() > 0 ? ", dropout " + c.dropout() + " between layers" : "",
        c.parameterCount());
  }

  /** Per-character word-end scores of a segmenter on the held-out windows. */
  private static String segmentation(Parameters weights, SequenceSet heldOut) {
    ClassScore score = ClassScore.of(ElmanRnn.frozen(weights, KernelSelection.kernels()),
        heldOut, UnspacedText.WORD_END, 64);
    return String.format(Locale.ROOT, "held-out text (the last fifth, %,d characters, %,d word"
            + " ends): word end precision %.4f, recall %.4f, F1 %.4f (per-character accuracy %.4f)",
        score.steps(), score.truePositives() + score.falseNegatives(), score.precision(),
        score.recall(), score.f1(), score.accuracy());
  }

  /** What was written: the best epoch and its validation loss, or why there is none. */
  private String outcome(Trainer.Result result, boolean modelWritten) {
    String files = sibling(".loss.png") + " and " + sibling(".diagnostics.csv");
    String skipped = result.skippedUpdates() == 0 ? ""
        : " (" + result.skippedUpdates() + " diverging updates skipped)";
    if (result.bestEpoch() > 0) {
      return String.format("best epoch %d (validation %.5f) written to %s, %s%s",
          result.bestEpoch(), result.epochs().get(result.bestEpoch() - 1).validationLoss(), out,
          files, skipped);
    }
    if (modelWritten) {
      return "no epoch had a finite validation loss; the last weights (epoch "
          + result.epochs().size() + ") written to " + out + ", " + files + skipped;
    }
    return (result.epochs().isEmpty() ? "no epoch finished" : "no epoch had a finite validation loss")
        + ", so no model was written; " + files + " written" + skipped;
  }

  private DivergencePolicy divergencePolicy() {
    return onDivergence == OnDivergence.STOP ? DivergencePolicy.STOP : DivergencePolicy.skip(maxSkips);
  }

  /**
   * Settings the trainers cannot see for themselves, stored in checkpoints and compared on
   * resume beside those they derive (model, data, batch, clipping…).
   */
  private Map<String, String> describedSettings() {
    return Map.of("task", task.name(), "optimizer", optimizerName.name(),
        "lr", Float.toString(learningRate), "seed", Long.toString(seed));
  }

  /**
   * Writes the model (when {@code weights} is not null), the loss plot and the diagnostics, each
   * atomically; the plot is rendered first, so a failure to render writes nothing.
   */
  private void writeOutputs(
      Parameters weights, Map<String, String> metadata, LossPlot plot, DiagnosticsCsv diagnostics)
      throws IOException {
    byte[] png = plot.png();
    if (weights != null) {
      new ModelFiles().save(out, weights, metadata); // safetensors under rnn. and head.
    }
    LossPlot.write(sibling(".loss.png"), png);
    diagnostics.finish();
  }

  /** Ranges of the options, before any data is read. */
  private void checkOptions() {
    new OptionChecks(spec)
        .atLeast("--steps", steps, 1).atLeast("--hidden", hidden, 1)
        .atLeast("--epochs", epochs, 1).atLeast("--batch", batch, 1)
        .atLeast("--threads", threads, 1)
        .atMost("--threads", threads, batch, "each thread takes a share of a --batch " + batch)
        .atLeast("--patience", patience, 0).atLeast("--input-size", inputSize, 1)
        .atLeast("--iterations", iterations, 1).atLeast("--checkpoint-every", checkpointEvery, 1)
        .atLeast("--max-skips", maxSkips, 1)
        .finiteAbove("--lr", learningRate, 0)
        .finiteAtLeast("--clip", clip, 0).finiteAtLeast("--clip-value", clipValue, 0)
        .atLeast("--steps", steps, task == Task.ADDING ? 2 : 1)
        .atLeast("--layers", layers, 1)
        .atMost("--layers", layers, RnnConfig.MAX_LAYERS, "the most a model may have")
        .atLeast("--embedding", embedding, 0)
        .atMost("--embedding", embedding, RnnConfig.MAX_SIZE, "the widest a dimension may be")
        .atMost("--hidden", hidden, RnnConfig.MAX_SIZE, "the widest a dimension may be")
        // as typed: a float widened to double would echo -0.10000000149011612
        .finiteInRange("--dropout", Double.parseDouble(Float.toString(dropout)), 0, 1);
    if (dropout > 0 && layers < 2) {
      throw new OptionChecks(spec).refuse("--dropout", "acts between recurrent layers, so it"
          + " needs --layers 2 or more", "--layers " + layers);
    }
    String context = "--task " + task;
    boolean chars = task == Task.CHARS;
    boolean tokens = chars || task == Task.TAG || task == Task.SEGMENT;
    boolean forecast = task == Task.MACKEY_GLASS || task == Task.CSV;
    new OptionChecks(spec)
        .onlyIf(!chars, context + " (trained by truncated BPTT, which carries the state forward"
            + " from chunk to chunk of one stream: there are no later characters for a reverse"
            + " direction to read)", "--bidirectional")
        .onlyIf(!forecast, context + " (a forecast's target is the next input, which a reverse"
            + " direction would read)", "--bidirectional")
        .onlyIf(tokens, context + " (its inputs are numbers, not tokens)", "--embedding")
        .onlyIf(!chars, context, "--batch", "--epochs", "--patience", "--clip", "--threads")
        .onlyIf(chars, context, "--iterations", "--clip-value")
        .onlyIf(task == Task.CSV, context, "--header")
        .onlyIf(task == Task.CLASSIFY, context, "--input-size")
        .onlyIf(task != Task.CLASSIFY && task != Task.TAG, context + " (its sequences are the"
            + " lines or sentences of --data)", "--steps")
        .onlyIf(checkpoint != null, "a run without --checkpoint", "--checkpoint-every")
        .onlyIf(onDivergence == OnDivergence.SKIP, "--on-divergence STOP", "--max-skips")
        .fileNeededIf(task != Task.ADDING && task != Task.MACKEY_GLASS, context, "--data", data);
  }

  /**
   * Refuses a run whose arrays cannot fit the heap: the data set, and per model copy (weights,
   * gradients per thread, optimizer moments, the best weights) the model's parameters, and the
   * unrolled states of a batch ({@code (T+1)·B} rows; see {@link MemoryBudget#valuesPerRow}),
   * twice for training and validation.
   */
  private void requireMemory(long dataValues, RnnConfig config, long rows) {
    long parameters = config.parameterCount();
    MemoryBudget.require(MemoryBudget.sum(
            MemoryBudget.floats(dataValues),
            MemoryBudget.floats(parameters, 5 + threads),
            MemoryBudget.floats(rows, MemoryBudget.valuesPerRow(config), 2)),
        "training " + parameters + " parameters"
            + (dataValues > 0 ? " on " + dataValues + " data values" : ""),
        "--hidden, --layers, --embedding, --steps or --batch");
  }

  private Optimizer optimizer(RnnConfig config) {
    return switch (optimizerName) {
      case SGD -> Sgd.plain(config);
      case ADAGRAD -> new Adagrad(config);
      case RMSPROP -> new RmsProp(config);
      case ADAM -> Adam.adam(config);
      case ADAMW -> Adam.adamW(config);
    };
  }

  /** A character model trained char-rnn style; its vocabulary is saved with it. */
  private int trainCharacters() throws IOException {
    CharCorpus corpus = CharCorpus.load(data);
    if (corpus.length() <= steps) {
      throw new IllegalArgumentException(data + " has " + corpus.length() + " characters; training"
          + " reads chunks of --steps " + steps + " characters and the character after each, so it"
          + " needs at least " + (steps + 1) + ": use a longer text or a smaller --steps");
    }
    int vocabulary = corpus.vocabularySize();
    RnnConfig config = config(vocabulary, vocabulary, OutputFunction.SOFTMAX);
    requireMemory(0, config, steps + 1L);
    ElmanRnn model = ElmanRnn.initialize(config);
    PrintWriter console = spec.commandLine().getOut();
    console.println(describe(config));
    List<double[]> curve = new ArrayList<>();
    long every = Math.max(1, iterations / 200);
    long start = System.nanoTime();
    try (DiagnosticsCsv diagnostics = new DiagnosticsCsv(sibling(".diagnostics.csv"), resume != null, steps,
        config);
        ProgressBar bar = noProgress ? null : new ProgressBarBuilder()
            .setTaskName("train").setInitialMax(iterations).setStyle(ProgressBarStyle.ASCII)
            .setUnit(" chunks", 1).continuousUpdate().build()) {
      StreamTrainer trainer = new StreamTrainer(model, optimizer(config),
          LearningRateSchedule.constant(learningRate), corpus.tokens(), 1, steps, steps, clipValue)
          .onUpdate(diagnostics).onDivergence(divergencePolicy()).describedBy(describedSettings());
      if (resume != null) {
        trainer.resume(resume);
        // equal: the run finished (perhaps killed before writing its outputs); write them
        if (trainer.iteration() > iterations) {
          throw new IllegalArgumentException(resume + " is at iteration " + trainer.iteration()
              + " already; --iterations " + iterations + " asks for fewer (a total, not a count"
              + " to add)");
        }
      }
      long resumedAt = trainer.iteration();
      java.util.function.Consumer<StreamTrainer.Iteration> report = it -> {
        if (it.iteration() % every == 0 || it.iteration() == iterations) {
          curve.add(new double[] {it.iteration(), it.smoothLoss()});
        }
        if (bar != null) {
          bar.stepTo(it.iteration());
          double seconds = (System.nanoTime() - start) / 1e9;
          bar.setExtraMessage(String.format(" loss %.3f, %.0f chars/s", it.smoothLoss(),
              (it.iteration() - resumedAt) * steps / seconds));
        }
      };
      // in pieces of --checkpoint-every chunks, each followed by a checkpoint
      long piece = checkpoint == null ? Long.MAX_VALUE : Math.max(1, checkpointEvery);
      TrainingDivergedException diverged = null;
      try {
        while (trainer.iteration() < iterations) {
          trainer.train(Math.min(piece, iterations - trainer.iteration()), report);
          if (checkpoint != null) {
            trainer.save(checkpoint);
          }
        }
      } catch (TrainingDivergedException e) {
        diverged = e; // the weights are those before the diverging chunk
      }
      writeOutputs(model.weights(), Map.of(ModelFile.VOCABULARY, corpus.vocabulary()),
          new LossPlot("recur " + task + ": loss per character (smoothed)", "iteration",
              curve.stream().mapToDouble(p -> p[0]).toArray(), new String[] {"training"},
              new double[][] {curve.stream().mapToDouble(p -> p[1]).toArray()}),
          diagnostics);
      String skipped = trainer.skipped() == 0 ? ""
          : " (" + trainer.skipped() + " diverging chunks skipped)";
      if (diverged != null) {
        spec.commandLine().getErr().printf(
            "recur: %s; training stopped: the weights after iteration %d written to %s, %s and %s%s%n",
            diverged.getMessage(), diverged.update() - 1, out, sibling(".loss.png"),
            sibling(".diagnostics.csv"), skipped);
        spec.commandLine().getErr().flush();
        return 1;
      }
      console.printf("%d iterations, final smoothed loss %.4f per character; written to %s, %s, %s%s%n",
          iterations, trainer.smoothLoss(), out, sibling(".loss.png"), sibling(".diagnostics.csv"),
          skipped);
      console.flush();
      return 0;
    }
  }

  private SequenceSet[] data() throws IOException {
    return switch (task) {
      case ADDING -> {
        // inputs 2, target 1
        requireMemory(6000L * steps * 3, config(2, 1, OutputFunction.IDENTITY),
            (steps + 1L) * batch);
        yield new SequenceSet[] {
          AddingProblem.generate(5000, steps, seed), AddingProblem.generate(1000, steps, seed + 1)};
      }
      case MACKEY_GLASS -> {
        yield split(new CsvSeries(1, MackeyGlass.centred(MackeyGlass.TASK_LENGTH)).windows(steps, 10, true), WINDOWS);
      }
      case CSV -> {
        yield split(CsvSeries.load(data, header).windows(steps, Math.max(1, steps / 5), true), WINDOWS);
      }
      case CHARS, CLASSIFY, TAG, SEGMENT ->
          throw new IllegalStateException(task + " is handled before");
    };
  }

  /** What a series task's sequences are called in messages, and what makes more of them. */
  private static final String WINDOWS = "windows of --steps steps (use a shorter --steps for more)";

  /** The first 80% of the sequences ({@code what}, for the message) to train on, the rest to validate. */
  private SequenceSet[] split(SequenceSet all, String what) {
    int cut = Math.max(1, all.count() * 4 / 5);
    if (cut == all.count()) {
      throw new IllegalArgumentException((data == null ? "the " + task + " series" : data.toString())
          + " gives " + all.count() + " " + what + "; training keeps a fifth of them for"
          + " validation, so it needs at least 2");
    }
    return new SequenceSet[] {all.slice(0, cut), all.slice(cut, all.count())};
  }

  /** Where the diagnostics are streamed while the run lasts: beside their file, through links. */
  private Path diagnosticsPartial() throws IOException {
    return DiagnosticsCsv.partialOf(AtomicFile.writtenFile(sibling(".diagnostics.csv")));
  }

  private Path sibling(String suffix) {
    return out.resolveSibling(out.getFileName() + suffix);
  }

  private LossPlot epochPlot(Trainer.Result result) {
    return new LossPlot("recur " + task + ": loss per epoch", "epoch",
        result.epochs().stream().mapToDouble(Trainer.Epoch::epoch).toArray(),
        new String[] {"training", "validation"},
        new double[][] {
          result.epochs().stream().mapToDouble(Trainer.Epoch::trainingLoss).toArray(),
          result.epochs().stream().mapToDouble(Trainer.Epoch::validationLoss).toArray()
        });
  }
}
