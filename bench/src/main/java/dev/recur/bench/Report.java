package dev.recur.bench;

import dev.recur.cli.RecurCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * One command for every figure: the JMH suite (with {@code -prof gc}), the ONNX Runtime and
 * PyTorch peers on the same exported model (where {@code python3-torch} is installed), the
 * latency harness, and the data-parallel speed-up; then {@code docs/BENCHMARKS.md} and its plots.
 *
 * <pre>mvn -q package -DskipTests exec:exec@report                        # full run, 44–47 min here
 * mvn -q package -DskipTests exec:exec@report -Dreport.args=quick   # 1 fork, short iterations
 * mvn -q package -DskipTests exec:exec@report -Dreport.args="quick include=FmaPeak"  # a try-out
 * mvn -q package -DskipTests exec:exec@report -Dreport.args=replay  # rewrite from the saved figures
 * mvn -q package -DskipTests exec:exec@report -Dreport.args=rerun=Activation  # re-measure some
 * mvn -q package -DskipTests exec:exec@report -Dreport.args=rerun=Native  # C and OpenBLAS only</pre>
 *
 * The raw figures are saved in {@code docs/benchmarks/} (figures.tsv, pytorch.jsonl, latency.txt,
 * parallel.txt, native.tsv, machine.properties, and JMH's own jmh.json, with jmh-rerun-CLASSES.json
 * for each rerun since; jmh-rerun.json is from before reruns were named) and the report is written
 * from them. {@code rerun=Native} ({@link NativeYardstick}) times the C yardstick again together
 * with the two recur benchmarks its table divides by, so that table stays one run's.
 *
 * Run it on a quiet machine: every figure is single-threaded except the data-parallel one.
 */
public final class Report {

  /** The hidden sizes the peers and the targets are stated at. */
  static final String PEER_SIZES = "128,256,512,1024,2048";
  /** The sizes {@code recur latency} measures in a report run. */
  static final String LATENCY_SIZES = "128,256,512";

  /** How the report's list of figures measured again names the native yardstick's. */
  private static final String NATIVE_FIGURES = "the C and OpenBLAS yardstick (bench/native)";

  private Report() {}

  public static void main(String[] args) throws Exception {
    List<String> options = List.of(args);
    boolean quick = options.contains("quick");
    String include = value(options, "include=");
    String rerun = value(options, "rerun=");
    Path root = repositoryRoot();
    Path figures = root.resolve("docs/benchmarks");
    Files.createDirectories(figures);
    if (rerun != null) {
      remeasure(root, figures, rerun);
    } else if (!options.contains("replay")) {
      measure(root, figures, quick, include);
    }
    // The report is always written from the files a run saved, so `replay` rewrites it exactly.
    List<String> latency = Files.readAllLines(figures.resolve("latency.txt"));
    String[] parallel = Files.readString(figures.resolve("parallel.txt")).strip().split(" ");
    Path torch = figures.resolve("pytorch.jsonl");
    List<String> torchLines = Files.exists(torch) ? Files.readAllLines(torch) : List.of();
    Optional<String> torchVersion = torchLines.stream().findFirst()
        .map(line -> line.replaceAll(".*\"torch\": \"([^\"]*)\".*", "$1"));
    Path nativeFile = nativeFigures(figures);
    Path report = root.resolve("docs/BENCHMARKS.md");
    new ReportWriter(Machine.load(figures.resolve("machine.properties")),
        Figures.load(figures.resolve("figures.tsv")), PyTorchPeer.parse(torchLines), torchVersion,
        Files.exists(nativeFile) ? Optional.of(NativeFigures.load(nativeFile)) : Optional.empty(),
        String.join("\n", latency),
        new DataParallelSpeedup.Speedup(Integer.parseInt(parallel[0]),
            Double.parseDouble(parallel[1]), Double.parseDouble(parallel[2])),
        run(figures)[0].equals("quick"), run(figures)[1],
        Files.exists(reruns(figures)) ? Files.readAllLines(reruns(figures)) : List.of())
        .write(report, figures);
    System.out.println("report: wrote " + report + " and plots in " + figures);
  }

  private static String value(List<String> options, String prefix) {
    return options.stream().filter(a -> a.startsWith(prefix))
        .map(a -> a.substring(prefix.length())).findFirst().orElse(null);
  }

  /** The saved run's kind ({@code full} or {@code quick}) and the day it was measured. */
  private static String[] run(Path figures) throws IOException {
    String[] words = Files.readString(figures.resolve("run.txt")).strip().split(" ");
    return new String[] {words[0], words.length > 1 ? words[1] : "an unrecorded day"};
  }

  /**
   * Lines of {@code date, regex, benchmarks[, cpu]} for the benchmarks measured again after the
   * run.
   */
  private static Path reruns(Path figures) {
    return figures.resolve("reruns.tsv");
  }

  /** The native yardstick's saved output ({@link NativeYardstick}). */
  private static Path nativeFigures(Path figures) {
    return figures.resolve("native.tsv");
  }

  /**
   * Measures again, with the full run's settings, the benchmark classes {@code classes} (a regex
   * such as {@code Activation|FmaPeak}) names, replaces their figures and records that they come
   * from a later run of their own (the report says so). Every table still compares figures of
   * one run: a table draws on one benchmark class, or on classes measured again together. {@code
   * Native} among them times the C yardstick and the recur benchmarks its table compares with.
   */
  private static void remeasure(Path root, Path figures, String classes) throws Exception {
    if (run(figures)[0].equals("quick")) {
      throw new IllegalStateException("rerun= replaces figures of a full run; the saved run is quick");
    }
    List<String> names = new ArrayList<>(List.of(classes.split("\\|")));
    boolean yardstick = names.remove(NativeYardstick.RERUN);
    // the yardstick first: a failed check stops the rerun before anything is replaced
    List<String> nativeLines = yardstick ? NativeYardstick.measure(root, false) : List.of();
    List<String> includes = new ArrayList<>();
    if (!names.isEmpty()) {
      includes.add("dev\\.recur\\.bench\\.(" + String.join("|", names) + ")Benchmark\\.");
    }
    if (yardstick) {
      includes.add(NativeYardstick.RECUR_BENCHMARKS);
    }
    Collection<RunResult> jmh = runJmh(false, String.join("|", includes), false,
        root.resolve("bench/target/peers"),
        figures.resolve("jmh-rerun-" + classes.replaceAll("[^A-Za-z0-9]+", "-") + ".json"));
    Figures newer = Figures.of(jmh);
    Figures.load(figures.resolve("figures.tsv")).replacedBy(newer).save(figures.resolve("figures.tsv"));
    List<String> measured = new ArrayList<>(newer.benchmarks());
    if (yardstick) {
      Files.write(nativeFigures(figures), nativeLines);
      measured.add(NATIVE_FIGURES);
    }
    // an earlier rerun whose benchmarks were all measured again now is superseded
    List<String> lines = new ArrayList<>();
    if (Files.exists(reruns(figures))) {
      for (String line : Files.readAllLines(reruns(figures))) {
        if (!measured.containsAll(List.of(line.split("\t")[2].split(", ")))) {
          lines.add(line);
        }
      }
    }
    // the processor behind this machine kind changes between days: say which one this run had
    lines.add(LocalDate.now() + "\t" + classes + "\t" + String.join(", ", measured)
        + "\t" + Machine.describe().cpu());
    Files.write(reruns(figures), lines);
  }

  /** Runs everything and saves the raw figures into {@code figures}. */
  private static void measure(Path root, Path figures, boolean quick, String include)
      throws Exception {
    Machine machine = Machine.describe();
    System.out.println("report: " + machine);
    machine.save(figures.resolve("machine.properties"));
    Files.writeString(figures.resolve("run.txt"), (quick ? "quick " : "full ") + LocalDate.now() + "\n");
    Files.deleteIfExists(reruns(figures));
    Files.deleteIfExists(nativeFigures(figures)); // an earlier run's must not pass for this one's
    try (var stale = Files.newDirectoryStream(figures, "jmh-rerun*.json")) {
      for (Path rerun : stale) { // a full run supersedes every earlier rerun
        Files.delete(rerun);
      }
    }

    Optional<PyTorchPeer> pytorch = PyTorchPeer.find(root);
    Path peers = root.resolve("bench/target/peers");
    if (pytorch.isPresent()) {
      pytorch.get().export(peers, PEER_SIZES);
    }
    Collection<RunResult> jmh =
        runJmh(quick, include, pytorch.isPresent(), peers, figures.resolve("jmh.json"));
    Figures.of(jmh).save(figures.resolve("figures.tsv"));
    Path torch = figures.resolve("pytorch.jsonl");
    if (pytorch.isPresent()) {
      Files.write(torch, pytorch.get().bench(PEER_SIZES, quick ? 0.5 : 2));
    } else {
      Files.deleteIfExists(torch);
    }

    // the fixed-rate histograms are named by their rate, which changes from run to run: this
    // run's files replace the last run's, not join them
    Path histograms = figures.resolve("latency");
    if (Files.isDirectory(histograms)) {
      try (DirectoryStream<Path> old = Files.newDirectoryStream(histograms, "*.hgrm")) {
        for (Path file : old) {
          Files.delete(file);
        }
      }
    }
    StringWriter latencyOut = new StringWriter();
    int status = RecurCli.commandLine().setOut(new PrintWriter(latencyOut, true)).execute("latency",
        "--hidden", LATENCY_SIZES, "--seconds", quick ? "1" : "5", "--out", histograms.toString());
    if (status != 0) {
      throw new IllegalStateException("recur latency failed with status " + status);
    }
    System.out.print(latencyOut);
    Files.writeString(figures.resolve("latency.txt"), latencyOut.toString());
    DataParallelSpeedup.Speedup parallel = DataParallelSpeedup.measure(256, System.out);
    Files.writeString(figures.resolve("parallel.txt"),
        parallel.hidden() + " " + parallel.oneThread() + " " + parallel.twoThreads() + "\n");
    // last, so that a failed check there costs no other figure (rerun=Native measures it again)
    Files.write(nativeFigures(figures), NativeYardstick.measure(root, quick));
  }

  /** The suite, or the benchmarks {@code include} (a JMH regex) names, for trying the report out. */
  private static Collection<RunResult> runJmh(
      boolean quick, String include, boolean withOnnx, Path peers, Path json) throws Exception {
    String suite = "Kernel|Activation|StreamStep|LayerStack|Precision|PrecisionBatch|Sequence"
        + "|Training|Bandwidth|FmaPeak" + (withOnnx ? "|OnnxPeer" : "");
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(include != null ? include : "dev\\.recur\\.bench\\.(" + suite + ")Benchmark\\.")
        .addProfiler(GCProfiler.class)
        .jvmArgsAppend("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "-D" + OnnxPeerBenchmark.FOLDER + "=" + peers)
        .resultFormat(ResultFormatType.JSON)
        .result(json.toString());
    if (quick) {
      options.forks(1).warmupIterations(2).warmupTime(TimeValue.seconds(1))
          .measurementIterations(3).measurementTime(TimeValue.milliseconds(500));
    }
    return new Runner(options.build()).run();
  }

  /** The folder holding {@code jvm.config}: the working directory or one above it (bench/). */
  static Path repositoryRoot() throws IOException {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("jvm.config")) && Files.isDirectory(dir.resolve("bench"))) {
        return dir;
      }
    }
    throw new IOException("run from the repository or bench/: no jvm.config above " + Path.of("").toAbsolutePath());
  }
}
