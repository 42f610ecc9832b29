package dev.recur.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * A character corpus for language modelling: the text's code points, a vocabulary (the distinct
 * code points, sorted), and the text as token indices into it. The vocabulary is saved with a
 * model so generation maps indices back to the same characters.
 */
public final class CharCorpus {

  private final int[] vocabulary;
  private final int[] tokens;

  private CharCorpus(int[] vocabulary, int[] tokens) {
    this.vocabulary = vocabulary;
    this.tokens = tokens;
  }

  /**
   * Reads a UTF-8 text file (strictly: malformed bytes and empty files are refused).
   *
   * @param file the text file
   * @return the corpus of the file's characters
   * @throws BadDataException as {@link TextFiles#read} does
   * @throws IOException if the file cannot be read
   */
  public static CharCorpus load(Path file) throws IOException {
    return of(TextFiles.read(file));
  }

  /**
   * A corpus of the given text, which must not be empty.
   *
   * @param text the text, at least one character
   * @return the corpus of its code points
   * @throws IllegalArgumentException if {@code text} is empty
   * @throws NullPointerException if {@code text} is null
   */
  public static CharCorpus of(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("a corpus needs at least one character");
    }
    int[] codePoints = text.codePoints().toArray();
    int[] vocabulary = Arrays.stream(codePoints).distinct().sorted().toArray();
    int[] tokens = new int[codePoints.length];
    for (int i = 0; i < codePoints.length; i++) {
      tokens[i] = Arrays.binarySearch(vocabulary, codePoints[i]);
    }
    return new CharCorpus(vocabulary, tokens);
  }

  /**
   * The number of distinct characters, the model's input and output size.
   *
   * @return the vocabulary size, ≥ 1
   */
  public int vocabularySize() {
    return vocabulary.length;
  }

  /**
   * The number of characters (code points) of the text.
   *
   * @return the text's length in code points, ≥ 1
   */
  public int length() {
    return tokens.length;
  }

  /**
   * The text as token indices (a copy).
   *
   * @return a new array of {@link #length()} indices in [0, {@link #vocabularySize()})
   */
  public int[] tokens() {
    return tokens.clone();
  }

  /**
   * The vocabulary as a string, one character per token index, in order.
   *
   * @return the distinct code points in ascending order
   */
  public String vocabulary() {
    return new String(vocabulary, 0, vocabulary.length);
  }

  /**
   * The index of character {@code codePoint}, or throws if the corpus never had it.
   *
   * @param codePoint a Unicode code point
   * @return its token index, in [0, {@link #vocabularySize()})
   * @throws IllegalArgumentException if the character is not in the vocabulary
   */
  public int encode(int codePoint) {
    int index = Arrays.binarySearch(vocabulary, codePoint);
    if (index < 0) {
      throw new IllegalArgumentException(
          "'" + Character.toString(codePoint) + "' (U+" + Integer.toHexString(codePoint).toUpperCase()
              + ") is not in the vocabulary of " + vocabulary.length + " characters");
    }
    return index;
  }

  /**
   * The character of token {@code index}.
   *
   * @param index a token index, in [0, {@link #vocabularySize()})
   * @return the code point it stands for
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  public int decode(int index) {
    Objects.checkIndex(index, vocabulary.length);
    return vocabulary[index];
  }
}
