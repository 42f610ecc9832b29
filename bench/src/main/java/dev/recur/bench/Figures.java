package dev.recur.bench;

import java.util.Collection;
import java.util.Map;
import java.util.OptionalDouble;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/** JMH results looked up by benchmark and parameters, e.g. {@code ("StreamStepBenchmark.step", "hidden=128", "impl=vector")}. */
final class Figures {

  private final Collection<RunResult> results;

  Figures(Collection<RunResult> results) {
    this.results = results;
  }

  /** The primary score (ns per operation here), if that benchmark ran with those parameters. */
  OptionalDouble score(String benchmark, String... params) {
    RunResult run = find(benchmark, params);
    return run == null ? OptionalDouble.empty() : OptionalDouble.of(run.getPrimaryResult().getScore());
  }

  /** The half-width of the primary score's 99.9% confidence interval. */
  OptionalDouble error(String benchmark, String... params) {
    RunResult run = find(benchmark, params);
    return run == null ? OptionalDouble.empty()
        : OptionalDouble.of(run.getPrimaryResult().getScoreError());
  }

  /** A profiler's figure, e.g. {@code "·gc.alloc.rate.norm"} (bytes per operation). */
  OptionalDouble secondary(String label, String benchmark, String... params) {
    RunResult run = find(benchmark, params);
    if (run == null) {
      return OptionalDouble.empty();
    }
    Map<String, Result> secondary = run.getSecondaryResults();
    Result result = secondary.get(label);
    return result == null ? OptionalDouble.empty() : OptionalDouble.of(result.getScore());
  }

  private RunResult find(String benchmark, String... params) {
    for (RunResult run : results) {
      BenchmarkParams p = run.getParams();
      if (!p.getBenchmark().endsWith("." + benchmark)) {
        continue;
      }
      boolean matches = true;
      for (String param : params) {
        int eq = param.indexOf('=');
        matches &= param.substring(eq + 1).equals(p.getParam(param.substring(0, eq)));
      }
      if (matches) {
        return run;
      }
    }
    return null;
  }
}
