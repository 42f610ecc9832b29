package dev.recur.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * English-like sentences from a stochastic grammar written for recur (its words and rules are the
 * project's own): "The old farmers in the garden slept, but a dog watched them quietly." Subjects
 * agree with their verbs in number across any adjectives ("these small dogs run", "every small dog
 * runs", "the small dog runs"), "a" and "an" agree with the next word, clauses join with
 * conjunctions and "that", and sentences end with a full stop or, rarely, an exclamation mark.
 * Within a slot, words are drawn in proportion to 1 / rank (Zipf's law, in the order listed).
 *
 * <p>About 400 distinct words; the entropy per character is {@link WordGrammar#entropyPerCharacter}
 * of {@link #grammar()}.
 */
public final class ToyEnglish {

  private static final String PEOPLE_AND_ANIMALS = """
      dog cat man/men woman/women child/children girl boy farmer bird teacher horse fox friend
      doctor owl king queen baker sailor neighbour mouse/mice rabbit wolf/wolves stranger bear
      student painter goose/geese elephant uncle aunt eagle artist officer
      """;
  private static final String THINGS = """
      letter book apple song story cake boat key coat hat cup lamp bell stone ball box basket
      egg bottle map picture flower candle umbrella
      """;
  private static final String PLACES = """
      house garden river tree road hill village city forest field bridge lake market kitchen
      school island shop station castle harbour valley orchard office mountain
      """;
  private static final String ADJECTIVES = """
      old little small big young happy red tired kind quiet tall green brown white black
      hungry clever sad brave strange lucky gentle angry empty warm cold dark bright lonely
      busy proud eager ugly icy
      """;
  /** base/past; the present third person is made by {@link #thirdPerson}. */
  private static final String INTRANSITIVE = """
      sleep/slept run/ran sing/sang laugh/laughed smile/smiled wait/waited walk/walked
      swim/swam dance/danced cry/cried rest/rested shout/shouted hide/hid fall/fell
      work/worked play/played listen/listened arrive/arrived stay/stayed jump/jumped
      dream/dreamed wander/wandered sit/sat go/went come/came
      """;
  private static final String TRANSITIVE = """
      see/saw find/found like/liked watch/watched help/helped follow/followed carry/carried
      paint/painted call/called visit/visited keep/kept love/loved meet/met hear/heard
      bring/brought draw/drew take/took want/wanted push/pushed catch/caught hold/held
      miss/missed feed/fed wash/washed build/built
      """;
  private static final String THINKING = """
      think/thought know/knew say/said hope/hoped feel/felt believe/believed forget/forgot
      remember/remembered
      """;
  private static final String ADVERBS = """
      again quickly slowly quietly today together outside alone happily early late soon
      """;
  private static final String PREPOSITIONS = """
      in on near under behind with into across through over to from beside around toward
      """;
  private static final String NAMES = """
      Anna Tom Maria Ben Lucy Omar Nina Sam Ella Max Rosa Leo Ivy Hugo Mia Paul
      """;
  private static final String OPENERS = """
      Then Later Today Suddenly Soon Meanwhile Yesterday Sometimes Afterwards
      """;

  private static final WordGrammar GRAMMAR = new ToyEnglish().build();

  private final WordGrammar.Builder b = WordGrammar.builder();

  private ToyEnglish() {}

  /**
   * The grammar (built once).
   *
   * @return the shared, immutable grammar
   */
  public static WordGrammar grammar() {
    return GRAMMAR;
  }

  /** Slots with the probability of entering each: where a phrase may start. */
  private record Entry(Map<Integer, Double> slots) {
    static Entry of(Object... slotThenWeight) {
      Map<Integer, Double> m = new LinkedHashMap<>();
      for (int i = 0; i < slotThenWeight.length; i += 2) {
        m.merge((Integer) slotThenWeight[i], ((Number) slotThenWeight[i + 1]).doubleValue(),
            Double::sum);
      }
      return new Entry(m);
    }

    static Entry mix(Entry a, double wa, Entry b, double wb) {
      Map<Integer, Double> m = new LinkedHashMap<>();
      a.slots.forEach((s, p) -> m.merge(s, p * wa, Double::sum));
      b.slots.forEach((s, p) -> m.merge(s, p * wb, Double::sum));
      return new Entry(m);
    }
  }

  /** The noun slots a noun phrase ends in, by number. */
  private record Ends(List<Integer> singular, int plural) {
    List<Integer> all() {
      List<Integer> all = new ArrayList<>(singular);
      all.add(plural);
      return all;
    }
  }

  private WordGrammar build() {
    int end = b.slot("end of sentence", List.of(".", "!"), new double[] {20, 1});
    int comma = b.slot("comma after a clause", List.of(","), new double[] {1});
    int commaConjunction = words("conjunction after a comma", "but so and yet");
    int conjunction = words("conjunction", "and because while when until although if");
    int that = words("that after a verb of thinking", "that");
    int opener = words("sentence opener", OPENERS);
    int openerComma = b.slot("comma after an opener", List.of(","), new double[] {1});
    int adverb = words("adverb", ADVERBS);
    int preposition = words("preposition", PREPOSITIONS);

    // the end of a clause: the sentence ends, or another clause follows
    Entry clauseEnd = Entry.of(end, 0.62, comma, 0.13, conjunction, 0.25);
    Entry pp = Entry.of(preposition, 1.0);

    // prepositional phrases: "in the old house", "with Anna"
    Ends ppEnds = nounBody("place", nounList(PLACES + THINGS));
    int ppName = words("name after a preposition", NAMES);
    enter(preposition, 1.0, Entry.mix(determiners("place", false), 0.9, Entry.of(ppName, 1.0), 0.1));
    List<Integer> ppLast = new ArrayList<>(ppEnds.all());
    ppLast.add(ppName);
    for (int slot : ppLast) {
      enter(slot, 1.0, Entry.mix(pp, 0.15, clauseEnd, 0.85));
    }
    enter(adverb, 1.0, Entry.mix(pp, 0.3, clauseEnd, 0.7));

    // objects: "the small cat", "Tom", "them"
    Ends objectEnds = nounBody("object", nounList(PEOPLE_AND_ANIMALS + THINGS));
    int objectName = words("name as an object", NAMES);
    int objectPronoun = words("pronoun as an object", "him her it them us me you");
    Entry object = Entry.mix(determiners("object", false), 0.8,
        Entry.of(objectName, 0.5, objectPronoun, 0.5), 0.2);
    Entry afterObject = Entry.mix(Entry.mix(pp, 0.25, Entry.of(adverb, 1.0), 0.2), 1,
        clauseEnd, 0.55);
    List<Integer> objectLast = new ArrayList<>(objectEnds.all());
    objectLast.add(objectName);
    objectLast.add(objectPronoun);
    for (int slot : objectLast) {
      enter(slot, 1.0, afterObject);
    }

    // verbs, each kind in the present (agreeing with the subject) and the past
    Entry afterIntransitive = Entry.mix(Entry.mix(pp, 0.3, Entry.of(adverb, 1.0), 0.3), 1,
        clauseEnd, 0.4);
    Entry[] predicate = new Entry[2]; // [0] after a singular subject, [1] after a plural one
    for (int plural = 0; plural < 2; plural++) {
      predicate[plural] = Entry.of();
    }
    addVerbs("intransitive verb", INTRANSITIVE, 0.4, afterIntransitive, predicate);
    addVerbs("transitive verb", TRANSITIVE, 0.45, object, predicate);
    addVerbs("verb of thinking", THINKING, 0.15, Entry.of(that, 1.0), predicate);

    // subjects: the determiner is capitalised at the start of a sentence
    Ends subjectEnds = nounBody("subject", nounList(PEOPLE_AND_ANIMALS));
    for (int noun : subjectEnds.singular()) {
      enter(noun, 1.0, predicate[0]);
    }
    enter(subjectEnds.plural(), 1.0, predicate[1]);
    int name = words("name as a subject", NAMES);
    enter(name, 1.0, predicate[0]);
    Entry lowerSubject = subject(false, name, predicate);
    Entry upperSubject = subject(true, name, predicate);

    enter(end, 1.0, Entry.mix(upperSubject, 0.85, Entry.of(opener, 1.0), 0.15));
    enter(opener, 1.0, Entry.of(openerComma, 1.0));
    for (int slot : List.of(openerComma, commaConjunction, conjunction, that)) {
      enter(slot, 1.0, lowerSubject);
    }
    enter(comma, 1.0, Entry.of(commaConjunction, 1.0));
    return b.build(end);
  }

  /** A subject's first word: a determiner, a name or a pronoun, capitalised or not. */
  private Entry subject(boolean capitalised, int name, Entry[] predicate) {
    String role = capitalised ? "subject, capitalised" : "subject";
    int singular = words("singular pronoun as a " + role, cap(capitalised, "he she it"));
    int plural = words("plural pronoun as a " + role, cap(capitalised, "they we you I"));
    enter(singular, 1.0, predicate[0]);
    enter(plural, 1.0, predicate[1]);
    return Entry.mix(determiners("subject", capitalised), 0.78,
        Entry.of(name, 0.1, singular, 0.07, plural, 0.05), 1);
  }

  /**
   * The verbs of {@code list}: a slot for each present form and one for the past, entered from a
   * subject's noun with {@code share} of the probability (the past 0.4 of it), each followed by
   * {@code after}.
   */
  private void addVerbs(String kind, String list, double share, Entry after, Entry[] predicate) {
    List<String> base = new ArrayList<>();
    List<String> past = new ArrayList<>();
    for (String verb : words(list)) {
      String[] forms = verb.split("/");
      base.add(forms[0]);
      past.add(forms[1]);
    }
    int singular = words(kind + ", present, singular", base.stream().map(ToyEnglish::thirdPerson)
        .toList(), zipf(base.size()));
    int plural = words(kind + ", present, plural", base, zipf(base.size()));
    int pastSlot = words(kind + ", past", past, zipf(past.size()));
    for (int slot : List.of(singular, plural, pastSlot)) {
      enter(slot, 1.0, after);
    }
    predicate[0] = Entry.mix(predicate[0], 1, Entry.of(singular, share * 0.6, pastSlot, share * 0.4), 1);
    predicate[1] = Entry.mix(predicate[1], 1, Entry.of(plural, share * 0.6, pastSlot, share * 0.4), 1);
  }

  /**
   * The determiners of a noun phrase in {@code role} (slots of their own, so capitalised ones can
   * lead into the same adjectives and nouns), linked to that role's adjective and noun slots.
   */
  private Entry determiners(String role, boolean capitalised) {
    String prefix = role + (capitalised ? ", capitalised" : "");
    int any = words("determiner of either number in a " + prefix,
        cap(capitalised, "the my your his our their"));
    int singular = words("singular determiner in a " + prefix,
        cap(capitalised, "every this that one each"));
    int plural = words("plural determiner in a " + prefix,
        cap(capitalised, "these some two those many three few"));
    int a = words("'a' in a " + prefix, cap(capitalised, "a"));
    int an = words("'an' in a " + prefix, cap(capitalised, "an"));
    Body body = bodies.get(role);
    enter(any, 1.0, Entry.of(body.anyAdjective, 0.35, body.ends.singular().get(0), 0.4,
        body.ends.plural(), 0.25));
    enter(singular, 1.0, Entry.of(body.singularAdjective, 0.3, body.ends.singular().get(0), 0.7));
    enter(plural, 1.0, Entry.of(body.pluralAdjective, 0.35, body.ends.plural(), 0.65));
    enter(a, 1.0, Entry.of(body.consonantAdjective, 0.35, body.ends.singular().get(1), 0.65));
    enter(an, 1.0, Entry.of(body.vowelAdjective, 0.35, body.ends.singular().get(2), 0.65));
    return Entry.of(any, 0.5, singular, 0.12, plural, 0.15, a, 0.17, an, 0.06);
  }

  /** The adjective slots of a role's noun phrase and where it ends. */
  private record Body(int anyAdjective, int singularAdjective, int pluralAdjective,
      int consonantAdjective, int vowelAdjective, Ends ends) {}

  private final Map<String, Body> bodies = new LinkedHashMap<>();

  /**
   * The adjectives and nouns of a noun phrase in {@code role}: adjectives repeat (probability 0.2
   * each) before the noun, and whether the noun may be singular, plural or either is kept in which
   * adjective slot the walk is in. Singular nouns come in three slots (after any determiner, after
   * "a": starting with a consonant, after "an": with a vowel) that end alike.
   */
  private Ends nounBody(String role, List<String[]> nouns) {
    List<String> singulars = nouns.stream().map(n -> n[0]).toList();
    List<String> plurals = nouns.stream().map(n -> n[1]).toList();
    int singular = words(role + " noun, singular", singulars, zipf(singulars.size()));
    int consonant = subset(role + " noun after 'a'", singulars, w -> !startsWithVowel(w));
    int vowel = subset(role + " noun after 'an'", singulars, ToyEnglish::startsWithVowel);
    int plural = words(role + " noun, plural", plurals, zipf(plurals.size()));
    List<String> adjectives = words(ADJECTIVES);
    int anyAdjective = words(role + " adjective, number open", adjectives, zipf(adjectives.size()));
    int singularAdjective = words(role + " adjective, singular", adjectives, zipf(adjectives.size()));
    int pluralAdjective = words(role + " adjective, plural", adjectives, zipf(adjectives.size()));
    int consonantAdjective = subset(role + " adjective after 'a'", adjectives, w -> !startsWithVowel(w));
    int vowelAdjective = subset(role + " adjective after 'an'", adjectives, ToyEnglish::startsWithVowel);
    enter(anyAdjective, 1.0, Entry.of(anyAdjective, 0.2, singular, 0.5, plural, 0.3));
    enter(pluralAdjective, 1.0, Entry.of(pluralAdjective, 0.2, plural, 0.8));
    for (int slot : List.of(singularAdjective, consonantAdjective, vowelAdjective)) {
      enter(slot, 1.0, Entry.of(singularAdjective, 0.2, singular, 0.8));
    }
    Ends ends = new Ends(List.of(singular, consonant, vowel), plural);
    bodies.put(role, new Body(anyAdjective, singularAdjective, pluralAdjective, consonantAdjective,
        vowelAdjective, ends));
    return ends;
  }

  /** A slot of the words of {@code all} that pass {@code keep}, weighted by their rank in all. */
  private int subset(String name, List<String> all, Predicate<String> keep) {
    double[] weights = zipf(all.size());
    List<String> kept = new ArrayList<>();
    List<Double> keptWeights = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (keep.test(all.get(i))) {
        kept.add(all.get(i));
        keptWeights.add(weights[i]);
      }
    }
    return words(name, kept, keptWeights.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private void enter(int from, double probability, Entry entry) {
    entry.slots.forEach((to, p) -> b.link(from, to, probability * p));
  }

  private int words(String name, String list) {
    List<String> words = words(list);
    return words(name, words, zipf(words.size()));
  }

  /** The words of a list written with spaces or line breaks between them. */
  private static List<String> words(String list) {
    return List.of(list.strip().split("\\s+"));
  }

  /** A slot of words each spelled with a space in front. */
  private int words(String name, List<String> words, double[] weights) {
    return b.slot(name, words.stream().map(w -> " " + w).toList(), weights);
  }

  /** Weights 1, 1/2, 1/3, …: Zipf's law over a list in order of frequency. */
  private static double[] zipf(int n) {
    double[] w = new double[n];
    Arrays.setAll(w, i -> 1.0 / (i + 1));
    return w;
  }

  private static String cap(boolean capitalised, String words) {
    if (!capitalised) {
      return words;
    }
    return words(words).stream()
        .map(w -> Character.toUpperCase(w.charAt(0)) + w.substring(1))
        .reduce((x, y) -> x + " " + y).orElseThrow();
  }

  private static boolean startsWithVowel(String word) {
    return "aeiou".indexOf(word.charAt(0)) >= 0;
  }

  /** "singular/plural" pairs as written, or a singular with its regular plural. */
  private static List<String[]> nounList(String list) {
    return words(list).stream()
        .map(n -> n.contains("/") ? n.split("/") : new String[] {n, regularPlural(n)})
        .toList();
  }

  /** -s, -es after a hiss (box, watch), -ies after a consonant and y (city, carry). */
  private static String regularPlural(String word) {
    if (word.matches(".*(s|x|z|ch|sh|o)")) {
      return word + "es";
    }
    if (word.matches(".*[^aeiou]y")) {
      return word.substring(0, word.length() - 1) + "ies";
    }
    return word + "s";
  }

  /** The present tense after he, she or it: spelled like a regular plural (goes, watches, cries). */
  private static String thirdPerson(String verb) {
    return regularPlural(verb);
  }
}
