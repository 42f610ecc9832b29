package dev.recur.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NativeFiguresTest {

  private static final List<String> SAVED = List.of(
      "# skipped\tOpenBLAS not found",
      "# compiler\tgcc 12.2.0",
      "# flags\t-O3 -march=native",
      NativeFigures.HEADER,
      "native\tstep\t128\t1\t1500.5\t1400.0\t1700.0\t21\t5.2e-08\t1.2e-05",
      "# compiler\tgcc 99",
      "native\tproduct\t128\t32\t10000.0\t9000.0\t12000.0\t21\t8.6e-07\t7.7e-06");

  @Test
  void readsFactsSkipsAndFigures() {
    NativeFigures figures = NativeFigures.parse(SAVED);
    assertEquals(Optional.of("gcc 12.2.0"), figures.fact("compiler"), "the first of a name is kept");
    assertEquals(List.of("OpenBLAS not found"), figures.skipped());
    assertEquals(new NativeFigures.Figure("native", "product", 128, 32, 10000, 9000, 12000, 21,
        8.6e-7, 7.7e-6), figures.find("native", "product", 128).orElseThrow());
    assertEquals(1500.5, figures.find("native", "step", 128).orElseThrow().medianNanos());
    assertTrue(figures.find("openblas", "step", 128).isEmpty());
    assertEquals(2, figures.figures().size());
  }

  @Test
  void refusesARowWithMissingColumnsNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NativeFigures.parse(List.of("native\tstep\t128\t1\t1500.5")));
    assertTrue(e.getMessage().contains("10 columns") && e.getMessage().contains("got 5"),
        e.getMessage());
  }

  @Test
  void refusesARowWithTextWhereANumberBelongs() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NativeFigures.parse(List.of("native\tstep\tH\t1\t1\t1\t1\t1\t0\t1")));
    assertTrue(e.getMessage().contains("'native\tstep\tH"), e.getMessage());
  }
}
