package dev.recur.cli;

import dev.recur.ElmanRnn;
import dev.recur.Inputs;
import dev.recur.Loss;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.Targets;
import dev.recur.TruncatedBptt;
import dev.recur.Precision;
import dev.recur.inference.InferenceModel;
import dev.recur.inference.LatencyRecorder;
import dev.recur.inference.RnnStream;
import dev.recur.io.AtomicFile;
import dev.recur.kernel.KernelSelection;
import dev.recur.optim.Sgd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code recur latency}: per-timestep latency with HdrHistogram, for each hidden size asked:
 *
 * <ul>
 *   <li>{@code flat}: streaming inference steps back to back, each timed alone;
 *   <li>{@code rate}: steps at a fixed rate (by default half of the flat-out rate just measured),
 *       open loop: each step is timed from when it was <em>meant</em> to start, so a stall delays
 *       the steps behind it and they all count it (no coordinated omission);
 *   <li>{@code stalls}: over the same window as {@code rate}, how late an otherwise idle thread
 *       woke from 1 ms sleeps ({@link HiccupMeter}): the machine's own stalls, which any thread
 *       suffers, to set beside the fixed-rate tail;
 *   <li>{@code train}: the cost per timestep of training (forward + BPTT + SGD update on chunks of
 *       25 steps, batch 1, the hidden state carried), each chunk's time divided by its steps.
 * </ul>
 *
 * <p>Prints p50, p90, p99, p99.9, p99.99 and max, and writes one {@code .hgrm} file per
 * measurement (values in µs) and a percentile plot, {@code latency.png}, into {@code --out}.
 */
@Command(
    name = "latency",
    mixinStandardHelpOptions = true,
    description = "Per-timestep latency (HdrHistogram): streaming inference flat out and at a fixed"
        + " rate (open loop), and training; prints percentiles, writes .hgrm files and a plot.")
final class LatencyCommand implements Callable<Integer> {

  /** Shortest measurement: below it a histogram holds too few steps to have percentiles. */
  private static final double MIN_SECONDS = 0.01;

  private static final double MAX_SECONDS = 86_400;

  /** The most steps a fixed-rate run may schedule (--rate × --seconds). */
  private static final long MAX_SCHEDULED_STEPS = 100_000_000;

  /** Steps per training chunk (min-char-rnn's k1 = k2). */
  private static final int CHUNK = 25;

  @Option(names = "--hidden", split = ",", defaultValue = "128,256,512",
      description = "hidden sizes H (default ${DEFAULT-VALUE})")
  List<Integer> hiddenSizes;

  @Option(names = "--input", defaultValue = "64", description = "input size I (default ${DEFAULT-VALUE})")
  int inputSize;

  @Option(names = "--output", defaultValue = "64", description = "output size O (default ${DEFAULT-VALUE})")
  int outputSize;

  @Option(names = "--seconds", defaultValue = "5",
      description = "measuring time per measurement (default ${DEFAULT-VALUE})")
  double seconds;

  @Option(names = "--warm-up", defaultValue = "20000",
      description = "steps (and chunks) run before measuring, for the JIT (default ${DEFAULT-VALUE})")
  int warmUp;

  @Option(names = "--rate", defaultValue = "0",
      description = "steps per second for the fixed-rate run; 0: half the flat-out rate (default)")
  double rate;

  @Option(names = "--precision", paramLabel = "FP32|BF16|INT8", defaultValue = "FP32",
      description = "weight matrices of the stepped model in float32, bfloat16 or int8"
          + " (default ${DEFAULT-VALUE}); training always runs in float32")
  Precision precision;

  @Option(names = "--no-train", description = "skip the training measurement")
  boolean noTrain;

  @Option(names = "--out", defaultValue = "latency",
      description = "folder for the .hgrm files and latency.png (default ${DEFAULT-VALUE})")
  Path out;

  @Spec CommandSpec spec;

  /** One measurement: its name and what it recorded, in nanoseconds. */
  private record Measured(String name, Histogram histogram) {}

  @Override
  public Integer call() throws IOException {
    OptionChecks checks = new OptionChecks(spec)
        .finiteAtLeast("--seconds", seconds, MIN_SECONDS).atLeast("--warm-up", warmUp, 0)
        .finiteAtLeast("--rate", rate, 0).atLeast("--input", inputSize, 1)
        .atLeast("--output", outputSize, 1)
        .atMost("--input", inputSize, RnnConfig.MAX_SIZE, "recur's largest layer")
        .atMost("--output", outputSize, RnnConfig.MAX_SIZE, "recur's largest layer");
    if (seconds > MAX_SECONDS) {
      throw checks.refuse("--seconds", "must be at most " + MAX_SECONDS + " (a day)", seconds);
    }
    if (rate > 0 && rate * seconds < 1) {
      throw checks.refuse("--rate", "× --seconds " + seconds + " must ask for at least one step",
          rate);
    }
    if (rate * seconds > MAX_SCHEDULED_STEPS) {
      throw checks.refuse("--rate", "× --seconds " + seconds + " must ask for at most "
          + MAX_SCHEDULED_STEPS + " steps (no step takes less than a few nanoseconds)", rate);
    }
    if (new java.util.HashSet<>(hiddenSizes).size() != hiddenSizes.size()) {
      // each size names its own series and files: a repeat would overwrite the first's
      throw checks.refuse("--hidden", "must name each size once", hiddenSizes);
    }
    for (int hidden : hiddenSizes) {
      checks.atLeast("--hidden", hidden, 1)
          .atMost("--hidden", hidden, RnnConfig.MAX_SIZE, "recur's largest layer");
      long parameters = (long) hidden * (inputSize + hidden + outputSize);
      // the model's weights, their transposed copies, and a training model's gradients and moments
      MemoryBudget.require(MemoryBudget.floats(parameters, 6), "a model with --hidden " + hidden,
          "--hidden");
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw checks.refuse("--out", "must be a folder (for the .hgrm files and latency.png)", out);
    }
    PrintWriter console = spec.commandLine().getOut();
    console.printf("%s; %s %s; %d cores; I=%d, O=%d, tanh, batch 1, %s weights; µs per timestep%n",
        KernelSelection.kernels().description(), System.getProperty("java.vm.name"),
        Runtime.version(), Runtime.getRuntime().availableProcessors(), inputSize, outputSize,
        precision);
    console.printf("%-22s %10s %8s %8s %8s %8s %8s %8s%n", "measurement", "count", "p50", "p90",
        "p99", "p99.9", "p99.99", "max");
    Files.createDirectories(out);
    List<Measured> all = new ArrayList<>();
    for (int hidden : hiddenSizes) {
      RnnConfig config = RnnConfig.builder(inputSize, hidden, outputSize).seed(1).build();
      Parameters weights = Parameters.initialize(config);
      RnnStream stream = new InferenceModel(weights, precision).newStream();
      float[] input = uniform(new SplittableRandom(2), inputSize);
      Measured flat = report(console, new Measured("step H=" + hidden + " flat", flatOut(stream, input)));
      double stepsPerSecond = rate > 0 ? rate
          : 0.5 * flat.histogram().getTotalCount() / seconds;
      all.add(flat);
      HiccupMeter meter = HiccupMeter.start(); // the machine's own stalls over the same window
      Histogram fixed = fixedRate(stream, input, stepsPerSecond);
      Histogram stalls = meter.stop();
      all.add(report(console, new Measured(
          String.format("step H=%d %.0f/s", hidden, stepsPerSecond), fixed)));
      all.add(report(console, new Measured("stalls H=" + hidden + " idle 1ms", stalls)));
      if (!noTrain) {
        all.add(report(console, new Measured("train H=" + hidden, training(config))));
      }
    }
    for (Measured m : all) { // each file whole or not at all, like every file recur writes
      ByteArrayOutputStream hgrm = new ByteArrayOutputStream();
      try (PrintStream text = new PrintStream(hgrm, false, StandardCharsets.UTF_8)) {
        m.histogram().outputPercentileDistribution(text, 1000.0);
      }
      AtomicFile.write(out.resolve(fileName(m.name()) + ".hgrm"), ByteBuffer.wrap(hgrm.toByteArray()));
    }
    plot(all);
    console.printf("wrote %d .hgrm files (µs) and %s%n", all.size(), out.resolve("latency.png"));
    console.flush();
    return 0;
  }

  /** Steps back to back, each timed alone, after the warm-up. */
  private Histogram flatOut(RnnStream stream, float[] input) {
    for (int i = 0; i < warmUp; i++) {
      stream.step(input);
    }
    Histogram histogram = histogram();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    long now;
    do {
      long start = System.nanoTime();
      stream.step(input);
      now = System.nanoTime();
      histogram.recordValue(Math.clamp(now - start, 1, LatencyRecorder.HIGHEST_NANOS));
    } while (now < end);
    return histogram;
  }

  /**
   * Step i is meant to start at {@code t0 + i / rate}; the thread spins until then and records
   * the time from that intended start to the step's end, so waiting behind a slow step counts.
   */
  private Histogram fixedRate(RnnStream stream, float[] input, double stepsPerSecond) {
    double interval = 1e9 / stepsPerSecond;
    Histogram histogram = histogram();
    long steps = (long) (seconds * stepsPerSecond);
    long t0 = System.nanoTime();
    for (long i = 0; i < steps; i++) {
      long intended = t0 + (long) (i * interval);
      while (System.nanoTime() < intended) {
        Thread.onSpinWait();
      }
      stream.step(input);
      histogram.recordValue(Math.clamp(System.nanoTime() - intended, 1, LatencyRecorder.HIGHEST_NANOS));
    }
    return histogram;
  }

  /** Chunks of {@link #CHUNK} steps trained back to back; each chunk's time over its steps. */
  private Histogram training(RnnConfig config) {
    ElmanRnn model = ElmanRnn.initialize(config);
    Sgd optimizer = Sgd.plain(config);
    Parameters gradients = Parameters.zeros(config);
    TruncatedBptt bptt = new TruncatedBptt(model, CHUNK, CHUNK, 1, false);
    SplittableRandom random = new SplittableRandom(3);
    Inputs inputs = Inputs.dense(uniform(random, CHUNK * config.inputSize()), CHUNK, 1);
    Targets targets = Targets.everyStep(uniform(random, CHUNK * config.outputSize()));
    Runnable chunk = () -> {
      gradients.zero();
      bptt.train(inputs, Loss.MEAN_SQUARED_ERROR, targets, gradients);
      optimizer.step(model.weights(), gradients, 1e-9f);
    };
    for (int i = 0; i < warmUp / CHUNK + 1000; i++) {
      chunk.run();
    }
    Histogram histogram = histogram();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    long now;
    do {
      long start = System.nanoTime();
      chunk.run();
      now = System.nanoTime();
      histogram.recordValue(Math.clamp((now - start) / CHUNK, 1, LatencyRecorder.HIGHEST_NANOS));
    } while (now < end);
    return histogram;
  }

  private static float[] uniform(SplittableRandom random, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextDouble(-1, 1);
    }
    return values;
  }

  private static Histogram histogram() {
    return new Histogram(1, LatencyRecorder.HIGHEST_NANOS, 3);
  }

  private static Measured report(PrintWriter console, Measured m) {
    Histogram h = m.histogram();
    console.printf("%-22s %10d %8.2f %8.2f %8.2f %8.2f %8.2f %8.1f%n", m.name(), h.getTotalCount(),
        h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
        h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
        h.getValueAtPercentile(99.99) / 1e3, h.getMaxValue() / 1e3);
    console.flush();
    return m;
  }

  private static String fileName(String name) {
    return name.replace("=", "").replace("/s", "-per-s").replace(' ', '-');
  }

  /**
   * The usual HdrHistogram percentile plot: latency against 1/(1-q) on a log axis, so p90, p99,
   * p99.9 … sit at 10, 100, 1000 ….
   */
  private void plot(List<Measured> all) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart chart = new XYChartBuilder().width(900).height(550)
        .title("recur: latency per timestep, batch 1")
        .xAxisTitle("1 / (1 - percentile): 10 = p90, 100 = p99, 1000 = p99.9")
        .yAxisTitle("µs").build();
    chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true).setMarkerSize(0);
    for (Measured m : all) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (HistogramIterationValue v : m.histogram().percentiles(5)) {
        double q = v.getPercentileLevelIteratedTo() / 100;
        if (q >= 1) {
          break;
        }
        x.add(1 / (1 - q));
        y.add(v.getValueIteratedTo() / 1e3);
      }
      if (x.size() > 1) {
        chart.addSeries(m.name(), x, y);
      }
    }
    AtomicFile.write(out.resolve("latency.png"),
        ByteBuffer.wrap(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG)));
  }
}
