package dev.recur.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;

/**
 * Replaces a file's content all at once: the bytes go to a temporary file in the same folder, are
 * forced to disk, and the temporary file is renamed over the target. A crash at any point leaves
 * either the old file or the new one, never a mixture, and no temporary file survives a failure.
 * A symbolic link is written through (the file it points at is replaced, the link stays).
 */
public final class AtomicFile {

  private AtomicFile() {}

  /** How the bytes reach the temporary file; tests substitute one that fails midway. */
  @FunctionalInterface
  interface ChannelWriter {
    void write(FileChannel channel, ByteBuffer bytes) throws IOException;
  }

  /**
   * Replaces {@code path}'s content with the remaining bytes of {@code bytes}: written to a
   * temporary file beside it, forced to disk, then renamed over it.
   *
   * @param path the file to create or replace; a symbolic link is followed
   * @param bytes the content, from its position to its limit; consumed (its position ends at the
   *     limit)
   * @throws IOException if it cannot be written; {@code path} then keeps its previous content
   */
  public static void write(Path path, ByteBuffer bytes) throws IOException {
    write(path, bytes, FileChannel::write);
  }

  static void write(Path path, ByteBuffer bytes, ChannelWriter writer) throws IOException {
    Path target = writtenFile(path);
    if (!Files.isDirectory(target.getParent())) {
      // otherwise the error would name the temporary file, which the caller never asked for
      throw new NoSuchFileException(
          path.toString(), null, "folder " + target.getParent() + " does not exist");
    }
    Path temporary =
        Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
    try {
      keepPermissions(target, temporary);
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        while (bytes.hasRemaining()) {
          writer.write(channel, bytes);
        }
        channel.force(true);
      }
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary); // already gone after a successful move
    }
  }

  /**
   * The file whose content {@code path} names, absolute: through symbolic links (even dangling
   * ones) to the file they point at, since a rename would replace the link itself; and never a
   * device, a pipe or a folder, which a rename would replace by a plain file ({@code /dev/null}
   * among them). Every writer that renames into place resolves its target here.
   *
   * @param path the path a caller asked to write
   * @return the absolute path of the regular file (existing or not) to replace
   * @throws IOException if {@code path} names a folder, a device or a pipe, or a link cannot be
   *     read
   */
  public static Path writtenFile(Path path) throws IOException {
    Path target = Objects.requireNonNull(path, "path").toAbsolutePath();
    for (int links = 0; Files.isSymbolicLink(target); links++) { // dangling links too
      if (links == 40) {
        throw new FileSystemException(path.toString(), null, "too many levels of symbolic links");
      }
      target = target.resolveSibling(Files.readSymbolicLink(target)).normalize();
    }
    if (Files.exists(target) && !Files.isRegularFile(target)) {
      throw new FileSystemException(path.toString(), null, Files.isDirectory(target)
          ? "is a folder; name a file to write"
          : "is not a regular file (a device or a pipe); recur writes only regular files");
    }
    return target;
  }

  /**
   * A temporary file is created readable by its owner only; the file it replaces keeps its own
   * permissions, and a new file gets the usual rw-r--r--.
   */
  private static void keepPermissions(Path target, Path temporary) throws IOException {
    if (!Files.getFileStore(temporary).supportsFileAttributeView(PosixFileAttributeView.class)) {
      return;
    }
    Set<PosixFilePermission> permissions = Files.exists(target)
        ? Files.getPosixFilePermissions(target)
        : PosixFilePermissions.fromString("rw-r--r--");
    Files.setPosixFilePermissions(temporary, permissions);
  }
}
