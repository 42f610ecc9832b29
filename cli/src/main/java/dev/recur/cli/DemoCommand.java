package dev.recur.cli;

import dev.recur.ElmanRnn;
import dev.recur.Engine;
import dev.recur.OutputFunction;
import dev.recur.RnnConfig;
import dev.recur.data.CharCorpus;
import dev.recur.data.ToyEnglish;
import dev.recur.data.WordGrammar;
import dev.recur.inference.InferenceModel;
import dev.recur.inference.LatencyRecorder;
import dev.recur.inference.RnnStream;
import dev.recur.inference.Sampler;
import dev.recur.optim.Adam;
import dev.recur.optim.LearningRateSchedule;
import dev.recur.train.NextTokenLoss;
import dev.recur.train.StreamTrainer;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code recur demo}, the main job: a character model trained for about a minute on text from
 * {@link ToyEnglish}, a grammar written for recur whose entropy per character is known, so the
 * demo can say how close the model came to the best loss possible. It trains on one generated
 * text, scores another it never saw (held out), continues a held-out passage at two temperatures,
 * and measures what a step costs, inference and training.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Train a character model for about a minute on English-like text from a grammar"
        + " written for recur, compare its held-out loss with the best possible, continue a"
        + " held-out passage, and print what a step costs.")
final class DemoCommand implements Callable<Integer> {

  /** More than a minute's training reads (so the model cannot learn the text by heart). */
  static final int TRAINING_CHARACTERS = 8_000_000;
  static final int HELD_OUT_CHARACTERS = 200_000;
  static final long TRAINING_SEED = 1;
  static final long HELD_OUT_SEED = 2;
  /** The held-out passage the model reads before it continues it. */
  static final int PROMPT_CHARACTERS = 2_000;
  static final int SHOWN_PROMPT = 100;
  static final int CONTINUATION = 160;
  /**
   * The training settings that gave the lowest held-out loss after a minute of one core, of those
   * tried (see the README): B parts of the text read side by side turn each step's products into
   * matrix products, which read more characters a second than one stream does.
   */
  static final int STREAMS = 16;
  static final int CHUNK = 50;
  static final float LEARNING_RATE = 0.002f;
  /** The rate at the end of the run, as a fraction of {@link #LEARNING_RATE}. */
  static final float FINAL_RATE_FRACTION = 0.1f;
  static final float CLIP = 5f;

  @Option(names = "--seconds", defaultValue = "60", description = "training time (default ${DEFAULT-VALUE})")
  double seconds;

  @Option(names = "--hidden", defaultValue = "128", description = "hidden size (default ${DEFAULT-VALUE})")
  int hidden;

  @Option(names = "--no-progress", description = "no progress bar")
  boolean noProgress;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    new OptionChecks(spec).finiteAbove("--seconds", seconds, 0).atLeast("--hidden", hidden, 1);
    // weights, gradients and Adam's two moments of a model of H² + 2·H·V parameters (V < 100),
    // and the texts: a token and a character (at most 4 + 2 bytes) per character
    MemoryBudget.require(MemoryBudget.sum(MemoryBudget.floats(hidden, hidden + 200L, 8),
            MemoryBudget.floats(TRAINING_CHARACTERS + HELD_OUT_CHARACTERS, 2)),
        "a demo model with --hidden " + hidden, "--hidden");
    PrintWriter out = spec.commandLine().getOut();
    WordGrammar grammar = ToyEnglish.grammar();
    CharCorpus alphabet = CharCorpus.of(grammar.alphabet());
    int[] training = encode(grammar.generate(TRAINING_CHARACTERS, TRAINING_SEED), alphabet);
    String heldOutText = grammar.generate(HELD_OUT_CHARACTERS, HELD_OUT_SEED);
    int[] heldOut = encode(heldOutText, alphabet);
    int vocabulary = alphabet.vocabularySize();
    out.printf("recur demo: a character model learns English-like text from a grammar written for"
        + " recur (%d slots, %d characters)%n", grammar.slotCount(), vocabulary);
    out.printf("training text: %,d characters (seed %d); held-out text: %,d characters (seed %d),"
        + " never trained on%n", training.length, TRAINING_SEED, heldOut.length, HELD_OUT_SEED);
    out.println("kernels: " + Engine.PREFERRED.description());
    RnnConfig config = RnnConfig.builder(vocabulary, hidden, vocabulary)
        .output(OutputFunction.SOFTMAX).seed(1).build();
    ElmanRnn model = ElmanRnn.initialize(config);
    long budget = (long) (seconds * 1e9);
    long start = System.nanoTime();
    // The run is measured in time, not updates, so the rate decays with the time spent: linearly
    // from LEARNING_RATE to a tenth of it at the end, so late updates settle instead of spiking.
    LearningRateSchedule decaying = step -> LEARNING_RATE * (float) Math.max(FINAL_RATE_FRACTION,
        1 - (double) (System.nanoTime() - start) / budget);
    StreamTrainer trainer = new StreamTrainer(model, Adam.adam(config), decaying, training,
        STREAMS, CHUNK, CHUNK, CLIP);
    out.printf("model: H = %d; training: %d parts of the text side by side, in chunks of %d"
        + " characters (truncated BPTT), Adam at %s decaying linearly to %.0f%% of it over the"
        + " run, gradients clipped to ±%.0f%n",
        hidden, STREAMS, CHUNK, LEARNING_RATE, FINAL_RATE_FRACTION * 100, CLIP);

    long[] characters = new long[1];
    double[] smoothed = {Math.log(vocabulary)};
    try (ProgressBar bar = noProgress ? null : new ProgressBarBuilder()
        .setTaskName("training").setInitialMax(Math.max(1, (long) seconds)).setUnit(" s", 1)
        .setStyle(ProgressBarStyle.ASCII).continuousUpdate().build()) {
      // train in rounds of 5 chunks (4,000 characters) until the time is spent
      while (System.nanoTime() - start < budget) {
        trainer.train(5, it -> {
          characters[0] = it.tokensSeen();
          smoothed[0] = it.smoothLoss();
        });
        if (bar != null) {
          double elapsed = (System.nanoTime() - start) / 1e9;
          bar.stepTo(Math.min((long) elapsed, bar.getMax()));
          bar.setExtraMessage(String.format(" loss %.3f/char, %.0f chars/s", smoothed[0],
              characters[0] / elapsed));
        }
      }
    }
    double trainingSeconds = (System.nanoTime() - start) / 1e9;
    out.printf("trained %.1f s on %,d characters (%.2f passes over the training text)%n",
        trainingSeconds, characters[0], (double) characters[0] / training.length);

    InferenceModel frozen = new InferenceModel(model.weights());
    double heldOutLoss = NextTokenLoss.mean(frozen, heldOut);
    double best = grammar.entropyPerCharacter();
    out.printf("%n  %-40s  nats   bits%n", "loss per character");
    row(out, "a uniform guess over " + vocabulary + " characters", Math.log(vocabulary));
    row(out, "training text (smoothed)", smoothed[0]);
    row(out, "held-out text", heldOutLoss);
    row(out, "best possible (the grammar's entropy)", best);
    out.printf("the held-out loss is %.3f bits per character above the best possible%n",
        (heldOutLoss - best) / Math.log(2));

    printContinuations(out, frozen, heldOutText, heldOut, alphabet);
    printCosts(out, frozen, heldOut, trainingSeconds, characters[0]);
    out.flush();
    return 0;
  }

  private static void row(PrintWriter out, String what, double nats) {
    out.printf("  %-40s%6.3f %6.3f%n", what, nats, nats / Math.log(2));
  }

  /**
   * The model reads the start of the held-out text, then goes on by itself from that state; the
   * text's own continuation is shown beside the model's.
   */
  private static void printContinuations(
      PrintWriter out, InferenceModel frozen, String text, int[] tokens, CharCorpus alphabet) {
    int[] prompt = Arrays.copyOf(tokens, PROMPT_CHARACTERS);
    out.printf("%nthe model reads the first %,d characters of the held-out text, which end%n"
        + "    …%s%n", PROMPT_CHARACTERS, text.substring(PROMPT_CHARACTERS - SHOWN_PROMPT,
        PROMPT_CHARACTERS));
    out.printf("the held-out text goes on%n    »%s%n",
        text.substring(PROMPT_CHARACTERS, PROMPT_CHARACTERS + CONTINUATION));
    for (double temperature : new double[] {1.0, 0.5}) {
      int[] sampled = new Sampler(frozen, 7).sample(prompt, CONTINUATION, temperature);
      StringBuilder continuation = new StringBuilder();
      for (int t : sampled) {
        continuation.appendCodePoint(alphabet.decode(t));
      }
      out.printf("the model goes on at temperature %.1f%s%n    »%s%n", temperature,
          temperature == 1.0 ? " (its own distribution, the one the losses score)" : "",
          continuation);
    }
  }

  private void printCosts(PrintWriter out, InferenceModel frozen, int[] tokens,
      double trainingSeconds, long characters) {
    LatencyRecorder latency = new LatencyRecorder();
    RnnStream stream = frozen.newStream();
    stream.recordLatencyTo(latency);
    for (int i = 0; i < 20_000; i++) { // the first steps compile; the rest are measured below
      stream.step(tokens[i % tokens.length]);
    }
    Histogram measured = latency.intervalHistogram(null);
    for (int i = 0; i < 50_000; i++) {
      stream.step(tokens[i % tokens.length]);
    }
    measured = latency.intervalHistogram(measured);
    out.printf("%ninference, one step (H=%d, V=%d, batch 1), %,d steps: p50 %.2f µs, p99 %.2f µs,"
            + " p99.9 %.2f µs, max %.1f µs%n", hidden, frozen.config().outputSize(),
        measured.getTotalCount(), measured.getValueAtPercentile(50) / 1e3,
        measured.getValueAtPercentile(99) / 1e3, measured.getValueAtPercentile(99.9) / 1e3,
        measured.getMaxValue() / 1e3);
    out.printf("training, forward + backward + update: %.2f µs per character%n",
        trainingSeconds * 1e6 / Math.max(1, characters));
  }

  /** The text as indices into the vocabulary of {@code alphabet}. */
  static int[] encode(String text, CharCorpus alphabet) {
    return text.codePoints().map(alphabet::encode).toArray();
  }
}
