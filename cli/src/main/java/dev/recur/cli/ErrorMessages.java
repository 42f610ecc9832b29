package dev.recur.cli;

import dev.recur.io.FileBytes;
import dev.recur.train.TrainingDivergedException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The one line a user sees for a failed command: what happened, to which file or option. The
 * operating system's own words ("Is a directory", a bare path) are replaced by a sentence; an
 * error that is recur's own fault says so and points to {@code --verbose}.
 */
final class ErrorMessages {

  private ErrorMessages() {}

  static String describe(Throwable error) {
    if (error instanceof UncheckedIOException u && !u.getMessage().equals(u.getCause().toString())) {
      return u.getMessage(); // the wrapper names the file; the cause alone may not
    }
    Throwable cause = error instanceof UncheckedIOException u ? u.getCause() : error;
    return switch (cause) {
      case OutOfMemoryError e -> "out of memory: the command needs more than this JVM may use ("
          + FileBytes.describe(Runtime.getRuntime().maxMemory()) + ", -Xmx); use smaller sizes"
          + " (--hidden, --steps, --batch, --length) or give the JVM more memory";
      case NoSuchFileException e -> e.getReason() != null
          ? e.getFile() + ": " + e.getReason()
          : e.getFile() + ": no such file";
      case AccessDeniedException e -> e.getFile() + ": permission denied";
      case NotDirectoryException e -> e.getFile() + ": not a folder";
      case FileAlreadyExistsException e -> e.getFile() + ": already exists";
      case DirectoryNotEmptyException e -> e.getFile() + ": is a folder that is not empty";
      case FileSystemException e -> e.getFile() + ": " + systemReason(e);
      case java.io.IOException e -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      case IllegalArgumentException e when e.getMessage() != null -> e.getMessage();
      case IllegalStateException e when e.getMessage() != null -> e.getMessage();
      case TrainingDivergedException e -> e.getMessage();
      default -> "internal error (" + cause.getClass().getName()
          + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
          + "); please report it with the output of the same command with --verbose";
    };
  }

  /** The operating system's reason in lower case, with "Is a directory" made plain. */
  private static String systemReason(FileSystemException e) {
    String reason = e.getReason() == null ? "cannot be used" : e.getReason();
    return switch (reason) {
      case "Is a directory" -> "is a folder, not a file";
      case "Permission denied" -> "permission denied";
      default -> Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
    };
  }
}
