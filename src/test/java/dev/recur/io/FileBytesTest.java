package dev.recur.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBytesTest {

  @TempDir Path dir;

  private static IOException tooLong(long size) {
    return new IOException("too long: " + size);
  }

  @Test
  void readsWholeFilesOfEverySizeAroundTheBlock() throws IOException {
    Random random = new Random(3);
    for (int size : new int[] {0, 1, 8191, 8192, 8193, 100_000}) {
      byte[] bytes = new byte[size];
      random.nextBytes(bytes);
      Path file = Files.write(dir.resolve("f" + size), bytes);
      assertArrayEquals(bytes, FileBytes.read(file, size, FileBytesTest::tooLong), "size " + size);
    }
  }

  @Test
  void aRegularFileOverTheLimitIsRefusedWithItsSizeBeforeReading() throws IOException {
    Path file = Files.write(dir.resolve("big"), new byte[1001]);
    assertEquals("too long: 1001",
        assertThrows(IOException.class, () -> FileBytes.read(file, 1000, FileBytesTest::tooLong))
            .getMessage());
  }

  @Test
  void anEndlessStreamIsReadOnlyToTheLimit() {
    Path zero = Path.of("/dev/zero");
    assumeTrue(Files.isReadable(zero), "needs /dev/zero");
    assertEquals("too long: -1",
        assertThrows(IOException.class, () -> FileBytes.read(zero, 100_000, FileBytesTest::tooLong))
            .getMessage());
  }

  @Test
  void theHeadCheckRunsOnTheFirstBlockOfAStream() {
    Path zero = Path.of("/dev/zero");
    assumeTrue(Files.isReadable(zero), "needs /dev/zero");
    IOException e = assertThrows(IOException.class, () -> FileBytes.read(zero, Long.MAX_VALUE,
        FileBytesTest::tooLong, (head, length) -> {
          throw new IOException("refused after " + length + " bytes");
        }));
    assertEquals("refused after 8192 bytes", e.getMessage());
  }

  @Test
  void aModelFromAnEndlessStreamIsRefusedByItsFirstBytes() {
    Path zero = Path.of("/dev/zero");
    assumeTrue(Files.isReadable(zero), "needs /dev/zero");
    assertEquals("/dev/zero: not a recur model file (wrong magic bytes)",
        assertThrows(InvalidModelFileException.class, () -> ModelFile.load(zero)).getMessage());
  }

  @Test
  void aFolderIsNamedAsOne() {
    FileSystemException e = assertThrows(FileSystemException.class,
        () -> FileBytes.read(dir, 10, FileBytesTest::tooLong));
    assertEquals(dir.toString(), e.getFile());
    assertEquals("is a folder, not a file", e.getReason());
  }
}
