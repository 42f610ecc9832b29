package dev.recur.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Word segmentation of unspaced text: a text with its white space removed, one token per
 * character, each tagged with whether a word ends after it.
 *
 * <p>The text is lower-cased ({@link Locale#ROOT}) before anything else, so a capital letter
 * gives no hint of where the next word starts, and a text in capitals reads like the same text
 * in lower case. A word is a run of characters between white space ({@link
 * Character#isWhitespace}); punctuation belongs to the word it touches ("licence," is one word,
 * ending after the comma). The last character of the text ends a word.
 *
 * <p>Token 0 is {@link #UNKNOWN} (U+FFFD), for characters a model's vocabulary lacks; the others
 * are the text's distinct characters in code point order. A trained model's vocabulary can be
 * imposed instead, as for scoring it on another text.
 */
public final class UnspacedText {

  /** The character of token 0, which stands for any character outside the vocabulary. */
  public static final int UNKNOWN = '\uFFFD';

  /** The tags in class order: 0 a word goes on after the character, 1 a word ends after it. */
  public static final List<String> TAGS = List.of("inside", "word end");

  /** The class index of {@code "word end"}. */
  public static final int WORD_END = 1;

  private final String vocabulary;
  private final int[] tokens;
  private final boolean[] wordEnds;
  private final int unknownCharacters;

  private UnspacedText(String vocabulary, int[] tokens, boolean[] wordEnds, int unknownCharacters) {
    this.vocabulary = vocabulary;
    this.tokens = tokens;
    this.wordEnds = wordEnds;
    this.unknownCharacters = unknownCharacters;
  }

  /**
   * Reads a UTF-8 text (strictly, as {@link TextFiles#read}) and numbers the characters it has.
   *
   * @param file the text file
   * @return the unspaced, lower-cased text with its own vocabulary
   * @throws BadDataException as {@link TextFiles#read} does, or if the text is only white space
   * @throws IOException if the file cannot be read
   */
  public static UnspacedText load(Path file) throws IOException {
    return load(file, null);
  }

  /**
   * Reads a UTF-8 text against a model's vocabulary ({@link #vocabulary()} of the text it was
   * trained on; null to number the characters this text has).
   *
   * @param file the text file
   * @param vocabulary U+FFFD then distinct non-white-space characters in code point order, as
   *     {@link #vocabulary()} writes; or null
   * @return the unspaced, lower-cased text, characters outside the vocabulary as {@link #UNKNOWN}
   * @throws IllegalArgumentException if {@code vocabulary} is not of that form
   * @throws BadDataException as {@link TextFiles#read} does, or if the text is only white space
   * @throws IOException if the file cannot be read
   */
  public static UnspacedText load(Path file, String vocabulary) throws IOException {
    String text = TextFiles.read(file);
    if (text.codePoints().allMatch(Character::isWhitespace)) {
      throw new BadDataException(file, "has no characters but white space");
    }
    return of(text, vocabulary);
  }

  /**
   * The unspaced form of {@code text}, which must have a character that is not white space,
   * against {@code vocabulary} (null: this text's characters).
   *
   * @param text the spaced text
   * @param vocabulary U+FFFD then distinct non-white-space characters in code point order, as
   *     {@link #vocabulary()} writes; or null
   * @return the unspaced, lower-cased text, characters outside the vocabulary as {@link #UNKNOWN}
   * @throws IllegalArgumentException if the text is only white space or the vocabulary is not of
   *     that form
   * @throws NullPointerException if {@code text} is null
   */
  public static UnspacedText of(String text, String vocabulary) {
    Objects.requireNonNull(text, "text");
    int[] all = text.toLowerCase(Locale.ROOT).codePoints().toArray();
    int length = 0;
    for (int c : all) {
      length += Character.isWhitespace(c) ? 0 : 1;
    }
    if (length == 0) {
      throw new IllegalArgumentException("the text has no characters but white space");
    }
    int[] characters = new int[length];
    boolean[] ends = new boolean[length];
    int n = 0;
    for (int i = 0; i < all.length; i++) {
      if (!Character.isWhitespace(all[i])) {
        characters[n] = all[i];
        ends[n] = i + 1 == all.length || Character.isWhitespace(all[i + 1]);
        n++;
      }
    }
    int[] known = vocabulary == null
        ? Arrays.stream(characters).filter(c -> c != UNKNOWN).distinct().sorted().toArray()
        : requireVocabulary(vocabulary);
    int[] tokens = new int[length];
    int unknown = 0;
    for (int i = 0; i < length; i++) {
      int index = characters[i] == UNKNOWN ? -1 : Arrays.binarySearch(known, characters[i]);
      tokens[i] = index < 0 ? 0 : index + 1;
      unknown += index < 0 ? 1 : 0;
    }
    StringBuilder numbered = new StringBuilder().appendCodePoint(UNKNOWN);
    for (int c : known) {
      numbered.appendCodePoint(c);
    }
    return new UnspacedText(numbered.toString(), tokens, ends, unknown);
  }

  /** The characters after {@link #UNKNOWN} of a vocabulary this class wrote, checked. */
  private static int[] requireVocabulary(String vocabulary) {
    int[] all = vocabulary.codePoints().toArray();
    int[] known = Arrays.copyOfRange(all, Math.min(1, all.length), all.length);
    boolean sortedAndDistinct = true;
    for (int i = 1; i < known.length; i++) {
      sortedAndDistinct &= known[i - 1] < known[i];
    }
    if (all.length == 0 || all[0] != UNKNOWN || !sortedAndDistinct
        || Arrays.stream(known).anyMatch(c -> c == UNKNOWN || Character.isWhitespace(c))) {
      throw new IllegalArgumentException("a segmentation vocabulary is U+FFFD and then distinct"
          + " characters that are not white space, in code point order");
    }
    return known;
  }

  /**
   * Token 0 is {@link #UNKNOWN}; token i &gt; 0 is the i-th character of this string.
   *
   * @return U+FFFD followed by the known characters in code point order
   */
  public String vocabulary() {
    return vocabulary;
  }

  /**
   * The number of tokens, {@link #UNKNOWN} included: a model's input size.
   *
   * @return the vocabulary's length in code points, ≥ 1
   */
  public int vocabularySize() {
    return vocabulary.codePointCount(0, vocabulary.length());
  }

  /**
   * Characters of the unspaced text.
   *
   * @return the number of characters (code points) left after removing white space, ≥ 1
   */
  public int length() {
    return tokens.length;
  }

  /**
   * Characters of the text outside an imposed vocabulary (read as {@link #UNKNOWN}).
   *
   * @return the count, ≥ 0 (U+FFFD in the text itself counts too)
   */
  public int unknownCharacters() {
    return unknownCharacters;
  }

  /**
   * How many words the text has: the characters a word ends after.
   *
   * @return the word count, ≥ 1
   */
  public int words() {
    int words = 0;
    for (boolean end : wordEnds) {
      words += end ? 1 : 0;
    }
    return words;
  }

  /**
   * The unspaced text as token indices (a copy).
   *
   * @return a new array of {@link #length()} tokens in [0, {@link #vocabularySize()})
   */
  public int[] tokens() {
    return tokens.clone();
  }

  /**
   * Whether a word ends after each character (a copy).
   *
   * @return a new array of {@link #length()} flags, the last one true
   */
  public boolean[] wordEnds() {
    return wordEnds.clone();
  }

  /**
   * How many windows of {@code steps} characters {@link #windows} cuts the text into.
   *
   * @param steps characters per window, ≥ 1 (not checked here)
   * @return ⌈length / steps⌉
   */
  public long windowCount(int steps) {
    return (tokens.length + (long) steps - 1) / steps;
  }

  /**
   * The text cut into windows of {@code steps} characters, in order and without overlap, tagged
   * one-hot over {@link #TAGS} at every step; a shorter last window is padded and masked. A word
   * cut by a window's end still ends where the text says (its end lies in the next window).
   *
   * @param steps T, characters per window, ≥ 1
   * @return ⌈length / T⌉ token sequences of T steps with every-step one-hot targets over the two
   *     tags, masked only if the last window is short
   * @throws IllegalArgumentException if {@code steps} &lt; 1 or the windows would not fit one
   *     array
   */
  public SequenceSet windows(int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be ≥ 1; got " + steps);
    }
    long cells = windowCount(steps) * steps * TAGS.size();
    if (cells > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(windowCount(steps) + " windows of " + steps
          + " characters are too many values for one array; use a shorter window");
    }
    int count = (int) windowCount(steps);
    int[] windowTokens = new int[count * steps];
    float[] targets = new float[count * steps * TAGS.size()];
    boolean padded = tokens.length % steps != 0;
    boolean[] mask = padded ? new boolean[count * steps] : null;
    for (int i = 0; i < tokens.length; i++) {
      windowTokens[i] = tokens[i];
      targets[i * TAGS.size() + (wordEnds[i] ? WORD_END : 0)] = 1;
      if (mask != null) {
        mask[i] = true;
      }
    }
    return SequenceSet.ofTokens(count, steps, vocabularySize(), TAGS.size(), true, windowTokens,
        mask, targets);
  }
}
