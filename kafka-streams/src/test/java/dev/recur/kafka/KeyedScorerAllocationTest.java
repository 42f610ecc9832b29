package dev.recur.kafka;

import dev.recur.AllocationProbe;
import dev.recur.inference.InferenceModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scoring path, decode, restore, step, snapshot and encode, allocates nothing (see {@link
 * AllocationProbe} for how the JIT's warm-up is waited out).
 */
class KeyedScorerAllocationTest {

  private static final int KEYS = 4;
  private static final int EVENTS_PER_ROUND = 300;

  @Test
  void scoringAnEventAllocatesNothing() {
    InferenceModel model = Scenario.model(8, 64, 4, 2, 9);
    KeyedScorer scorer = new KeyedScorer(model);
    List<Scenario.Event> events = Scenario.interleaved(EVENTS_PER_ROUND, KEYS, 8, 3);
    byte[][] encoded = new byte[EVENTS_PER_ROUND][];
    int[] keyOf = new int[EVENTS_PER_ROUND];
    for (int i = 0; i < EVENTS_PER_ROUND; i++) {
      encoded[i] = FloatEvents.encode(events.get(i).inputs());
      keyOf[i] = events.get(i).key().charAt(1) - '0';
    }
    // Two state arrays per key, read from one and written to the other, as a store hands them over.
    byte[][][] states = new byte[KEYS][2][scorer.stateBytes()];
    byte[] scores = new byte[scorer.scoreBytes()];
    for (int key = 0; key < KEYS; key++) {
      scorer.score(encoded[0], null, states[key][0], scores); // a key's first event: no state yet
    }
    int[] turn = new int[KEYS];
    int[] next = {0};

    AllocationProbe.assertAllocatesNothing(EVENTS_PER_ROUND, () -> {
      int i = next[0]++ % EVENTS_PER_ROUND;
      int key = keyOf[i];
      byte[] state = states[key][turn[key]];
      turn[key] ^= 1;
      scorer.score(encoded[i], state, states[key][turn[key]], scores);
    }, EVENTS_PER_ROUND + " events");
  }
}
