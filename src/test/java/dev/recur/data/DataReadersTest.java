package dev.recur.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every text reader on files as users save them: with a UTF-8 byte-order mark (Windows editors
 * write one), with bytes that are not UTF-8, with white space where a name should be.
 */
class DataReadersTest {

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  @TempDir Path dir;

  private Path withBom(String name, String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(BOM);
    bytes.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    return Files.write(dir.resolve(name), bytes.toByteArray());
  }

  @Test
  void aByteOrderMarkIsNotPartOfTheFirstLabel() throws IOException {
    Path file = withBom("labelled.csv", "cat,1,2\ndog,3,4\ncat,5,6\n");
    LabelledSequences loaded = LabelledSequences.load(file, 2);
    assertEquals(List.of("cat", "dog"), loaded.labels(), "two labels, not \\uFEFFcat as a third");
  }

  @Test
  void aByteOrderMarkIsNotPartOfTheFirstNumber() throws IOException {
    CsvSeries series = CsvSeries.load(withBom("series.csv", "0.5,1\n2,3\n"), false);
    assertArrayEquals(new float[] {0.5f, 1f, 2f, 3f}, series.values());
  }

  @Test
  void aByteOrderMarkIsNotPartOfTheFirstToken() throws IOException {
    TaggedCorpus corpus = TaggedCorpus.load(withBom("tagged.tsv", "The\tDET\ndog\tNOUN\n"));
    assertEquals(List.of(TaggedCorpus.UNKNOWN, "The", "dog"), corpus.tokens());
  }

  @Test
  void aByteOrderMarkIsNotACharacterOfTheText() throws IOException {
    CharCorpus corpus = CharCorpus.load(withBom("text.txt", "abba"));
    assertEquals("ab", corpus.vocabulary());
    assertEquals(4, corpus.length());
  }

  @Test
  void aFileOfOnlyAByteOrderMarkIsEmpty() throws IOException {
    Path file = withBom("empty.txt", "");
    assertEquals(file + ": the file is empty",
        assertThrows(BadDataException.class, () -> CharCorpus.load(file)).getMessage());
  }

  @Test
  void malformedBytesAreNamedByLineAndByteOffset() throws IOException {
    Path file = Files.write(dir.resolve("latin1.csv"),
        new byte[] {'1', ',', '2', '\n', '3', ',', (byte) 0xE9, '\n'});
    assertEquals(file + " line 2: byte offset 6 (0xE9): not UTF-8 text; save the file as UTF-8",
        assertThrows(BadDataException.class, () -> CsvSeries.load(file, false)).getMessage());
    // after a byte-order mark, offsets still count from the start of the file
    Path marked = withBom("marked.txt", "ab");
    Files.write(marked, new byte[] {(byte) 0xFF}, java.nio.file.StandardOpenOption.APPEND);
    assertEquals(marked + " line 1: byte offset 5 (0xFF): not UTF-8 text; save the file as UTF-8",
        assertThrows(BadDataException.class, () -> TextFiles.read(marked)).getMessage());
  }

  @Test
  void aTagOrTokenOfOnlyWhiteSpaceIsRefused() throws IOException {
    Path blankTag = Files.writeString(dir.resolve("blank-tag.tsv"), "a\tX\nb\t   \n");
    assertEquals(blankTag + " line 2: the tag is only white space; expected token<TAB>tag",
        assertThrows(BadDataException.class, () -> TaggedCorpus.load(blankTag)).getMessage());
    Path blankToken = Files.writeString(dir.resolve("blank-token.tsv"), "a\tX\n  \tY\n");
    assertEquals(blankToken + " line 2: the token is only white space; expected token<TAB>tag",
        assertThrows(BadDataException.class, () -> TaggedCorpus.load(blankToken)).getMessage());
  }

  @Test
  void aFolderIsNamedAsOne() {
    Exception e = assertThrows(IOException.class, () -> CsvSeries.load(dir, false));
    assertEquals(dir + ": is a folder, not a file", e.getMessage());
  }

  @Test
  void generatedSetsTooLargeForAnArrayAreRefusedNotWrapped() {
    assertEquals("count 5000 × steps 100000000 × 2 inputs must be between 2 and a Java array's size",
        assertThrows(IllegalArgumentException.class,
            () -> AddingProblem.generate(5000, 100_000_000, 1)).getMessage());
  }
}
