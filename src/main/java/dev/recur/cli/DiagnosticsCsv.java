package dev.recur.cli;

import dev.recur.io.AtomicFile;
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
import java.util.function.Consumer;

/**
 * Per-update gradient diagnostics as CSV, one line per update: update, loss, gradient_norm,
 * clipped, then ‖∂L/∂h_t‖ as dh_0 .. dh_{T-1}. Lines are streamed to a temporary file beside the
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
  private BufferedWriter writer;
  private int columns;

  /** @param resumed whether the run continues one whose diagnostics are on disk */
  DiagnosticsCsv(Path target, boolean resumed) throws IOException {
    this.target = AtomicFile.writtenFile(target);
    this.partial = partialOf(this.target);
    this.resumed = resumed;
  }

  /** The temporary file the lines of {@code target} are streamed to. */
  static Path partialOf(Path target) {
    return target.resolveSibling(target.getFileName() + ".partial");
  }

  @Override
  public void accept(Trainer.Update update) {
    try {
      if (writer == null) {
        open(update);
      }
      writer.write(update.update() + "," + update.loss() + "," + update.gradientNorm() + ","
          + update.clipped());
      for (float norm : update.hiddenGradientNorms()) {
        writer.write(',');
        writer.write(Float.toString(norm));
      }
      writer.newLine();
    } catch (IOException e) {
      throw new UncheckedIOException(partial + ": cannot write diagnostics: " + e.getMessage(), e);
    }
  }

  /** Starts {@code NAME.partial}: the history before {@code first}, or just a header. */
  private void open(Trainer.Update first) throws IOException {
    columns = 4 + first.hiddenGradientNorms().length;
    Path history = !resumed ? null : Files.exists(partial) ? partial : target;
    Path next = Files.createTempFile(partial.getParent(), "." + partial.getFileName() + ".", ".tmp");
    try {
      try (BufferedWriter out = Files.newBufferedWriter(next, StandardCharsets.UTF_8)) {
        if (history != null && Files.exists(history)) {
          copyHistory(history, first.update(), out);
        } else {
          out.write(header(first.hiddenGradientNorms().length));
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

  private static String header(int steps) {
    StringBuilder header = new StringBuilder(HEADER);
    for (int t = 0; t < steps; t++) {
      header.append(",dh_").append(t);
    }
    return header.toString();
  }

  /** The header and the whole lines of updates before {@code first}. */
  private void copyHistory(Path history, long first, BufferedWriter out) throws IOException {
    try (BufferedReader lines = Files.newBufferedReader(history, StandardCharsets.UTF_8)) {
      String header = lines.readLine();
      if (header == null || !header.equals(header(columns - 4))) {
        throw new IOException(history + ": not the diagnostics of this run (another header);"
            + " move it away to resume");
      }
      out.write(header);
      out.newLine();
      for (String line; (line = lines.readLine()) != null; ) {
        String[] cells = line.split(",", -1);
        if (cells.length == columns && isUpdateBefore(cells[0], first)) {
          out.write(line);
          out.newLine();
        }
      }
    }
  }

  private static boolean isUpdateBefore(String cell, long first) {
    try {
      return Long.parseLong(cell) < first;
    } catch (NumberFormatException e) {
      return false; // a line cut short by a crash
    }
  }

  /**
   * Moves the complete file into place. A run that made no update (a finished run resumed)
   * promotes what a killed run left, or keeps the finished file.
   */
  void finish() throws IOException {
    if (writer == null) {
      if (resumed && Files.exists(partial)) {
        force(partial);
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return;
      }
      if (resumed && Files.exists(target)) {
        return;
      }
      Files.writeString(partial, HEADER + System.lineSeparator(), StandardCharsets.UTF_8);
    } else {
      writer.close();
      writer = null;
    }
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
