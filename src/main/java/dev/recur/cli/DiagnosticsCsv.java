package dev.recur.cli;

import dev.recur.train.Trainer;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
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
 * <p>A resumed run keeps the history: the lines of the run it continues (those a killed run left
 * in {@code NAME.partial}, else the finished file) before its first update come first. Nothing on
 * disk changes until the first update arrives, so a resume that is refused loses nothing.
 */
final class DiagnosticsCsv implements Consumer<Trainer.Update>, AutoCloseable {

  private static final String HEADER = "update,loss,gradient_norm,clipped";

  private final Path target;
  private final Path partial;
  private final boolean resumed;
  private BufferedWriter writer;

  /** @param resumed whether the run continues one whose diagnostics are on disk */
  DiagnosticsCsv(Path target, boolean resumed) {
    this.target = target;
    this.partial = partialOf(target);
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
      throw new UncheckedIOException(partial + ": cannot write diagnostics", e);
    }
  }

  /** Starts the temporary file: the history before {@code first}, or a header. */
  private void open(Trainer.Update first) throws IOException {
    Path history = resumed ? (Files.exists(partial) ? partial : target) : null;
    Path previous = null;
    if (history == partial) {
      previous = partial.resolveSibling(partial.getFileName() + ".previous");
      Files.move(partial, previous, StandardCopyOption.REPLACE_EXISTING);
      history = previous;
    }
    writer = Files.newBufferedWriter(partial);
    if (history != null && Files.exists(history)) {
      copyHistory(history, first.update());
    } else {
      writer.write(HEADER);
      for (int t = 0; t < first.hiddenGradientNorms().length; t++) {
        writer.write(",dh_" + t);
      }
      writer.newLine();
    }
    if (previous != null) {
      Files.delete(previous);
    }
  }

  /** The header and the lines of updates before {@code first}. */
  private void copyHistory(Path history, long first) throws IOException {
    try (BufferedReader lines = Files.newBufferedReader(history)) {
      String header = lines.readLine();
      if (header == null || !header.startsWith(HEADER)) {
        throw new IOException(history + ": not recur's diagnostics (no header); move it away to resume");
      }
      writer.write(header);
      writer.newLine();
      for (String line; (line = lines.readLine()) != null; ) {
        int comma = line.indexOf(',');
        if (comma > 0 && Long.parseLong(line.substring(0, comma)) < first) {
          writer.write(line);
          writer.newLine();
        }
      }
    } catch (NumberFormatException e) {
      throw new IOException(history + ": a line does not start with an update number", e);
    }
  }

  /**
   * Moves the complete file into place. A run that made no update (a finished run resumed)
   * promotes what a killed run left, or keeps the finished file.
   */
  void finish() throws IOException {
    if (writer == null) {
      if (resumed && Files.exists(partial)) {
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return;
      }
      if (resumed && Files.exists(target)) {
        return;
      }
      writer = Files.newBufferedWriter(partial);
      writer.write(HEADER);
      writer.newLine();
    }
    writer.close();
    try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
      channel.force(true); // on disk before the rename, as AtomicFile does
    }
    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Drops the temporary file if the run started writing it but did not finish. */
  @Override
  public void close() throws IOException {
    if (writer != null) {
      writer.close();
      Files.deleteIfExists(partial);
    }
  }
}
