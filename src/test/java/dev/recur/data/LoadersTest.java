package dev.recur.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadersTest {

  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  @Test
  void charCorpusRoundTripsEveryCharacter() throws IOException {
    String text = "héllo wörld — 🙂 hello";
    CharCorpus corpus = CharCorpus.load(write("text.txt", text));
    assertEquals(text.codePoints().distinct().count(), corpus.vocabularySize());
    StringBuilder back = new StringBuilder();
    for (int t : corpus.tokens()) {
      back.appendCodePoint(corpus.decode(t));
    }
    assertEquals(text, back.toString());
    // distinct code points in code-point order: space, d e h l o r w, é (E9), ö (F6), — (2014), 🙂
    assertEquals(" dehlorwéö—🙂", corpus.vocabulary());
    assertEquals("'x' (U+78) is not in the vocabulary of " + corpus.vocabularySize() + " characters",
        assertThrows(IllegalArgumentException.class, () -> corpus.encode('x')).getMessage());
  }

  @Test
  void emptyAndNonUtf8FilesAreRefused() throws IOException {
    Path empty = write("empty.txt", "");
    assertEquals(empty + ": the file is empty",
        assertThrows(BadDataException.class, () -> CharCorpus.load(empty)).getMessage());
    Path binary = dir.resolve("binary.txt");
    Files.write(binary, new byte[] {'a', (byte) 0xC3, '('});
    assertEquals(binary + " line 1: byte offset 1 (0xC3): not UTF-8 text; save the file as UTF-8",
        assertThrows(BadDataException.class, () -> CharCorpus.load(binary)).getMessage());
  }

  @Test
  void csvSeriesAndItsWindows() throws IOException {
    CsvSeries series = CsvSeries.load(write("s.csv", "a,b\n1,10\n2,20\n\n3,30\n4,40\n5,50\n"), true);
    assertEquals(2, series.columns());
    assertEquals(5, series.length());
    SequenceSet next = series.windows(3, 1, false);
    assertEquals(2, next.count());
    assertArrayEquals(new float[] {1, 10, 2, 20, 3, 30, 2, 20, 3, 30, 4, 40}, next.inputs());
    assertArrayEquals(new float[] {4, 40, 5, 50}, next.targets());
    SequenceSet every = series.windows(2, 2, true);
    assertArrayEquals(new float[] {2, 20, 3, 30, 4, 40, 5, 50}, every.targets());
  }

  @Test
  void badCsvIsNamedWithLineAndColumn() throws IOException {
    Path ragged = write("r.csv", "1,2\n3,4\n5\n");
    assertEquals(ragged + " line 3: 1 cells, expected 2 like the first row",
        assertThrows(BadDataException.class, () -> CsvSeries.load(ragged, false)).getMessage());
    Path text = write("t.csv", "x,y\n1,2\n3,abc\n");
    assertEquals(text + " line 3: column 2: 'abc' is not a number",
        assertThrows(BadDataException.class, () -> CsvSeries.load(text, true)).getMessage());
    Path headerOnly = write("h.csv", "x,y\n");
    assertEquals(headerOnly + ": has no data rows",
        assertThrows(BadDataException.class, () -> CsvSeries.load(headerOnly, true)).getMessage());
    CsvSeries tiny = CsvSeries.load(write("tiny.csv", "1\n2\n3\n"), false);
    assertEquals("a series of 3 steps is shorter than a window of 3 plus the step it predicts",
        assertThrows(IllegalArgumentException.class, () -> tiny.windows(3, 1, false)).getMessage());
  }

  @Test
  void taggedSentences() throws IOException {
    TaggedCorpus corpus = TaggedCorpus.load(
        write("tags.tsv", "the\tDET\ndog\tNOUN\nruns\tVERB\n\n\nthe\tDET\ncat\tNOUN\n"));
    assertEquals(2, corpus.sentences().size());
    assertEquals(List.of("DET", "NOUN", "VERB"), corpus.tags());
    assertArrayEquals(new int[] {1, 2, 3}, corpus.sentences().get(0).tokens());
    assertArrayEquals(new int[] {1, 4}, corpus.sentences().get(1).tokens());
    assertArrayEquals(new int[] {0, 1}, corpus.sentences().get(1).tags());
    assertEquals(List.of("<unk>", "the", "dog", "runs", "cat"), corpus.tokens());
    assertEquals(5, corpus.vocabularySize());

    SequenceSet set = corpus.sequences();
    assertEquals(2, set.count());
    assertEquals(3, set.steps(), "padded to the longest sentence");
    assertArrayEquals(new int[] {1, 2, 3, 1, 4, 0}, set.tokens());
    assertArrayEquals(new boolean[] {true, true, true, true, true, false}, set.mask());
    assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0},
        set.targets());
  }

  @Test
  void taggingAgainstAModelsVocabularyReadsNewTokensAsUnknown() throws IOException {
    TaggedCorpus corpus = TaggedCorpus.load(write("eval.tsv", "the\tDET\nhorse\tNOUN\n"),
        List.of("<unk>", "the", "dog"), List.of("DET", "NOUN"));
    assertArrayEquals(new int[] {1, 0}, corpus.sentences().get(0).tokens());
    assertEquals(1, corpus.unknownTokens());
    assertEquals(3, corpus.vocabularySize());
  }

  @Test
  void badTaggingFilesAreNamed() throws IOException {
    Path noTab = write("a.tsv", "the DET\n");
    assertEquals(noTab + " line 1: expected token<TAB>tag, got 'the DET'",
        assertThrows(BadDataException.class, () -> TaggedCorpus.load(noTab)).getMessage());
    Path unknown = write("b.tsv", "the\tDET\ndog\tNN\n");
    assertEquals(unknown + " line 2: unknown tag 'NN'; the model knows [DET, NOUN]",
        assertThrows(BadDataException.class,
            () -> TaggedCorpus.load(unknown, List.of("DET", "NOUN"))).getMessage());
    Path blank = write("c.tsv", "\n\n");
    assertEquals(blank + ": has no sentences",
        assertThrows(BadDataException.class, () -> TaggedCorpus.load(blank)).getMessage());
  }
}
