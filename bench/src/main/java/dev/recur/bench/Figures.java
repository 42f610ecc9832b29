package dev.recur.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * JMH results looked up by benchmark and parameters, e.g. {@code ("StreamStepBenchmark.step",
 * "hidden=128", "impl=vector")}. Saved beside the report as a small TSV, so the report can be
 * written again from a run's figures without measuring again.
 */
final class Figures {

  /** JMH's GC profiler's bytes allocated per operation. */
  static final String ALLOCATED = "gc.alloc.rate.norm";

  /** One benchmark with one set of parameters: its score (ns/op), error and bytes per op. */
  private record Row(String benchmark, Map<String, String> params, double score, double error,
      double allocated) {}

  private final List<Row> rows;

  private Figures(List<Row> rows) {
    this.rows = rows;
  }

  static Figures of(Collection<RunResult> results) {
    List<Row> rows = new ArrayList<>();
    for (RunResult run : results) {
      var p = run.getParams();
      Map<String, String> params = new LinkedHashMap<>();
      for (String key : p.getParamsKeys()) {
        params.put(key, p.getParam(key));
      }
      String name = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.', p.getBenchmark().lastIndexOf('.') - 1) + 1);
      Result allocated = run.getSecondaryResults().get(ALLOCATED);
      rows.add(new Row(name, params, run.getPrimaryResult().getScore(),
          run.getPrimaryResult().getScoreError(), allocated == null ? Double.NaN : allocated.getScore()));
    }
    return new Figures(rows);
  }

  /** Lines of {@code benchmark, k=v;k=v, score, error, bytes per op}, tab-separated. */
  void save(Path file) throws IOException {
    StringBuilder tsv = new StringBuilder("benchmark\tparams\tns_per_op\terror\tbytes_per_op\n");
    for (Row row : rows) {
      List<String> params = new ArrayList<>();
      row.params().forEach((k, v) -> params.add(k + "=" + v));
      tsv.append(row.benchmark()).append('\t').append(String.join(";", params)).append('\t')
          .append(row.score()).append('\t').append(row.error()).append('\t').append(row.allocated())
          .append('\n');
    }
    Files.writeString(file, tsv);
  }

  static Figures load(Path file) throws IOException {
    List<Row> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(file);
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split("\t", -1);
      Map<String, String> params = new LinkedHashMap<>();
      for (String pair : cells[1].split(";")) {
        if (!pair.isEmpty()) {
          params.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
      }
      rows.add(new Row(cells[0], params, Double.parseDouble(cells[2]), Double.parseDouble(cells[3]),
          Double.parseDouble(cells[4])));
    }
    return new Figures(rows);
  }

  /**
   * These figures with every row of a benchmark that {@code newer} measured replaced by {@code
   * newer}'s rows for it.
   */
  Figures replacedBy(Figures newer) {
    Set<String> remeasured = Set.copyOf(newer.benchmarks());
    List<Row> merged = new ArrayList<>();
    rows.stream().filter(row -> !remeasured.contains(row.benchmark())).forEach(merged::add);
    merged.addAll(newer.rows);
    return new Figures(merged);
  }

  /** The benchmarks (class.method) these figures hold, in order of first appearance. */
  List<String> benchmarks() {
    return rows.stream().map(Row::benchmark).distinct().toList();
  }

  /** The primary score (ns per operation here), if that benchmark ran with those parameters. */
  OptionalDouble score(String benchmark, String... params) {
    Row row = find(benchmark, params);
    return row == null ? OptionalDouble.empty() : OptionalDouble.of(row.score());
  }

  /** The half-width of the primary score's 99.9% confidence interval. */
  OptionalDouble error(String benchmark, String... params) {
    Row row = find(benchmark, params);
    return row == null ? OptionalDouble.empty() : OptionalDouble.of(row.error());
  }

  /** Bytes allocated per operation, from {@code -prof gc}. */
  OptionalDouble allocated(String benchmark, String... params) {
    Row row = find(benchmark, params);
    return row == null || Double.isNaN(row.allocated())
        ? OptionalDouble.empty() : OptionalDouble.of(row.allocated());
  }

  private Row find(String benchmark, String... params) {
    for (Row row : rows) {
      if (!row.benchmark().equals(benchmark)) {
        continue;
      }
      boolean matches = true;
      for (String param : params) {
        int eq = param.indexOf('=');
        matches &= param.substring(eq + 1).equals(row.params().get(param.substring(0, eq)));
      }
      if (matches) {
        return row;
      }
    }
    return null;
  }
}
