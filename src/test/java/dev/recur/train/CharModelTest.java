package dev.recur.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.ElmanRnn;
import dev.recur.OutputFunction;
import dev.recur.RnnConfig;
import dev.recur.data.CharCorpus;
import dev.recur.inference.InferenceModel;
import dev.recur.optim.Adagrad;
import dev.recur.optim.LearningRateSchedule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The short version of the min-char-rnn result: H = 64, chunks of 25 characters, Adagrad at 0.1,
 * clipping at ±5, on a small repetitive text. The loss per character must fall from ln(V) (a
 * uniform guess) to near zero, and a cold sample must continue the text as written. A wrong
 * gradient, a broken optimizer or a state not carried across chunks would not get there.
 */
class CharModelTest {

  private static final String SENTENCE = "the quick brown fox jumps over the lazy dog. ";

  @Test
  void learnsARepeatedSentenceAndContinuesIt() {
    CharCorpus corpus = CharCorpus.of(SENTENCE.repeat(40));
    int vocabulary = corpus.vocabularySize();
    RnnConfig config = RnnConfig.builder(vocabulary, 64, vocabulary)
        .output(OutputFunction.SOFTMAX).seed(1).build();
    ElmanRnn model = ElmanRnn.initialize(config);
    List<StreamTrainer.Iteration> log = new ArrayList<>();
    StreamTrainer trainer = new StreamTrainer(model, new Adagrad(config, 1e-8f, 0f),
        LearningRateSchedule.constant(0.1f), corpus.tokens(), 1, 25, 25, 5f);
    trainer.train(250, log::add);
    trainer.train(350, log::add); // a second call continues the first
    for (int i = 0; i < log.size(); i++) {
      assertEquals(i + 1, log.get(i).iteration());
    }

    double first = log.get(0).loss();
    double last = log.subList(log.size() - 20, log.size()).stream()
        .mapToDouble(StreamTrainer.Iteration::loss).average().orElseThrow();
    assertEquals(Math.log(vocabulary), first, 0.3, "starts near a uniform guess");
    assertTrue(last < 0.15, "loss per character after 600 chunks: " + last);

    int[] prime = encode(corpus, "the quick ");
    int[] sampled = new Sampler(new InferenceModel(model.weights()), 5).sample(prime, 35, 0.05);
    assertEquals("brown fox jumps over the lazy dog. ", decode(corpus, sampled));
  }

  @Test
  void samplingIsSeededAndTemperatureMustBePositive() {
    CharCorpus corpus = CharCorpus.of("abcabc");
    RnnConfig config = RnnConfig.builder(3, 8, 3).output(OutputFunction.SOFTMAX).build();
    InferenceModel model = new InferenceModel(ElmanRnn.initialize(config).weights());
    assertArrayEquals(new Sampler(model, 3).sample(new int[] {0}, 50, 1.0),
        new Sampler(model, 3).sample(new int[] {0}, 50, 1.0));
    assertEquals("need a prime of at least one token, length ≥ 0 and a finite temperature > 0;"
            + " got 1 tokens, length 5, temperature 0.0",
        assertThrows(IllegalArgumentException.class,
            () -> new Sampler(model, 1).sample(new int[] {0}, 5, 0)).getMessage());
    assertEquals(3, corpus.vocabularySize());
  }

  private static int[] encode(CharCorpus corpus, String text) {
    return text.codePoints().map(corpus::encode).toArray();
  }

  private static String decode(CharCorpus corpus, int[] tokens) {
    StringBuilder out = new StringBuilder();
    for (int t : tokens) {
      out.appendCodePoint(corpus.decode(t));
    }
    return out.toString();
  }
}
