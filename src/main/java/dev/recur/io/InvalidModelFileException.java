package dev.recur.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model file that recur will not load: wrong magic, a format version from the future, a
 * checksum that does not match (corrupted or truncated), a header that lies about sizes, a
 * configuration that is invalid, tensors that do not match it, or weights that are NaN or
 * infinite. The message names the file and what is wrong. Loading never returns half a model.
 */
public final class InvalidModelFileException extends IOException {

  private static final long serialVersionUID = 1L;

  InvalidModelFileException(Path file, String problem) {
    super(file + ": " + problem);
  }

  InvalidModelFileException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
