package dev.recur.cli;

import dev.recur.io.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * A loss curve as a PNG, rendered in memory and then written atomically, so a failure leaves an
 * earlier plot whole. NaN and infinite losses cannot be drawn: they are left out, and the series'
 * legend says how many were; a series with no finite loss at all is named in the title instead.
 */
final class LossPlot {

  private final XYChart chart;

  /**
   * @param x the x value of each point, shared by every series
   * @param ys one array of losses per series, each as long as {@code x}
   */
  LossPlot(String title, String xAxis, double[] x, String[] names, double[][] ys) {
    System.setProperty("java.awt.headless", "true");
    List<String> unplottable = new ArrayList<>();
    for (int s = 0; s < names.length; s++) {
      if (x.length > 0 && Arrays.stream(ys[s]).noneMatch(Double::isFinite)) {
        unplottable.add(names[s]);
      }
    }
    String note = unplottable.isEmpty() ? ""
        : " (no finite " + String.join(", ", unplottable) + " loss)";
    chart = new XYChartBuilder().width(800).height(500).title(title + note)
        .xAxisTitle(xAxis).yAxisTitle("loss").build();
    for (int s = 0; s < names.length; s++) {
      double[] y = ys[s];
      int[] finite = IntStream.range(0, x.length).filter(i -> Double.isFinite(y[i])).toArray();
      if (finite.length == 0) {
        continue;
      }
      int left = x.length - finite.length;
      chart.addSeries(left == 0 ? names[s] : names[s] + " (" + left + " non-finite not shown)",
          Arrays.stream(finite).mapToDouble(i -> x[i]).toArray(),
          Arrays.stream(finite).mapToDouble(i -> y[i]).toArray());
    }
  }

  /** The PNG's bytes; nothing is written. */
  byte[] png() throws IOException {
    return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
  }

  /** Replaces {@code file} with the PNG atomically. */
  static void write(Path file, byte[] png) throws IOException {
    AtomicFile.write(file, ByteBuffer.wrap(png));
  }
}
