package dev.recur.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds {@code bench/native} with gcc ({@code -O3 -march=native}, no {@code -ffast-math}) and
 * runs it: recur's batch-1 step and batch product written in C, and the same two through
 * OpenBLAS ({@code sgemv}, {@code sgemm}) on one thread. Each harness checks every shape against
 * double loops before timing it and exits non-zero if a result is off by more than float rounding
 * allows. Where gcc, or OpenBLAS, is missing, the part it needs is skipped and the reason kept.
 */
final class NativeYardstick {

  /** The name {@code -Dreport.args=rerun=Native} measures this part again by. */
  static final String RERUN = "Native";
  /** What a rerun of this part measures besides the C: the recur figures its table divides. */
  static final String RECUR_BENCHMARKS =
      "dev\\.recur\\.bench\\.(StreamStepBenchmark\\.step|KernelBenchmark\\.matMulBatch)$";
  /** The hidden sizes the report compares at. */
  static final int[] HIDDEN = {128, 256, 512, 1024};
  /** The compiler flags, also printed by the harness as its {@code # flags} line. */
  static final List<String> FLAGS = List.of("-O3", "-march=native");

  private static final String GCC = "gcc";
  private static final String OPENBLAS_MISSING =
      "OpenBLAS not found (cblas.h and libopenblas: apt-get install libopenblas-dev)";

  /** A harness binary and the implementation it times. */
  record Harness(String impl, Path binary) {}

  /** The harnesses built, and why any was not. */
  record Build(List<Harness> harnesses, List<String> skipped) {}

  private NativeYardstick() {}

  /**
   * The yardstick alone, printed and saved in {@code bench/target/native/native.tsv}, nothing
   * under docs/ touched: {@code mvn -q package -DskipTests exec:exec@harness
   * -Dharness=NativeYardstick [-Dharness.args=quick]}.
   */
  public static void main(String[] args) throws Exception {
    Path root = Report.repositoryRoot();
    Files.write(root.resolve("bench/target/native/native.tsv"),
        measure(root, List.of(args).contains("quick")));
  }

  /**
   * Builds the harnesses into {@code out}: the hand-written one wherever gcc can build a C
   * program, the OpenBLAS one where OpenBLAS links too.
   *
   * @throws IOException where the toolchain works but the harness does not compile: a fault in
   *     {@code bench/native}, not a missing tool
   */
  static Build build(Path root, Path out) throws IOException, InterruptedException {
    Files.createDirectories(out);
    Optional<String> noCompiler = probe(out, "int main(void) { return 0; }", List.of());
    if (noCompiler.isPresent()) {
      return new Build(List.of(), List.of(noCompiler.get()));
    }
    Path sources = root.resolve("bench/native");
    List<Harness> harnesses = new ArrayList<>();
    harnesses.add(new Harness("native", compile(sources, out.resolve("yardstick"),
        List.of("yardstick.c", "kernels.c"), List.of(), List.of("-lm"))));
    List<String> skipped = new ArrayList<>();
    Optional<String> noBlas = probe(out,
        "#include <cblas.h>\nint main(void) { return openblas_get_config() == 0; }",
        List.of("-lopenblas"));
    if (noBlas.isPresent()) {
      skipped.add(OPENBLAS_MISSING);
    } else {
      harnesses.add(new Harness("openblas", compile(sources, out.resolve("yardstick-openblas"),
          List.of("yardstick.c", "kernels.c", "blas.c"), List.of("-DWITH_OPENBLAS"),
          List.of("-lopenblas", "-lm"))));
    }
    return new Build(harnesses, skipped);
  }

  /**
   * Runs a harness with {@code args} on one OpenBLAS thread; returns its output lines.
   *
   * @throws IOException with the harness's output when it exits non-zero (a failed check, a bad
   *     argument)
   */
  static List<String> run(Harness harness, List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(harness.binary().toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // the threads knob of every BLAS build Debian ships (pthreads, OpenMP)
    builder.environment().put("OPENBLAS_NUM_THREADS", "1");
    builder.environment().put("OMP_NUM_THREADS", "1");
    ProcessRun run = ProcessRun.of(builder);
    if (run.status() != 0) {
      throw new IOException(harness.impl() + " yardstick exited with status " + run.status() + ":\n"
          + run.out());
    }
    return run.out().lines().toList();
  }

  /**
   * The report's part: builds, runs at {@link #HIDDEN} (short repetitions in a quick run), prints
   * the output and returns it, with a {@code # skipped} line for anything skipped, for {@code
   * native.tsv}.
   */
  static List<String> measure(Path root, boolean quick) throws IOException, InterruptedException {
    Build build = build(root, root.resolve("bench/target/native"));
    List<String> saved = new ArrayList<>();
    for (String reason : build.skipped()) {
      System.out.println("report: skipped: " + reason);
      saved.add("# skipped\t" + reason);
    }
    List<String> args = new ArrayList<>(List.of("--hidden", sizes(), "--io", "64", "--batch",
        Integer.toString(KernelBenchmark.BATCH)));
    args.addAll(quick ? List.of("--reps", "5", "--rep-ms", "10", "--warmup-ms", "100")
        : List.of("--reps", "21", "--rep-ms", "50", "--warmup-ms", "500"));
    for (Harness harness : build.harnesses()) {
      List<String> lines = run(harness, args);
      lines.forEach(line -> System.out.println("native: " + line));
      saved.addAll(lines);
    }
    return saved;
  }

  private static String sizes() {
    StringBuilder list = new StringBuilder();
    for (int h : HIDDEN) {
      list.append(list.isEmpty() ? "" : ",").append(h);
    }
    return list.toString();
  }

  /** Empty if gcc builds {@code program} with {@code libraries}; else why not, in a line. */
  private static Optional<String> probe(Path out, String program, List<String> libraries)
      throws IOException, InterruptedException {
    Path source = out.resolve("probe.c");
    Files.writeString(source, program);
    List<String> command = new ArrayList<>(List.of(GCC, source.toString(), "-o",
        out.resolve("probe").toString()));
    command.addAll(libraries);
    ProcessRun run;
    try {
      run = ProcessRun.of(new ProcessBuilder(command).redirectErrorStream(true));
    } catch (IOException e) { // no gcc on the PATH: the process cannot start
      return Optional.of("gcc not found");
    }
    return run.status() == 0 ? Optional.empty()
        : Optional.of("gcc cannot build " + (libraries.isEmpty() ? "a C program" : "against "
            + libraries) + ": " + run.out().lines().findFirst().orElse("no message"));
  }

  private static Path compile(Path sources, Path binary, List<String> files, List<String> defines,
      List<String> libraries) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(GCC));
    command.addAll(FLAGS);
    command.addAll(List.of("-std=gnu11", "-Wall", "-Wextra"));
    command.add("-DYARDSTICK_FLAGS=\"" + String.join(" ", FLAGS) + "\"");
    command.addAll(defines);
    command.addAll(List.of("-o", binary.toString()));
    files.forEach(file -> command.add(sources.resolve(file).toString()));
    command.addAll(libraries);
    ProcessRun run = ProcessRun.of(new ProcessBuilder(command).redirectErrorStream(true));
    if (run.status() != 0) {
      throw new IOException("gcc could not build " + binary.getFileName() + ":\n" + run.out());
    }
    return binary;
  }
}
