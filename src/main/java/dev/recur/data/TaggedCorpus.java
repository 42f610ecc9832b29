package dev.recur.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sentences for tagging (POS-style): one {@code token<TAB>tag} per line, a blank line between
 * sentences. Token 0 is {@link #UNKNOWN}; the others and the tags are numbered in order of first
 * appearance. A trained model's vocabulary and tag set can be imposed instead: then a token it
 * does not know reads as {@link #UNKNOWN}, and a tag it does not know is an error with its line.
 */
public final class TaggedCorpus {

  /** The token that stands for any token outside the vocabulary; always index 0. */
  public static final String UNKNOWN = "<unk>";

  /**
   * One sentence: token and tag indices, step by step.
   *
   * @param tokens the token index of each step, in [0, vocabulary size); 0 for {@link #UNKNOWN}
   * @param tags the tag index of each step, in [0, tag count); as long as {@code tokens}
   */
  public record Sentence(int[] tokens, int[] tags) {}

  private final Map<String, Integer> tokens;
  private final Map<String, Integer> tags;
  private final List<Sentence> sentences;
  private final int unknownTokens;

  private TaggedCorpus(
      Map<String, Integer> tokens, Map<String, Integer> tags, List<Sentence> sentences,
      int unknownTokens) {
    this.tokens = tokens;
    this.tags = tags;
    this.sentences = sentences;
    this.unknownTokens = unknownTokens;
  }

  /**
   * Reads a file, numbering the tokens and tags it finds.
   *
   * @param file UTF-8 lines of {@code token<TAB>tag}, a blank line between sentences
   * @return the sentences, tokens and tags numbered in order of first appearance
   * @throws BadDataException naming the line of a malformed entry
   * @throws IOException if the file cannot be read
   */
  public static TaggedCorpus load(Path file) throws IOException {
    return load(file, null, null);
  }

  /**
   * Reads a file whose tags must all be in {@code knownTags} (in index order).
   *
   * @param file UTF-8 lines of {@code token<TAB>tag}, a blank line between sentences
   * @param knownTags the tag set, in index order; null to number the file's tags
   * @return the sentences, tokens numbered in order of first appearance
   * @throws BadDataException naming the line of a malformed entry or an unknown tag
   * @throws IOException if the file cannot be read
   */
  public static TaggedCorpus load(Path file, List<String> knownTags) throws IOException {
    return load(file, null, knownTags);
  }

  /**
   * Reads a file against a model's vocabulary (in index order, {@link #UNKNOWN} first) and tag
   * set; either may be null to number what the file holds.
   *
   * @param file UTF-8 lines of {@code token<TAB>tag}, a blank line between sentences
   * @param knownTokens the vocabulary in index order, {@link #UNKNOWN} first; or null
   * @param knownTags the tag set in index order; or null
   * @return the sentences, unknown tokens read as index 0
   * @throws IllegalArgumentException if {@code knownTokens} does not start with {@link #UNKNOWN}
   * @throws BadDataException naming the line of a malformed entry or an unknown tag
   * @throws IOException if the file cannot be read
   */
  public static TaggedCorpus load(Path file, List<String> knownTokens, List<String> knownTags)
      throws IOException {
    Map<String, Integer> tokens = numbered(knownTokens == null ? List.of(UNKNOWN) : knownTokens);
    if (!UNKNOWN.equals(tokens.keySet().iterator().next())) {
      throw new IllegalArgumentException("a tagging vocabulary starts with " + UNKNOWN);
    }
    Map<String, Integer> tags = numbered(knownTags == null ? List.of() : knownTags);
    List<Sentence> sentences = new ArrayList<>();
    List<Integer> sentenceTokens = new ArrayList<>();
    List<Integer> sentenceTags = new ArrayList<>();
    int unknown = 0;
    List<String> lines = TextFiles.lines(file);
    for (int n = 0; n <= lines.size(); n++) {
      String line = n < lines.size() ? lines.get(n) : "";
      if (line.isBlank()) {
        if (!sentenceTokens.isEmpty()) {
          sentences.add(new Sentence(
              sentenceTokens.stream().mapToInt(Integer::intValue).toArray(),
              sentenceTags.stream().mapToInt(Integer::intValue).toArray()));
          sentenceTokens.clear();
          sentenceTags.clear();
        }
        continue;
      }
      int tab = line.indexOf('\t');
      if (tab <= 0 || tab == line.length() - 1 || line.indexOf('\t', tab + 1) >= 0) {
        throw new BadDataException(file, n + 1, "expected token<TAB>tag, got '" + line + "'");
      }
      String tag = line.substring(tab + 1).strip();
      if (tag.isEmpty() || line.substring(0, tab).isBlank()) {
        throw new BadDataException(file, n + 1, "the " + (tag.isEmpty() ? "tag" : "token")
            + " is only white space; expected token<TAB>tag");
      }
      Integer tagIndex = tags.get(tag);
      if (tagIndex == null) {
        if (knownTags != null) {
          throw new BadDataException(file, n + 1, "unknown tag '" + tag + "'; the model knows " + knownTags);
        }
        tagIndex = tags.size();
        tags.put(tag, tagIndex);
      }
      String token = line.substring(0, tab);
      Integer tokenIndex = tokens.get(token);
      if (tokenIndex == null && knownTokens != null) {
        tokenIndex = 0;
        unknown++;
      } else if (tokenIndex == null) {
        tokenIndex = tokens.size();
        tokens.put(token, tokenIndex);
      }
      sentenceTokens.add(tokenIndex);
      sentenceTags.add(tagIndex);
    }
    if (sentences.isEmpty()) {
      throw new BadDataException(file, "has no sentences");
    }
    return new TaggedCorpus(tokens, tags, List.copyOf(sentences), unknown);
  }

  private static Map<String, Integer> numbered(List<String> names) {
    Map<String, Integer> indices = new LinkedHashMap<>();
    for (String name : names) {
      indices.putIfAbsent(name, indices.size());
    }
    return indices;
  }

  /**
   * The file's sentences, in order.
   *
   * @return an unmodifiable list of at least one sentence (their arrays are live)
   */
  public List<Sentence> sentences() {
    return sentences;
  }

  /**
   * Tokens in index order, {@link #UNKNOWN} first.
   *
   * @return an unmodifiable copy of the vocabulary
   */
  public List<String> tokens() {
    return List.copyOf(tokens.keySet());
  }

  /**
   * Tags in index order.
   *
   * @return an unmodifiable copy of the tag set
   */
  public List<String> tags() {
    return List.copyOf(tags.keySet());
  }

  /**
   * How many tokens are numbered, {@link #UNKNOWN} included.
   *
   * @return the vocabulary size V, a tagger's input size
   */
  public int vocabularySize() {
    return tokens.size();
  }

  /**
   * How many tokens of the file were outside an imposed vocabulary (read as {@link #UNKNOWN}).
   *
   * @return the count, ≥ 0; 0 when the file's own tokens were numbered
   */
  public int unknownTokens() {
    return unknownTokens;
  }

  /**
   * The sentences as token sequences padded to the longest, with a mask, and a one-hot tag at
   * every step (padding steps have an all-zero target, which the mask keeps out of the loss).
   *
   * @return one token sequence per sentence, T the longest sentence's length, O the tag count
   */
  public SequenceSet sequences() {
    int count = sentences.size();
    int steps = sentences.stream().mapToInt(s -> s.tokens().length).max().orElseThrow();
    int tagCount = tags.size();
    int[] tokenIndices = new int[count * steps];
    boolean[] mask = new boolean[count * steps];
    float[] targets = new float[count * steps * tagCount];
    for (int n = 0; n < count; n++) {
      Sentence sentence = sentences.get(n);
      for (int t = 0; t < sentence.tokens().length; t++) {
        tokenIndices[n * steps + t] = sentence.tokens()[t];
        mask[n * steps + t] = true;
        targets[(n * steps + t) * tagCount + sentence.tags()[t]] = 1;
      }
    }
    return SequenceSet.ofTokens(count, steps, tokens.size(), tagCount, true, tokenIndices, mask, targets);
  }
}
