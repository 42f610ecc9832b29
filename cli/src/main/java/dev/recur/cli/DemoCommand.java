package dev.recur.cli;

import dev.recur.ElmanRnn;
import dev.recur.OutputFunction;
import dev.recur.RnnConfig;
import dev.recur.data.CharCorpus;
import dev.recur.inference.InferenceModel;
import dev.recur.inference.LatencyRecorder;
import dev.recur.inference.RnnStream;
import dev.recur.kernel.KernelSelection;
import dev.recur.optim.Adagrad;
import dev.recur.optim.LearningRateSchedule;
import dev.recur.inference.Sampler;
import dev.recur.train.StreamTrainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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
 * {@code recur demo}, the main job: a character model in min-char-rnn's setting (H = 100, chunks
 * of 25 characters, Adagrad at 0.1, gradients clipped to ±5) trained for about a minute on a short
 * text bundled with recur (written for the project), then samples at two temperatures and the
 * measured cost of a step, inference and training.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Train a character model on the bundled text for about a minute, sample from it,"
        + " and print what a step costs.")
final class DemoCommand implements Callable<Integer> {

  static final String CORPUS = "/dev/recur/demo/corpus.txt";

  @Option(names = "--seconds", defaultValue = "60", description = "training time (default ${DEFAULT-VALUE})")
  double seconds;

  @Option(names = "--hidden", defaultValue = "100", description = "hidden size (default ${DEFAULT-VALUE})")
  int hidden;

  @Option(names = "--no-progress", description = "no progress bar")
  boolean noProgress;

  @Spec CommandSpec spec;

  /** The smoothed loss per character at the end of training, for tests. */
  double finalLoss;

  @Override
  public Integer call() throws IOException {
    new OptionChecks(spec).finiteAbove("--seconds", seconds, 0).atLeast("--hidden", hidden, 1);
    // weights, gradients and Adagrad's sums of a model of H² + 2·H·V parameters (V < 100)
    MemoryBudget.require(MemoryBudget.floats(hidden, hidden + 200L, 6),
        "a demo model with --hidden " + hidden, "--hidden");
    PrintWriter out = spec.commandLine().getOut();
    CharCorpus corpus = CharCorpus.of(bundledText());
    int vocabulary = corpus.vocabularySize();
    out.printf("recur demo: a character model on the bundled text (%d characters, %d distinct)%n",
        corpus.tokens().length, vocabulary);
    out.println("kernels: " + KernelSelection.kernels().description());
    RnnConfig config = RnnConfig.builder(vocabulary, hidden, vocabulary)
        .output(OutputFunction.SOFTMAX).seed(1).build();
    ElmanRnn model = ElmanRnn.initialize(config);
    StreamTrainer trainer = new StreamTrainer(model, new Adagrad(config, 1e-8f, 0f),
        LearningRateSchedule.constant(0.1f), corpus.tokens(), 1, 25, 25, 5f);

    long budget = (long) (seconds * 1e9);
    long start = System.nanoTime();
    long[] characters = new long[1];
    double[] loss = {Math.log(vocabulary)};
    try (ProgressBar bar = noProgress ? null : new ProgressBarBuilder()
        .setTaskName("training").setInitialMax(Math.max(1, (long) seconds)).setUnit(" s", 1)
        .setStyle(ProgressBarStyle.ASCII).continuousUpdate().build()) {
      // train in rounds of 100 chunks until the time is spent
      while (System.nanoTime() - start < budget) {
        trainer.train(100, it -> {
          characters[0] += 25;
          loss[0] = it.smoothLoss();
        });
        if (bar != null) {
          double elapsed = (System.nanoTime() - start) / 1e9;
          bar.stepTo(Math.min((long) elapsed, bar.getMax()));
          bar.setExtraMessage(String.format(" loss %.3f/char, %.0f chars/s", loss[0],
              characters[0] / elapsed));
        }
      }
    }
    double trainingSeconds = (System.nanoTime() - start) / 1e9;
    finalLoss = loss[0];
    out.printf("trained on %,d characters in %.1f s: smoothed loss %.3f per character"
        + " (a uniform guess: %.3f)%n", characters[0], trainingSeconds, loss[0], Math.log(vocabulary));

    InferenceModel frozen = new InferenceModel(model.weights());
    int[] prime = "The ".codePoints().map(corpus::encode).toArray();
    for (double temperature : new double[] {0.5, 1.0}) {
      int[] sampled = new Sampler(frozen, 7).sample(prime, 240, temperature);
      StringBuilder text = new StringBuilder("The ");
      for (int t : sampled) {
        text.appendCodePoint(corpus.decode(t));
      }
      out.printf("%nsample at temperature %.1f:%n%s%n", temperature, text);
    }

    LatencyRecorder latency = new LatencyRecorder();
    RnnStream stream = frozen.newStream();
    stream.recordLatencyTo(latency);
    int[] tokens = corpus.tokens();
    for (int i = 0; i < 20_000; i++) { // the first steps compile; the rest are measured below
      stream.step(tokens[i % tokens.length]);
    }
    Histogram measured = latency.intervalHistogram(null);
    for (int i = 0; i < 50_000; i++) {
      stream.step(tokens[i % tokens.length]);
    }
    measured = latency.intervalHistogram(measured);
    out.printf("%ninference, one step (H=%d, V=%d, batch 1), %,d steps: p50 %.2f µs, p99 %.2f µs,"
            + " p99.9 %.2f µs, max %.1f µs%n", hidden, vocabulary, measured.getTotalCount(),
        measured.getValueAtPercentile(50) / 1e3, measured.getValueAtPercentile(99) / 1e3,
        measured.getValueAtPercentile(99.9) / 1e3, measured.getMaxValue() / 1e3);
    out.printf("training, forward + backward + update: %.2f µs per character%n",
        trainingSeconds * 1e6 / Math.max(1, characters[0]));
    out.flush();
    return 0;
  }

  private static String bundledText() throws IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream(CORPUS)) {
      if (in == null) {
        throw new IOException("the bundled text " + CORPUS + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
