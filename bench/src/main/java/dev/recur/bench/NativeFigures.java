package dev.recur.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code bench/native}'s harnesses printed, as saved in {@code native.tsv}: {@code #} lines
 * naming a fact ({@code # compiler<TAB>gcc 12.2.0}; the first of each name is kept, and every
 * {@code # skipped} line), the column header, and one row per figure.
 */
final class NativeFigures {

  /** The harness's columns, in order. */
  static final String HEADER =
      "impl\twhat\thidden\tbatch\tmedian_ns\tmin_ns\tmax_ns\treps\tmax_error\terror_bound";

  /**
   * One timed shape: {@code impl} {@code native} or {@code openblas}, {@code what} {@code step} or
   * {@code product}; ns per call over the repetitions; the largest error of its check against
   * double loops (relative to the summed terms' magnitude) and the bound it was held to.
   */
  record Figure(String impl, String what, int hidden, int batch, double medianNanos,
      double minNanos, double maxNanos, int reps, double maxError, double errorBound) {}

  private final Map<String, String> facts;
  private final List<String> skipped;
  private final List<Figure> figures;

  private NativeFigures(Map<String, String> facts, List<String> skipped, List<Figure> figures) {
    this.facts = facts;
    this.skipped = skipped;
    this.figures = figures;
  }

  static NativeFigures load(Path file) throws IOException {
    return parse(Files.readAllLines(file));
  }

  /**
   * The figures in {@code lines}.
   *
   * @throws IllegalArgumentException naming the line, for a row that does not have the header's
   *     ten columns with numbers where numbers belong
   */
  static NativeFigures parse(List<String> lines) {
    Map<String, String> facts = new LinkedHashMap<>();
    List<String> skipped = new ArrayList<>();
    List<Figure> figures = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank() || line.equals(HEADER)) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] fact = line.substring(1).strip().split("\t", 2);
        String value = fact.length > 1 ? fact[1].strip() : "";
        if (fact[0].equals("skipped")) {
          skipped.add(value);
        } else {
          facts.putIfAbsent(fact[0], value);
        }
        continue;
      }
      figures.add(figure(line));
    }
    return new NativeFigures(facts, skipped, figures);
  }

  private static Figure figure(String line) {
    String[] cells = line.split("\t", -1);
    if (cells.length != 10) {
      throw new IllegalArgumentException("a native figure has the 10 columns of '" + HEADER
          + "', got " + cells.length + " in '" + line + "'");
    }
    try {
      return new Figure(cells[0], cells[1], Integer.parseInt(cells[2]), Integer.parseInt(cells[3]),
          Double.parseDouble(cells[4]), Double.parseDouble(cells[5]), Double.parseDouble(cells[6]),
          Integer.parseInt(cells[7]), Double.parseDouble(cells[8]), Double.parseDouble(cells[9]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a native figure has numbers from its third column on,"
          + " got '" + line + "'", e);
    }
  }

  /** The fact a {@code # name} line gave, e.g. {@code compiler}, {@code flags}, {@code openblas}. */
  Optional<String> fact(String name) {
    return Optional.ofNullable(facts.get(name));
  }

  /** Why a part was not measured ("gcc not found", "OpenBLAS not found ..."), one line each. */
  List<String> skipped() {
    return skipped;
  }

  List<Figure> figures() {
    return figures;
  }

  Optional<Figure> find(String impl, String what, int hidden) {
    return figures.stream()
        .filter(f -> f.impl().equals(impl) && f.what().equals(what) && f.hidden() == hidden)
        .findFirst();
  }
}
