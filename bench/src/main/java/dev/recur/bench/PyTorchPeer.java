package dev.recur.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code bench/python/peers.py} with Debian's Python, where PyTorch is installed. */
final class PyTorchPeer {

  /** One line of {@code peers.py bench}. */
  record Figure(String what, int hidden, int batch, double nanos, String variant) {}

  private static final String PYTHON = "/usr/bin/python3";
  private static final Pattern FIELD = Pattern.compile("\"(\\w+)\": (\"[^\"]*\"|[0-9.]+)");

  private final Path script;
  private final String version;

  private PyTorchPeer(Path script, String version) {
    this.script = script;
    this.version = version;
  }

  /** The peer, or empty (with the reason printed) where Python or PyTorch is missing. */
  static Optional<PyTorchPeer> find(Path root) throws IOException, InterruptedException {
    Path script = root.resolve("bench/python/peers.py");
    if (!Files.isExecutable(Path.of(PYTHON))) {
      System.out.println("report: no " + PYTHON + ": the PyTorch and ONNX Runtime peers are skipped");
      return Optional.empty();
    }
    ProcessRun probe = run(List.of(PYTHON, "-c", "import torch; print(torch.__version__)"));
    if (probe.status() != 0) {
      System.out.println("report: PyTorch is not installed (apt-get install python3-torch"
          + " libopenblas0-pthread): the PyTorch and ONNX Runtime peers are skipped");
      return Optional.empty();
    }
    return Optional.of(new PyTorchPeer(script, probe.out().strip()));
  }

  String version() {
    return version;
  }

  /** Writes the models recur and ONNX Runtime load into {@code folder}. */
  void export(Path folder, String hiddenSizes) throws IOException, InterruptedException {
    ProcessRun run = run(List.of(PYTHON, script.toString(), "export", folder.toString(), "--hidden", hiddenSizes));
    if (run.status() != 0) {
      throw new IOException("peers.py export failed:\n" + run.out());
    }
  }

  /** Times PyTorch (one thread) and returns its output: one JSON object per line. */
  List<String> bench(String hiddenSizes, double seconds) throws IOException, InterruptedException {
    ProcessRun run = run(List.of(PYTHON, script.toString(), "bench", "--hidden", hiddenSizes, "--seconds",
        Double.toString(seconds)));
    if (run.status() != 0) {
      throw new IOException("peers.py bench failed:\n" + run.out());
    }
    List<String> lines = run.out().lines().filter(line -> line.startsWith("{")).toList();
    lines.forEach(line -> System.out.println("pytorch: " + line));
    return lines;
  }

  /** The figures in {@code peers.py bench} lines (flat JSON objects). */
  static List<Figure> parse(List<String> lines) {
    List<Figure> figures = new ArrayList<>();
    for (String line : lines) {
      java.util.Map<String, String> fields = new java.util.HashMap<>();
      Matcher m = FIELD.matcher(line);
      while (m.find()) {
        fields.putIfAbsent(m.group(1), m.group(2).replace("\"", ""));
      }
      figures.add(new Figure(fields.get("what"), Integer.parseInt(fields.get("hidden")),
          Integer.parseInt(fields.get("batch")), Double.parseDouble(fields.get("ns")),
          fields.get("variant")));
    }
    return figures;
  }

  static OptionalDouble nanos(List<Figure> figures, String what, int hidden, int batch) {
    return figures.stream().filter(f -> f.what().equals(what) && f.hidden() == hidden && f.batch() == batch)
        .mapToDouble(Figure::nanos).findFirst();
  }

  static Optional<String> variant(List<Figure> figures, String what, int hidden) {
    return figures.stream().filter(f -> f.what().equals(what) && f.hidden() == hidden)
        .map(Figure::variant).findFirst();
  }

  private static ProcessRun run(List<String> command) throws IOException, InterruptedException {
    return ProcessRun.of(new ProcessBuilder(command).redirectErrorStream(true));
  }
}
