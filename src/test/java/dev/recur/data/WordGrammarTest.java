package dev.recur.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The entropy of a grammar small enough to work out by hand, and the grammars it refuses. */
class WordGrammarTest {

  /**
   * Sentences " a." and " bb." with equal probability: one fair choice (ln 2 nats) per sentence
   * of 1 + (2 + 3) / 2 = 3.5 characters on average, over two words.
   */
  private static WordGrammar coinFlips() {
    WordGrammar.Builder b = WordGrammar.builder();
    int word = b.slot("word", List.of(" a", " bb"), new double[] {3, 3});
    int stop = b.slot("stop", List.of("."), new double[] {1});
    b.link(word, stop, 1.0).link(stop, word, 1.0);
    return b.build(stop);
  }

  @Test
  void entropyOfAGrammarWorkedOutByHand() {
    WordGrammar g = coinFlips();
    assertEquals(Math.log(2) / 2, g.entropyPerWord(), 1e-15);
    assertEquals(1.75, g.meanSpellingLength(), 1e-15);
    assertEquals(Math.log(2) / 3.5, g.entropyPerCharacter(), 1e-15);
    assertEquals(" .abb".chars().distinct().sorted().collect(StringBuilder::new,
        StringBuilder::appendCodePoint, StringBuilder::append).toString(), g.alphabet());
  }

  @Test
  void unequalChoicesBetweenSlots() {
    // after "stop": slot p (1/4) with " x", or slot q (3/4) with " y" and " zz" split 1:2, so the
    // words x, y, zz come with probabilities 1/4, 1/4, 1/2: 1.5 bits = 1.5 ln 2 nats a sentence
    // of 1 + 1/4·2 + 1/4·2 + 1/2·3 = 3.5 characters.
    WordGrammar.Builder b = WordGrammar.builder();
    int p = b.slot("p", List.of(" x"), new double[] {1});
    int q = b.slot("q", List.of(" y", " zz"), new double[] {1, 2});
    int stop = b.slot("stop", List.of("."), new double[] {1});
    b.link(stop, p, 0.25).link(stop, q, 0.75).link(p, stop, 1).link(q, stop, 1);
    WordGrammar g = b.build(stop);
    assertEquals(1.5 * Math.log(2) / 3.5, g.entropyPerCharacter(), 1e-15);
  }

  @Test
  void sameSeedSameTextOtherSeedOtherText() {
    WordGrammar g = coinFlips();
    String text = g.generate(1000, 5);
    assertEquals(text, g.generate(1000, 5));
    assertNotEquals(text, g.generate(1000, 6));
    assertTrue(text.length() >= 1000 && text.length() < 1003, "stops within the word that reaches 1000");
    assertTrue(text.matches("(( a| bb)\\.)*( a| bb)?"), text);
  }

  @Test
  void refusesWhatCouldNotBeReadBack() {
    WordGrammar.Builder letterFirst = WordGrammar.builder();
    var e = assertThrows(IllegalArgumentException.class,
        () -> letterFirst.slot("w", List.of("dog"), new double[] {1}));
    assertTrue(e.getMessage().contains("'dog' must be one non-letter"), e.getMessage());
    WordGrammar.Builder twoWords = WordGrammar.builder();
    assertThrows(IllegalArgumentException.class,
        () -> twoWords.slot("w", List.of(" big dog"), new double[] {1}));

    WordGrammar.Builder b = WordGrammar.builder();
    int x = b.slot("x", List.of(" the", " a"), new double[] {1, 1});
    int y = b.slot("y", List.of(" the"), new double[] {1});
    int stop = b.slot("stop", List.of("."), new double[] {1});
    b.link(stop, x, 0.5).link(stop, y, 0.5).link(x, stop, 1).link(y, stop, 1);
    e = assertThrows(IllegalArgumentException.class, () -> b.build(stop));
    assertEquals("after stop, ' the' could be a word of x or of y: the text could not be read back",
        e.getMessage());
  }

  @Test
  void refusesBadProbabilitiesAndUnreachableSlots() {
    WordGrammar.Builder b = WordGrammar.builder();
    int x = b.slot("x", List.of(" x"), new double[] {1});
    int stop = b.slot("stop", List.of("."), new double[] {1});
    b.link(x, stop, 1).link(stop, x, 0.5);
    var e = assertThrows(IllegalArgumentException.class, () -> b.build(stop));
    assertTrue(e.getMessage().contains("after stop have probabilities summing to 0.5"), e.getMessage());

    WordGrammar.Builder c = WordGrammar.builder();
    int a = c.slot("a", List.of(" a"), new double[] {1});
    int dead = c.slot("dead end", List.of(" d"), new double[] {1});
    c.link(a, a, 0.5).link(a, dead, 0.5).link(dead, dead, 1);
    e = assertThrows(IllegalArgumentException.class, () -> c.build(a));
    assertEquals("the walk cannot get from slot dead end to slot a; every slot must lead to every"
        + " other", e.getMessage());

    assertThrows(IllegalArgumentException.class,
        () -> WordGrammar.builder().slot("w", List.of(" w"), new double[] {0}));
    assertThrows(IllegalArgumentException.class,
        () -> WordGrammar.builder().slot("w", List.of(" w", " v"), new double[] {1}));
    assertThrows(IllegalArgumentException.class, () -> coinFlips().generate(0, 1));
  }
}
