package dev.recur.cli;

import dev.recur.train.Trainer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;

/**
 * Per-update gradient diagnostics as CSV, one line per update: update, loss, gradient_norm,
 * clipped, then ‖∂L/∂h_t‖ as dh_0 .. dh_{T-1}. Lines are streamed to a temporary file beside the
 * target, which replaces the target only when the run finishes ({@link #finish}), so a failed
 * run leaves any earlier diagnostics as they were.
 */
final class DiagnosticsCsv implements Consumer<Trainer.Update>, AutoCloseable {

  private final Path target;
  private final Path partial;
  private final BufferedWriter writer;
  private boolean headerWritten;

  DiagnosticsCsv(Path target) throws IOException {
    this.target = target;
    this.partial = target.resolveSibling(target.getFileName() + ".partial");
    this.writer = Files.newBufferedWriter(partial);
  }

  @Override
  public void accept(Trainer.Update update) {
    try {
      if (!headerWritten) {
        writer.write("update,loss,gradient_norm,clipped");
        for (int t = 0; t < update.hiddenGradientNorms().length; t++) {
          writer.write(",dh_" + t);
        }
        writer.newLine();
        headerWritten = true;
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

  /** Moves the complete file into place. */
  void finish() throws IOException {
    writer.close();
    try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
      channel.force(true); // on disk before the rename, as AtomicFile does
    }
    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Drops the temporary file if the run did not finish. */
  @Override
  public void close() throws IOException {
    writer.close();
    Files.deleteIfExists(partial);
  }
}
