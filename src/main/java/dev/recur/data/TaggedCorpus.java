package dev.recur.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sentences for tagging (POS-style): one {@code token<TAB>tag} per line, a blank line between
 * sentences. Tokens and tags are numbered in order of first appearance; a fixed tag set (a trained
 * model's) can be imposed, and then an unknown tag is an error with its line.
 */
public final class TaggedCorpus {

  /** One sentence: token and tag indices, step by step. */
  public record Sentence(int[] tokens, int[] tags) {}

  private final Map<String, Integer> tokens;
  private final Map<String, Integer> tags;
  private final List<Sentence> sentences;

  private TaggedCorpus(Map<String, Integer> tokens, Map<String, Integer> tags, List<Sentence> sentences) {
    this.tokens = tokens;
    this.tags = tags;
    this.sentences = sentences;
  }

  /** Reads a file, numbering the tags it finds. */
  public static TaggedCorpus load(Path file) throws IOException {
    return load(file, null);
  }

  /** Reads a file whose tags must all be in {@code knownTags} (in index order), if not null. */
  public static TaggedCorpus load(Path file, List<String> knownTags) throws IOException {
    Map<String, Integer> tokens = new LinkedHashMap<>();
    Map<String, Integer> tags = new LinkedHashMap<>();
    if (knownTags != null) {
      for (String tag : knownTags) {
        tags.putIfAbsent(tag, tags.size());
      }
    }
    List<Sentence> sentences = new ArrayList<>();
    List<Integer> sentenceTokens = new ArrayList<>();
    List<Integer> sentenceTags = new ArrayList<>();
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
      Integer tagIndex = tags.get(tag);
      if (tagIndex == null) {
        if (knownTags != null) {
          throw new BadDataException(file, n + 1, "unknown tag '" + tag + "'; the model knows " + knownTags);
        }
        tagIndex = tags.size();
        tags.put(tag, tagIndex);
      }
      sentenceTokens.add(tokens.computeIfAbsent(line.substring(0, tab), k -> tokens.size()));
      sentenceTags.add(tagIndex);
    }
    if (sentences.isEmpty()) {
      throw new BadDataException(file, "has no sentences");
    }
    return new TaggedCorpus(tokens, tags, List.copyOf(sentences));
  }

  public List<Sentence> sentences() {
    return sentences;
  }

  /** Tags in index order. */
  public List<String> tags() {
    return List.copyOf(tags.keySet());
  }

  public int vocabularySize() {
    return tokens.size();
  }
}
