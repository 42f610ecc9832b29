package dev.recur.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Word segmentation data: the text without white space, lower-cased, each character tagged. */
class UnspacedTextTest {

  @TempDir Path dir;

  @Test
  void whiteSpaceGoesAndEachCharacterSaysWhetherAWordEndsAfterIt() {
    UnspacedText text = UnspacedText.of("The  GPL,\n\tfree\n", null);
    // "thegpl,free": words "the", "gpl,", "free"
    assertEquals("\uFFFD,efghlprt", text.vocabulary(), "U+FFFD, then the characters in order");
    assertEquals(11, text.length());
    assertEquals(3, text.words());
    assertArrayEquals(new int[] {9, 5, 2, 4, 7, 6, 1, 3, 8, 2, 2}, text.tokens());
    assertArrayEquals(new boolean[] {false, false, true, false, false, false, true, false, false,
        false, true}, text.wordEnds());
  }

  @Test
  void windowsFollowTheTextAndTheLastIsPaddedAndMasked() {
    UnspacedText text = UnspacedText.of("ab c de", null); // "abcde", ends after b, c, e
    SequenceSet windows = text.windows(2);
    assertEquals(3, windows.count());
    assertEquals(2, windows.steps());
    assertEquals(text.vocabularySize(), windows.inputSize());
    assertArrayEquals(new int[] {1, 2, 3, 4, 5, 0}, windows.tokens());
    assertArrayEquals(new boolean[] {true, true, true, true, true, false}, windows.mask());
    assertArrayEquals(new float[] {1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0}, windows.targets());
    assertNull(UnspacedText.of("abcd", null).windows(2).mask(), "no padding, no mask");
  }

  @Test
  void aModelsVocabularyReadsOtherCharactersAsUnknown() {
    UnspacedText trained = UnspacedText.of("abc", null);
    UnspacedText other = UnspacedText.of("cab dz\uFFFD", trained.vocabulary());
    assertEquals(trained.vocabulary(), other.vocabulary());
    assertArrayEquals(new int[] {3, 1, 2, 0, 0, 0}, other.tokens());
    assertEquals(3, other.unknownCharacters());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> UnspacedText.of("abc", "ba"));
    assertTrue(e.getMessage().contains("U+FFFD and then distinct characters"), e.getMessage());
  }

  @Test
  void aTextOfOnlyWhiteSpaceIsRefusedWithItsName() throws IOException {
    Path blank = Files.writeString(dir.resolve("blank.txt"), " \n\t\n");
    BadDataException e = assertThrows(BadDataException.class, () -> UnspacedText.load(blank));
    assertEquals(blank + ": has no characters but white space", e.getMessage());
  }
}
