package dev.recur.cli;

import dev.recur.Loss;
import dev.recur.Precision;
import dev.recur.data.AddingProblem;
import dev.recur.data.CsvSeries;
import dev.recur.data.LabelledSequences;
import dev.recur.data.MackeyGlass;
import dev.recur.data.SequenceSet;
import dev.recur.data.TaggedCorpus;
import dev.recur.data.TextFiles;
import dev.recur.data.UnspacedText;
import dev.recur.inference.Forecast;
import dev.recur.inference.InferenceModel;
import dev.recur.inference.RnnStream;
import dev.recur.io.ModelFile;
import dev.recur.train.ClassScore;
import dev.recur.train.Evaluator;
import dev.recur.train.NextTokenLoss;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code recur eval MODEL}: scores a trained model on fresh data — the adding problem (test MSE
 * against the 1/6 baseline), Mackey-Glass (one-step and free-running NRMSE on the held-out end
 * of the series, the part {@code train} never sees), a CSV series, labelled sequences, tagged
 * sentences or the word segmentation of a text. Sequences are scored with whole-sequence
 * forward passes, so models of every shape are (bidirectional ones too); the forecasts step a
 * stream, which only a unidirectional model has.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Score a model: ADDING (test MSE on fresh sequences), MACKEY_GLASS (one-step and"
        + " free-running NRMSE on the held-out end of the series), CSV (one-step NRMSE on a series"
        + " file, beside persistence), CLASSIFY (accuracy on labelled sequences), TAG (per-token"
        + " accuracy on tagged sentences) or SEGMENT (word-end precision, recall and F1 per"
        + " character of a text without its white space).")
final class EvalCommand implements Callable<Integer> {

  enum Task { ADDING, MACKEY_GLASS, CSV, CLASSIFY, TAG, SEGMENT, CHARS }

  /** Sequences per whole-sequence forward pass when scoring. */
  private static final int BATCH = 64;

  /** Steps before the held-out end: train uses the first 80% of its windows, never this end. */
  private static final int HELD_OUT = 1200;

  @Parameters(index = "0", paramLabel = "MODEL", description = "the model") Path model;

  @Option(names = "--task", required = true) Task task;

  @Option(names = "--steps", defaultValue = "50",
      description = "ADDING: sequence length; CSV: window length; SEGMENT: characters per"
          + " window, by default the model's own (default ${DEFAULT-VALUE}, or the segmenter's)")
  int steps;

  @Option(names = "--header", description = "CSV: the first line is a header") boolean header;

  @Option(names = "--count", defaultValue = "10000", description = "ADDING: test sequences") int count;

  @Option(names = "--seed", defaultValue = "12345", description = "ADDING: test data seed") long seed;

  @Option(names = "--horizon", defaultValue = "84", description = "MACKEY_GLASS: free-running steps, at most 300 (the held-out end of the series)")
  int horizon;

  @Option(names = "--data",
      description = "CSV: a series (numeric columns); CLASSIFY: labelled sequences (label, then T·I"
          + " values); TAG: token<TAB>tag lines; SEGMENT: a UTF-8 text")
  Path data;

  @Option(names = "--input-size", defaultValue = "1", description = "CLASSIFY: values per step")
  int inputSize;

  @Mixin ModelFiles files;

  @Mixin ServingPrecision precision;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    new OptionChecks(spec).atLeast("--steps", steps, 1).atLeast("--count", count, 1)
        .atLeast("--horizon", horizon, 1)
        .atMost("--horizon", horizon, MackeyGlass.TASK_LENGTH - HELD_OUT,
            "the held-out end of the Mackey-Glass series has that many steps")
        .atLeast("--input-size", inputSize, 1)
        .atLeast("--steps", steps, task == Task.ADDING ? 2 : 1);
    checkOptionsApply();
    if ((task == Task.CLASSIFY || task == Task.TAG || task == Task.SEGMENT || task == Task.CHARS)
        && ModelFiles.isSafeTensors(model)) {
      throw new OptionChecks(spec).refuse("MODEL", "must be a recur file for --task " + task + ": it"
          + " scores with the labels, tags or vocabulary a model was trained with, which"
          + " safetensors cannot hold (train it with recur, or load it into a model of yours)",
          model);
    }
    new CommandFiles(spec).input("MODEL", model).input("--data", data).check();
    files.requireSafeTensorsAmong(model);
    PrintWriter out = spec.commandLine().getOut();
    if (task == Task.CLASSIFY) {
      return classify(out);
    }
    if (task == Task.TAG) {
      return tag(out);
    }
    if (task == Task.SEGMENT) {
      return segment(out);
    }
    if (task == Task.CHARS) {
      return chars(out);
    }
    ModelFile.SavedModel saved = files.loadModel(model);
    dev.recur.Parameters weights = saved.weights();
    Precision held = precision.of(saved);
    if (held != Precision.FP32) {
      out.printf("weight matrices held in %s%n", held);
    }
    if ((task == Task.MACKEY_GLASS || task == Task.CSV) && weights.config().bidirectional()) {
      throw new IllegalArgumentException(model + " is bidirectional: its output at each step"
          + " reads later inputs, and a forecast's later input is its target; " + task
          + " scores unidirectional models");
    }
    if (task == Task.ADDING || task == Task.MACKEY_GLASS) {
      int in = task == Task.ADDING ? 2 : 1;
      if (weights.config().inputSize() != in || weights.config().outputSize() != 1) {
        throw new IllegalArgumentException(model + " takes " + weights.config().inputSize()
            + " inputs and gives " + weights.config().outputSize() + " outputs; a " + task
            + " model (train --task " + task + ") takes " + in + " and gives 1");
      }
    }
    if (task == Task.ADDING) {
      // the test set (2 inputs and a target per step) and a batch of 256 unrolled states
      MemoryBudget.require(MemoryBudget.sum(MemoryBudget.floats(count, steps, 3),
          MemoryBudget.floats(256, steps + 1L, MemoryBudget.valuesPerRow(weights.config()))),
          "scoring " + count + " sequences of " + steps + " steps", "--count or --steps");
    }
    switch (task) {
      case ADDING -> {
        SequenceSet test = AddingProblem.generate(count, steps, seed);
        double mse = new Evaluator(new InferenceModel(weights, held).sequences(),
            Loss.MEAN_SQUARED_ERROR, 256).meanLoss(test);
        out.printf("adding problem T=%d, %d test sequences: MSE %.5f (always answering 1: %.5f)%n",
            steps, count, mse, AddingProblem.BASELINE_MSE);
      }
      case MACKEY_GLASS -> {
        float[] x = MackeyGlass.centred(MackeyGlass.TASK_LENGTH); // as train feeds it
        InferenceModel frozen = new InferenceModel(weights, held);
        RnnStream stream = frozen.newStream();
        int heldOut = HELD_OUT;
        for (int t = 0; t < heldOut; t++) {
          stream.step(new float[] {x[t]});
        }
        float[] predicted = new float[x.length - heldOut - 1];
        float[] truth = new float[predicted.length];
        for (int t = heldOut; t < x.length - 1; t++) {
          predicted[t - heldOut] = stream.step(new float[] {x[t]})[0];
          truth[t - heldOut] = x[t + 1];
        }
        float[] free = Forecast.freeRun(frozen, Arrays.copyOfRange(x, heldOut - 300, heldOut), horizon);
        float[] freeTruth = Arrays.copyOfRange(x, heldOut, heldOut + horizon);
        out.printf("Mackey-Glass τ=17: one-step NRMSE %.4f over %d steps; free-running %d-step NRMSE"
            + " %.4f after teacher forcing%n", Forecast.nrmse(predicted, truth), predicted.length,
            horizon, Forecast.nrmse(free, freeTruth));
      }
      case CSV -> series(new InferenceModel(weights, held), out);
      case CLASSIFY, TAG, SEGMENT, CHARS -> throw new IllegalStateException("handled before");
    }
    out.flush();
    return 0;
  }

  /**
   * One-step-ahead error of a model trained by {@code train --task CSV} on a series file: the
   * series is streamed through the model from the zero state, as a service would, and every
   * prediction after the first {@code --steps} (the warm-up, as long as a training window) is
   * scored, beside persistence (predicting that the next step repeats this one).
   */
  private void series(InferenceModel frozen, PrintWriter out) throws IOException {
    dev.recur.RnnConfig config = frozen.config();
    CsvSeries series = CsvSeries.load(data, header);
    int width = series.columns();
    if (width != config.inputSize() || width != config.outputSize()) {
      throw new IllegalArgumentException(data + " has " + width + " columns; the model takes "
          + config.inputSize() + " and gives " + config.outputSize());
    }
    int scored = series.length() - 1 - steps;
    if (scored < 2) {
      throw new IllegalArgumentException(data + ": " + series.length() + " steps leave nothing to"
          + " score after a warm-up of --steps " + steps);
    }
    float[] predicted = new float[scored * width];
    float[] truth = Arrays.copyOfRange(series.values(), (steps + 1) * width, series.values().length);
    float[] persistence = Arrays.copyOfRange(series.values(), steps * width, (series.length() - 1) * width);
    float[] step = new float[width];
    float[] next = new float[width];
    try (RnnStream stream = frozen.newStream()) {
      for (int t = 0; t < series.length() - 1; t++) {
        System.arraycopy(series.values(), t * width, step, 0, width);
        stream.step(step, next);
        if (t >= steps) {
          System.arraycopy(next, 0, predicted, (t - steps) * width, width);
        }
      }
    }
    out.printf("series: one-step NRMSE %.4f over %d steps × %d columns after a warm-up of %d;"
        + " persistence %.4f%n", Forecast.nrmse(predicted, truth), scored, width, steps,
        Forecast.nrmse(persistence, truth));
  }

  /**
   * Loss per character of a character model ({@code train --task CHARS}) reading a text from the
   * zero state: the mean cross-entropy of each next character, the figure training's smoothed
   * loss estimates. Characters the model never saw are skipped and counted.
   */
  private int chars(PrintWriter out) throws IOException {
    ModelFile.SavedModel saved = ModelFile.loadModel(model);
    String vocabulary = saved.metadata().get(ModelFile.VOCABULARY);
    if (vocabulary == null || saved.metadata().containsKey(ModelFile.LABELS)) {
      throw new IllegalArgumentException(model + " is not a character model (train --task CHARS"
          + " keeps a vocabulary and no labels)");
    }
    int[] text = TextFiles.read(data).codePoints().toArray();
    int[] tokens = new int[text.length];
    int[] codePoints = vocabulary.codePoints().toArray(); // sorted: token i is the i-th
    int kept = 0;
    for (int codePoint : text) {
      int index = Arrays.binarySearch(codePoints, codePoint);
      if (index >= 0) {
        tokens[kept++] = index;
      }
    }
    if (kept < 2) {
      throw new IllegalArgumentException(data + ": " + kept + " of its characters are in the"
          + " model's vocabulary; scoring needs at least 2");
    }
    Precision held = precision.of(saved);
    if (held != Precision.FP32) {
      out.printf("weight matrices held in %s%n", held);
    }
    double nats = NextTokenLoss.mean(new InferenceModel(saved.weights(), held),
        Arrays.copyOf(tokens, kept));
    out.printf("characters: %d scored (%d unknown to the model, skipped); loss %.4f nats = %.4f"
        + " bits per character (a uniform guess over its %d: %.4f nats)%n", kept - 1,
        text.length - kept, nats, nats / Math.log(2), codePoints.length,
        Math.log(codePoints.length));
    return 0;
  }

  /** Accuracy of a classifier trained by {@code train --task CLASSIFY} on a labelled file. */
  private int classify(PrintWriter out) throws IOException {
    ModelFile.SavedModel saved = ModelFile.loadModel(model);
    List<String> labels = lines(saved, ModelFile.LABELS, "a classifier");
    if (saved.metadata().containsKey(ModelFile.TOKENS)) {
      throw new IllegalArgumentException(model + " is a tagger (it keeps a vocabulary of tokens):"
          + " score it with --task TAG");
    }
    if (saved.metadata().containsKey(ModelFile.VOCABULARY)) {
      throw new IllegalArgumentException(model + " is a segmenter (it keeps a vocabulary of"
          + " characters): score it with --task SEGMENT");
    }
    int modelInputs = saved.weights().config().inputSize();
    if (inputSize != modelInputs) {
      throw new IllegalArgumentException(model + " takes " + modelInputs + " values per step, so"
          + " each line of " + data + " holds a label and then steps of " + modelInputs
          + " values: give --input-size " + modelInputs + " (it was " + inputSize + ")");
    }
    LabelledSequences test = LabelledSequences.load(data, inputSize, labels);
    ClassScore score = ClassScore.of(new InferenceModel(saved.weights(), precision.of(saved)).sequences(),
        test.sequences(), 0, BATCH);
    out.printf("classification: %d of %d correct, accuracy %.4f%n", score.correct(),
        score.steps(), score.accuracy());
    out.flush();
    return 0;
  }

  /** Per-token accuracy of a tagger trained by {@code train --task TAG} on a tagged file. */
  private int tag(PrintWriter out) throws IOException {
    ModelFile.SavedModel saved = ModelFile.loadModel(model);
    List<String> tags = lines(saved, ModelFile.LABELS, "a tagger");
    List<String> tokens = lines(saved, ModelFile.TOKENS, "a tagger");
    TaggedCorpus test = TaggedCorpus.load(data, tokens, tags);
    ClassScore score = ClassScore.of(new InferenceModel(saved.weights(), precision.of(saved)).sequences(),
        test.sequences(), 0, BATCH);
    out.printf("tagging: %d of %d tokens correct, accuracy %.4f (%d sentences, %d tokens unknown"
        + " to the model)%n", score.correct(), score.steps(), score.accuracy(),
        test.sentences().size(), test.unknownTokens());
    out.flush();
    return 0;
  }

  /**
   * Per-character word-end scores of a segmenter trained by {@code train --task SEGMENT} on a
   * text: the text lower-cased and without its white space, in windows of {@code --steps}
   * characters as in training.
   */
  private int segment(PrintWriter out) throws IOException {
    ModelFile.SavedModel saved = ModelFile.loadModel(model);
    String vocabulary = saved.metadata().get(ModelFile.VOCABULARY);
    List<String> tags = saved.list(ModelFile.LABELS);
    if (vocabulary == null || !UnspacedText.TAGS.equals(tags)) {
      throw new IllegalArgumentException(model + " is not a segmenter (train --task SEGMENT): it"
          + " has no " + (vocabulary == null ? ModelFile.VOCABULARY : "word-end tags "
          + UnspacedText.TAGS + " in " + ModelFile.LABELS));
    }
    Integer trained = trainedWindow(saved);
    int window = trained != null && !spec.commandLine().getParseResult().hasMatchedOption("--steps")
        ? trained : steps;
    if (trained != null && window != trained) {
      out.printf("note: %s was trained on windows of %s characters; scoring in windows of %d%n",
          model, trained, window);
    }
    UnspacedText text = UnspacedText.load(data, vocabulary);
    long windows = text.windowCount(window);
    MemoryBudget.require(MemoryBudget.sum(MemoryBudget.floats(windows * window, 4),
        MemoryBudget.floats(Math.min(BATCH, windows), window + 1L,
            MemoryBudget.valuesPerRow(saved.weights().config()))),
        "scoring " + text.length() + " characters in windows of " + window, "--steps");
    ClassScore score = ClassScore.of(new InferenceModel(saved.weights(), precision.of(saved)).sequences(),
        text.windows(window), UnspacedText.WORD_END, BATCH);
    out.printf(Locale.ROOT, "segmentation: %d characters (%d unknown to the model), %d word"
        + " ends; word end precision %.4f, recall %.4f, F1 %.4f (per-character accuracy %.4f)%n",
        score.steps(), text.unknownCharacters(), score.truePositives() + score.falseNegatives(),
        score.precision(), score.recall(), score.f1(), score.accuracy());
    out.flush();
    return 0;
  }

  /** The window a segmenter was trained on, or null for a model from before it was recorded. */
  private Integer trainedWindow(ModelFile.SavedModel saved) {
    String value = saved.metadata().get(ModelFile.WINDOW);
    if (value == null) {
      return null;
    }
    try {
      int window = Integer.parseInt(value);
      if (window >= 1) {
        return window;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new IllegalArgumentException(model + ": its " + ModelFile.WINDOW + " is '" + value
        + "', not a number of characters");
  }

  /** Options of other tasks are refused rather than ignored; --data where the task reads it. */
  private void checkOptionsApply() {
    String context = "--task " + task;
    new OptionChecks(spec)
        .onlyIf(task == Task.ADDING, context, "--count", "--seed")
        .onlyIf(task == Task.ADDING || task == Task.CSV || task == Task.SEGMENT, context, "--steps")
        .onlyIf(task == Task.CSV, context, "--header")
        .onlyIf(task == Task.MACKEY_GLASS, context, "--horizon")
        .onlyIf(task == Task.CLASSIFY, context, "--input-size")
        .fileNeededIf(task != Task.ADDING && task != Task.MACKEY_GLASS, context, "--data", data);
  }

  /** A newline-separated list from the model's metadata, which must be there. */
  private List<String> lines(
      ModelFile.SavedModel saved, String key, String kind) {
    List<String> list = saved.list(key);
    if (list == null) {
      throw new IllegalArgumentException(model + " has no " + key + ": it is not " + kind);
    }
    return list;
  }
}
