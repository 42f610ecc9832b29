package dev.recur.data;

import dev.recur.SplitMix64;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A stochastic finite-state grammar over words whose entropy per character is known exactly: a
 * text source for language models with a best possible loss to compare against.
 *
 * <p>The grammar has slots (a subject's noun, a verb that takes an object, the end of a
 * sentence, …). Each slot holds words, each with a probability and a spelling, and names the
 * slots that may follow it, each with a probability. A text is a walk: from the current slot s
 * the next slot s' is drawn with probability T(s, s'), then a word w of s' with probability
 * E_{s'}(w), and the word's spelling is appended. The words are the states (s, w) of a Markov
 * chain whose transitions depend on the slot only: P((s', w') | (s, w)) = T(s, s') E_{s'}(w').
 *
 * <p>Entropy per word. With π the stationary distribution of the slot chain T (the walk's long-run
 * share of words in each slot), the entropy rate of the word chain is
 * h = Σ_s π_s [H(T(s, ·)) + Σ_{s'} T(s, s') H(E_{s'})] nats per word (a Markov chain's rate
 * Σ_i π_i H(P_i), where the choice of the pair (s', w') splits into the slot's choice and the
 * word's).
 *
 * <p>Entropy per character. If the words can be read back from the characters, H(characters of
 * the first N words) = H(first N words), and N words spell N·ℓ characters in the long run, where
 * ℓ = Σ_s π_s Σ_w E_s(w)·|spelling| is the mean spelling length; so the rate is h / ℓ nats per
 * character, the loss of a predictor that knows the grammar. The builder refuses a grammar that
 * cannot be read back, by two conditions that together suffice: (a) every spelling starts with a
 * character that is not a letter (a space, a full stop) and has only letters after it, so the
 * characters split into spellings in one way only, at the non-letters; (b) the words of all the
 * slots that may follow one slot have distinct spellings, so once the previous word is known the
 * next spelling names its slot and word. By induction from the start slot every word is then
 * known.
 */
public final class WordGrammar {

  private final String[] names;
  private final String[][] spellings;
  private final double[][] wordProbabilities;
  private final double[][] nextProbabilities; // T(s, ·), dense
  private final int start;
  private final double[][] wordCumulative;
  private final int[][] nextSlots;
  private final double[][] nextCumulative;
  private final double entropyPerWord;
  private final double meanSpellingLength;

  private WordGrammar(Builder b, int start) {
    int n = b.names.size();
    this.names = b.names.toArray(String[]::new);
    this.spellings = b.spellings.toArray(String[][]::new);
    this.wordProbabilities = new double[n][];
    this.wordCumulative = new double[n][];
    this.nextProbabilities = new double[n][n];
    this.nextSlots = new int[n][];
    this.nextCumulative = new double[n][];
    this.start = start;
    for (int s = 0; s < n; s++) {
      wordProbabilities[s] = normalised(b.weights.get(s));
      wordCumulative[s] = cumulative(wordProbabilities[s]);
      Map<Integer, Double> links = b.links.get(s);
      nextSlots[s] = links.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
      double[] p = new double[nextSlots[s].length];
      for (int i = 0; i < p.length; i++) {
        p[i] = links.get(nextSlots[s][i]);
        nextProbabilities[s][nextSlots[s][i]] = p[i];
      }
      nextCumulative[s] = cumulative(p);
    }
    double[] pi = stationary(nextProbabilities, names);
    double perWord = 0;
    double length = 0;
    for (int s = 0; s < n; s++) {
      double choice = entropy(nextProbabilities[s]);
      for (int next : nextSlots[s]) {
        choice += nextProbabilities[s][next] * entropy(wordProbabilities[next]);
      }
      perWord += pi[s] * choice;
      for (int w = 0; w < spellings[s].length; w++) {
        length += pi[s] * wordProbabilities[s][w] * spellings[s][w].length();
      }
    }
    this.entropyPerWord = perWord;
    this.meanSpellingLength = length;
  }

  /**
   * A grammar to be described slot by slot.
   *
   * @return an empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The entropy rate h in nats per word.
   *
   * @return h, ≥ 0, in nats per word
   */
  public double entropyPerWord() {
    return entropyPerWord;
  }

  /**
   * ℓ, the mean number of characters a word spells, in the long run.
   *
   * @return ℓ, in characters per word (≥ 1, as every spelling has at least one character)
   */
  public double meanSpellingLength() {
    return meanSpellingLength;
  }

  /**
   * h / ℓ: the entropy rate in nats per character, the best loss a character model can reach.
   *
   * @return h / ℓ, in nats per character
   */
  public double entropyPerCharacter() {
    return entropyPerWord / meanSpellingLength;
  }

  /**
   * The number of slots; slots are numbered from 0 in the order the builder made them.
   *
   * @return the slot count, ≥ 1
   */
  public int slotCount() {
    return names.length;
  }

  /**
   * The slot a text starts after (its words are never written: the first word follows it).
   *
   * @return the start slot's number, in [0, {@link #slotCount()})
   */
  public int startSlot() {
    return start;
  }

  /**
   * The name of slot {@code s}.
   *
   * @param s the slot's number, in [0, {@link #slotCount()})
   * @return the name given to the builder
   * @throws ArrayIndexOutOfBoundsException if {@code s} is not a slot
   */
  public String slotName(int s) {
    return names[s];
  }

  /**
   * The spellings of slot {@code s}'s words (a copy).
   *
   * @param s the slot's number, in [0, {@link #slotCount()})
   * @return a new array of the slot's spellings, in the order given to the builder
   * @throws ArrayIndexOutOfBoundsException if {@code s} is not a slot
   */
  public String[] spellings(int s) {
    return spellings[s].clone();
  }

  /**
   * E_s: the probabilities of slot {@code s}'s words, in the order of {@link #spellings} (a copy).
   *
   * @param s the slot's number, in [0, {@link #slotCount()})
   * @return a new array of probabilities summing to 1, one per word
   * @throws ArrayIndexOutOfBoundsException if {@code s} is not a slot
   */
  public double[] wordProbabilities(int s) {
    return wordProbabilities[s].clone();
  }

  /**
   * T(s, ·): the probability of each slot to follow slot {@code s}, indexed by slot (a copy).
   *
   * @param s the slot's number, in [0, {@link #slotCount()})
   * @return a new array of {@link #slotCount()} probabilities summing to 1 (0 for slots that
   *     cannot follow)
   * @throws ArrayIndexOutOfBoundsException if {@code s} is not a slot
   */
  public double[] nextSlotProbabilities(int s) {
    return nextProbabilities[s].clone();
  }

  /**
   * Every character any spelling uses, each once, sorted.
   *
   * @return the distinct code points in ascending order, as a string
   */
  public String alphabet() {
    int[] characters = Arrays.stream(spellings).flatMap(Arrays::stream)
        .flatMapToInt(String::codePoints).distinct().sorted().toArray();
    return new String(characters, 0, characters.length);
  }

  /**
   * A text of at least {@code characters} characters: the words of a walk from the start slot,
   * drawn from {@code seed} (the same seed gives the same text), up to the first word that reaches
   * the length.
   *
   * @param characters the least length of the text, ≥ 1
   * @param seed seeds the walk
   * @return the text, at most one word's spelling longer than {@code characters}
   * @throws IllegalArgumentException if {@code characters} &lt; 1
   */
  public String generate(int characters, long seed) {
    if (characters < 1) {
      throw new IllegalArgumentException("a text needs at least 1 character; asked for " + characters);
    }
    SplitMix64 random = new SplitMix64(seed);
    StringBuilder text = new StringBuilder(characters + 64);
    int slot = start;
    while (text.length() < characters) {
      slot = nextSlots[slot][draw(nextCumulative[slot], random)];
      text.append(spellings[slot][draw(wordCumulative[slot], random)]);
    }
    return text.toString();
  }

  /** The index i with cumulative[i−1] ≤ u < cumulative[i] for u uniform in [0, 1). */
  private static int draw(double[] cumulative, SplitMix64 random) {
    double u = (random.nextLong() >>> 11) * 0x1.0p-53;
    int i = Arrays.binarySearch(cumulative, u);
    int index = i >= 0 ? i + 1 : -i - 1; // the first entry above u
    return Math.min(index, cumulative.length - 1); // u past a total rounded below 1
  }

  private static double[] normalised(double[] weights) {
    double total = Arrays.stream(weights).sum();
    return Arrays.stream(weights).map(w -> w / total).toArray();
  }

  private static double[] cumulative(double[] p) {
    double[] c = new double[p.length];
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      sum += p[i];
      c[i] = sum;
    }
    return c;
  }

  /** −Σ p ln p in nats (0 ln 0 = 0). */
  private static double entropy(double[] p) {
    double h = 0;
    for (double q : p) {
      if (q > 0) {
        h -= q * Math.log(q);
      }
    }
    return h;
  }

  /**
   * The stationary distribution π = πT of an irreducible chain, solved exactly: the equations
   * πᵀ(T − I) = 0 with one of them replaced by Σπ = 1, by Gaussian elimination with partial
   * pivoting. (An irreducible chain has exactly one, periodic or not.)
   */
  private static double[] stationary(double[][] t, String[] names) {
    int n = t.length;
    double[][] a = new double[n][n + 1]; // row i: Σ_j π_j (T[j][i] − δ_ij) = 0, augmented
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        a[i][j] = t[j][i] - (i == j ? 1 : 0);
      }
    }
    Arrays.fill(a[n - 1], 1.0); // Σ π_j = 1 (with the right-hand side 1 in column n)
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      double[] swap = a[col];
      a[col] = a[pivot];
      a[pivot] = swap;
      for (int r = 0; r < n; r++) {
        if (r != col) {
          double f = a[r][col] / a[col][col];
          for (int c = col; c <= n; c++) {
            a[r][c] -= f * a[col][c];
          }
        }
      }
    }
    double[] pi = new double[n];
    for (int i = 0; i < n; i++) {
      pi[i] = a[i][n] / a[i][i];
      if (!(pi[i] > 0)) {
        throw new IllegalStateException("slot " + names[i] + " has stationary probability " + pi[i]);
      }
    }
    return pi;
  }

  /** Describes a grammar slot by slot; {@link #build} checks it. */
  public static final class Builder {

    private final List<String> names = new ArrayList<>();
    private final List<String[]> spellings = new ArrayList<>();
    private final List<double[]> weights = new ArrayList<>();
    private final List<Map<Integer, Double>> links = new ArrayList<>();
    private final Map<String, Integer> byName = new HashMap<>();

    private Builder() {}

    /**
     * A new slot named {@code name} (unique) with words spelled {@code spellings}, drawn in
     * proportion to {@code weights} (positive, one per word). Returns the slot's number.
     *
     * @param name the slot's name, unique within the grammar
     * @param spellings the words' spellings, at least one; each a non-letter followed only by
     *     letters (condition (a))
     * @param weights one positive, finite weight per spelling, normalised into E_s; copied
     * @return the new slot's number, counting from 0
     * @throws IllegalArgumentException if the name is taken, the counts differ or are zero, a
     *     weight is not positive and finite, or a spelling breaks condition (a)
     * @throws NullPointerException if the name is null
     */
    public int slot(String name, List<String> spellings, double[] weights) {
      Objects.requireNonNull(name, "name");
      if (byName.containsKey(name)) {
        throw new IllegalArgumentException("there is already a slot named " + name);
      }
      if (spellings.isEmpty() || spellings.size() != weights.length) {
        throw new IllegalArgumentException("slot " + name + " needs one weight per word and at"
            + " least one word; got " + spellings.size() + " words, " + weights.length + " weights");
      }
      for (int i = 0; i < weights.length; i++) {
        if (!(weights[i] > 0 && Double.isFinite(weights[i]))) {
          throw new IllegalArgumentException("slot " + name + ": the weight of '"
              + spellings.get(i) + "' must be positive and finite; got " + weights[i]);
        }
        requireReadable(name, spellings.get(i));
      }
      byName.put(name, names.size());
      names.add(name);
      this.spellings.add(spellings.toArray(String[]::new));
      this.weights.add(weights.clone());
      links.add(new HashMap<>());
      return names.size() - 1;
    }

    /**
     * Slot {@code to} follows slot {@code from} with probability {@code probability}.
     *
     * @param from the earlier slot's number
     * @param to the following slot's number (may equal {@code from})
     * @param probability T(from, to), in (0, 1]
     * @return this builder
     * @throws IndexOutOfBoundsException if a slot number is not a slot
     * @throws IllegalArgumentException if the probability is outside (0, 1] or the link exists
     */
    public Builder link(int from, int to, double probability) {
      Objects.checkIndex(from, names.size());
      Objects.checkIndex(to, names.size());
      if (!(probability > 0 && probability <= 1)) {
        throw new IllegalArgumentException("the probability of " + names.get(to) + " after "
            + names.get(from) + " must be in (0, 1]; got " + probability);
      }
      if (links.get(from).putIfAbsent(to, probability) != null) {
        throw new IllegalArgumentException(names.get(to) + " already follows " + names.get(from));
      }
      return this;
    }

    /**
     * The grammar, texts starting after slot {@code start}. Refuses a slot whose following slots'
     * probabilities do not sum to 1, a slot the walk cannot reach or leave for every other (the
     * chain must be irreducible), and words that could not be read back from their characters
     * (conditions (a) and (b) of {@link WordGrammar}), naming what is wrong.
     *
     * @param start the number of the slot texts start after
     * @return the grammar, its entropy rates computed
     * @throws IndexOutOfBoundsException if {@code start} is not a slot
     * @throws IllegalArgumentException naming the first slot whose links do not sum to 1, whose
     *     followers share a spelling, or that cannot reach another slot
     */
    public WordGrammar build(int start) {
      Objects.checkIndex(start, names.size());
      for (int s = 0; s < names.size(); s++) {
        double total = links.get(s).values().stream().mapToDouble(Double::doubleValue).sum();
        if (Math.abs(total - 1) > 1e-9) {
          throw new IllegalArgumentException(
              "the slots after " + names.get(s) + " have probabilities summing to " + total + ", not 1");
        }
        requireDistinctFollowers(s);
      }
      requireIrreducible();
      return new WordGrammar(this, start);
    }

    /** Condition (a): a non-letter first, letters after it. */
    private static void requireReadable(String slot, String spelling) {
      boolean ok = !spelling.isEmpty() && !Character.isLetter(spelling.codePointAt(0))
          && spelling.codePoints().skip(1).allMatch(Character::isLetter);
      if (!ok) {
        throw new IllegalArgumentException("slot " + slot + ": the spelling '" + spelling
            + "' must be one non-letter (a space, a punctuation mark) followed only by letters");
      }
    }

    /** Condition (b): the words of the slots that may follow slot {@code s} spell differently. */
    private void requireDistinctFollowers(int s) {
      Map<String, String> owner = new HashMap<>();
      for (int next : links.get(s).keySet()) {
        for (String spelling : spellings.get(next)) {
          String before = owner.putIfAbsent(spelling, names.get(next));
          if (before != null) {
            throw new IllegalArgumentException("after " + names.get(s) + ", '" + spelling
                + "' could be a word of " + before + " or of " + names.get(next)
                + ": the text could not be read back");
          }
        }
      }
    }

    private void requireIrreducible() {
      int n = names.size();
      boolean[][] reach = new boolean[n][n];
      for (int s = 0; s < n; s++) {
        for (int next : links.get(s).keySet()) {
          reach[s][next] = true;
        }
      }
      for (int k = 0; k < n; k++) { // Warshall's transitive closure
        for (int i = 0; i < n; i++) {
          if (reach[i][k]) {
            for (int j = 0; j < n; j++) {
              reach[i][j] |= reach[k][j];
            }
          }
        }
      }
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if (!reach[i][j]) {
            throw new IllegalArgumentException("the walk cannot get from slot " + names.get(i)
                + " to slot " + names.get(j) + "; every slot must lead to every other");
          }
        }
      }
    }
  }
}
