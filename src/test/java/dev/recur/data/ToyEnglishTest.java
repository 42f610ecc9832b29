package dev.recur.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The grammar's entropy per character against what a predictor that knows the grammar actually
 * pays on a long text, and the English it promises.
 */
class ToyEnglishTest {

  /**
   * The exact probability of each next character given every character before it, for any
   * {@link WordGrammar}, worked out from the grammar's published slots alone: a forward pass over
   * every reading of the text so far, each reading a slot, one of its words, and how many of the
   * word's characters are read. It never assumes the text can be read back in one way only, so
   * its mean −ln p is the entropy per character whether or not the grammar's formula holds.
   */
  private static final class Oracle {

    private record Reading(int slot, int word, int read) {}

    /** A word that may follow a slot, with the probability T(s, s')·E_{s'}(w). */
    private record Follower(int slot, int word, double probability) {}

    private final String[][] spellings;
    /** For each slot, its followers by the first character of their spelling. */
    private final List<Map<Character, List<Follower>>> followers = new ArrayList<>();
    private Map<Reading, Double> readings = new HashMap<>();

    Oracle(WordGrammar g) {
      int n = g.slotCount();
      spellings = new String[n][];
      for (int s = 0; s < n; s++) {
        spellings[s] = g.spellings(s);
      }
      for (int s = 0; s < n; s++) {
        Map<Character, List<Follower>> byFirst = new HashMap<>();
        double[] next = g.nextSlotProbabilities(s);
        for (int to = 0; to < n; to++) {
          double[] words = g.wordProbabilities(to);
          for (int w = 0; next[to] > 0 && w < words.length; w++) {
            byFirst.computeIfAbsent(spellings[to][w].charAt(0), c -> new ArrayList<>())
                .add(new Follower(to, w, next[to] * words[w]));
          }
        }
        followers.add(byFirst);
      }
      // before the text: the start slot's (unwritten) word is read completely
      readings.put(new Reading(g.startSlot(), -1, 0), 1.0);
    }

    /** p(c | the characters so far); then c counts as read. */
    double next(char c) {
      Map<Reading, Double> after = new HashMap<>();
      readings.forEach((r, weight) -> {
        boolean complete = r.word < 0 || r.read == spellings[r.slot][r.word].length();
        if (!complete) {
          if (spellings[r.slot][r.word].charAt(r.read) == c) {
            after.merge(new Reading(r.slot, r.word, r.read + 1), weight, Double::sum);
          }
        } else {
          for (Follower f : followers.get(r.slot).getOrDefault(c, List.of())) {
            after.merge(new Reading(f.slot, f.word, 1), weight * f.probability, Double::sum);
          }
        }
      });
      double total = after.values().stream().mapToDouble(Double::doubleValue).sum();
      after.replaceAll((r, w) -> w / total);
      readings = after;
      return total; // the readings before summed to 1
    }
  }

  @Test
  void entropyPerCharacterIsWhatTheBestPredictorPays() {
    WordGrammar g = ToyEnglish.grammar();
    String text = g.generate(600_000, 11);
    Oracle oracle = new Oracle(g);
    int batches = 60;
    int perBatch = text.length() / batches;
    double[] batchMean = new double[batches];
    for (int i = 0; i < batches * perBatch; i++) {
      double p = oracle.next(text.charAt(i));
      assertTrue(p > 0, "the grammar cannot spell the character at " + i);
      batchMean[i / perBatch] -= Math.log(p) / perBatch;
    }
    double mean = Arrays.stream(batchMean).average().orElseThrow();
    double variance = Arrays.stream(batchMean).map(m -> (m - mean) * (m - mean)).sum() / (batches - 1);
    double standardError = Math.sqrt(variance / batches);
    // batches of 10,000 characters (about 2,100 words) are all but independent, so their means
    // give the standard error of the estimate (measured here: 0.0007 nats per character, and the
    // mean 0.9 of them from the formula)
    assertTrue(standardError < 0.002, "the sample is too short to test anything: " + standardError);
    assertEquals(g.entropyPerCharacter(), mean, 4 * standardError,
        "the best predictor's mean -ln p per character, ± 4 standard errors");
  }

  @Test
  void articlesAgreeWithTheNextWordAndSentencesStartWithCapitals() {
    String text = ToyEnglish.grammar().generate(300_000, 3);
    assertFalse(Pattern.compile("\\b[Aa] [aeiou]").matcher(text).find(), "'a' before a vowel");
    assertFalse(Pattern.compile("\\b[Aa]n [^aeiou]").matcher(text).find(), "'an' before a consonant");
    assertFalse(Pattern.compile("[.!] [a-z]").matcher(text).find(), "a sentence in lower case");
    assertTrue(Pattern.compile("\\bAn? [a-z]+ ").matcher(text).find(), "no sentence starts with a/an");
    // a noun that a verb follows is a subject: a plural one takes the plural, a singular one not
    assertFalse(Pattern.compile("\\b(dogs|cats|men|girls) (runs|sleeps|sees|knows)\\b").matcher(text)
        .find(), "a plural subject with a singular verb");
    assertFalse(Pattern.compile("\\b(dog|cat|man|girl) (run|sleep|see|know)\\b").matcher(text)
        .find(), "a singular subject with a plural verb");
    assertTrue(Pattern.compile("\\b(dogs|cats|men|girls) (run|sleep|see|know)\\b").matcher(text)
        .find(), "no plural subject with its verb");
    // a determiner's number reaches the noun across adjectives
    List<MatchResult> phrases = Pattern.compile("\\b([Tt]hese|[Mm]any|[Ee]very|[Aa]n?)"
        + " ((old|little|small|big|young|happy) )*(dog|men)\\b").matcher(text).results().toList();
    assertTrue(phrases.size() > 10, phrases.size() + " phrases");
    for (MatchResult m : phrases) {
      boolean pluralDeterminer = m.group(1).toLowerCase().matches("these|many");
      assertEquals(pluralDeterminer, m.group(4).equals("men"), m.group());
    }
  }

  @Test
  void aFewHundredWords() {
    WordGrammar g = ToyEnglish.grammar();
    Set<String> words = new TreeSet<>();
    for (int s = 0; s < g.slotCount(); s++) {
      for (String spelling : g.spellings(s)) {
        words.add(spelling.strip().toLowerCase());
      }
    }
    assertTrue(words.size() >= 300 && words.size() <= 600, words.size() + " words");
  }
}
