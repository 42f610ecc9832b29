package dev.recur.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data file recur cannot use; the message names the file, the line where there is one, and the problem. */
public final class BadDataException extends IOException {

  private static final long serialVersionUID = 1L;

  BadDataException(Path file, String problem) {
    super(file + ": " + problem);
  }

  BadDataException(Path file, int line, String problem) {
    super(file + " line " + line + ": " + problem);
  }
}
