package dev.recur.cli;

import dev.recur.io.AtomicFile;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.train.Trainer;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Consumer;

/**
 * Per-update gradient diagnostics as CSV, one line per update: update, loss, gradient_norm,
 * clipped, then ‖∂L/∂h_t‖ as dh_0 .. dh_{T-1}; for a model of more than one layer or direction,
 * each unit's in turn, as dh_l0_0 .. dh_l0_{T-1}, dh_l0_reverse_0 .., dh_l1_0 .. (the gradient
 * flow through time in each layer, and through the layers). Lines are streamed to a temporary file beside the
 * target ({@code NAME.partial}), which replaces the target only when the run finishes ({@link
 * #finish}), so a failed run leaves any earlier diagnostics as they were.
 *
 * <p>A run that stops without finishing (killed, diverged, out of disk) leaves {@code
 * NAME.partial} in place: a resumed run continues it. It copies the lines before its own first
 * update from there (or, when there is none, from the finished file) into a new file that
 * replaces {@code NAME.partial} in one rename, and appends after them; lines that were cut short
 * are dropped. So nothing of a run's history is lost until the run that continues it has it on
 * disk, and a resume that is refused changes nothing.
 */
final class DiagnosticsCsv implements Consumer<Trainer.Update>, AutoCloseable {

  private static final String HEADER = "update,loss,gradient_norm,clipped";

  private final Path target;
  private final Path partial;
  private final boolean resumed;
  private final String header;
  private BufferedWriter writer;

  /**
   * @param resumed whether the run continues one whose diagnostics are on disk
   * @param steps the steps of ‖∂L/∂h_t‖ each line holds per unit (the run's sequence or chunk
   *     length)
   * @param config the model, whose layers and directions each get their steps' columns
   */
  DiagnosticsCsv(Path target, boolean resumed, int steps, RnnConfig config) throws IOException {
    this.target = AtomicFile.writtenFile(target);
    this.partial = partialOf(this.target);
    this.resumed = resumed;
    this.header = header(steps, config);
  }

  /** The temporary file the lines of {@code target} are streamed to. */
  static Path partialOf(Path target) {
    return target.resolveSibling(target.getFileName() + ".partial");
  }

  @Override
  public void accept(Trainer.Update update) {
    try {
      if (writer == null) {
        open(update.update());
      }
      writer.write(update.update() + "," + update.loss() + "," + update.gradientNorm() + ","
          + update.clipped());
      for (float[] unit : update.unitGradientNorms()) {
        for (float norm : unit) {
          writer.write(',');
          writer.write(Float.toString(norm));
        }
      }
      writer.newLine();
      writer.flush(); // in the OS's hands before the update's checkpoint: a kill -9 loses no line
    } catch (IOException e) {
      throw new UncheckedIOException(partial + ": cannot write diagnostics: " + e.getMessage(), e);
    }
  }

  /** Starts {@code NAME.partial}: the history before {@code first}, or just a header. */
  private void open(long first) throws IOException {
    Path history = !resumed ? null : Files.exists(partial) ? partial : target;
    Path next = Files.createTempFile(partial.getParent(), "." + partial.getFileName() + ".", ".tmp");
    try {
      if (Files.getFileStore(next).supportsFileAttributeView(PosixFileAttributeView.class)) {
        Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rw-r--r--"));
      }
      try (BufferedWriter out = Files.newBufferedWriter(next, StandardCharsets.UTF_8)) {
        if (history != null && Files.exists(history)) {
          copyHistory(history, first, out);
        } else {
          out.write(header);
          out.newLine();
        }
      }
      force(next);
      Files.move(next, partial, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(next);
    }
    writer = Files.newBufferedWriter(partial, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  private static String header(int steps, RnnConfig config) {
    StringBuilder header = new StringBuilder(HEADER);
    for (int l = 0; l < config.layers(); l++) {
      for (int d = 0; d < config.directions(); d++) {
        String unit = "dh" + Parameters.tensorSuffix(config, l, d) + "_";
        for (int t = 0; t < steps; t++) {
          header.append(',').append(unit).append(t);
        }
      }
    }
    return header.toString();
  }

  /**
   * The header and the whole lines of updates before {@code first}, in increasing update order;
   * a line cut short by a crash, or out of order, is dropped.
   */
  private void copyHistory(Path history, long first, BufferedWriter out) throws IOException {
    try (BufferedReader lines = Files.newBufferedReader(history, StandardCharsets.UTF_8)) {
      requireThisRunsHeader(history, lines.readLine());
      out.write(header);
      out.newLine();
      int columns = header.split(",").length;
      long last = 0;
      for (String line; (line = lines.readLine()) != null; ) {
        String[] cells = line.split(",", -1);
        long update = cells.length == columns ? updateOf(cells) : -1;
        if (update > last && update < first) {
          out.write(line);
          out.newLine();
          last = update;
        }
      }
    }
  }

  private void requireThisRunsHeader(Path file, String found) throws IOException {
    if (!header.equals(found)) {
      throw new IOException(file + ": diagnostics of another run (its header differs from this"
          + " run's); move it away to resume");
    }
  }

  /** The line's update number if every cell parses, else -1. */
  private static long updateOf(String[] cells) {
    try {
      for (int c = 1; c < cells.length; c++) {
        if (c != 3) {
          Double.parseDouble(cells[c]);
        } else if (!cells[c].equals("true") && !cells[c].equals("false")) {
          return -1;
        }
      }
      return Long.parseLong(cells[0]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Moves the complete file into place. A run that made no update (a finished run resumed)
   * promotes what a killed run left, or keeps the finished file.
   */
  void finish() throws IOException {
    if (writer == null) {
      if (resumed && !Files.exists(partial) && Files.exists(target)) {
        return; // a finished run resumed: its file stays as it is
      }
      open(Long.MAX_VALUE); // a killed run's lines (checked), or just the header
    }
    writer.close();
    writer = null;
    force(partial);
    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }


  /** Closes the file; what was written stays in {@code NAME.partial} for a resume to continue. */
  @Override
  public void close() throws IOException {
    if (writer != null) {
      writer.close();
    }
  }

  private static void force(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true); // on disk before the rename, as AtomicFile does
    }
  }
}
