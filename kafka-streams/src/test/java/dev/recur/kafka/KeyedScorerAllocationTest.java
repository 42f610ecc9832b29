package dev.recur.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.ThreadMXBean;
import dev.recur.inference.InferenceModel;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scoring path, decode, restore, step, snapshot and encode, allocates nothing once the JIT
 * has compiled it. Measured on the calling thread with {@code ThreadMXBean}: until C2 compiles
 * the Vector API kernels their vectors are boxed, so rounds repeat until one allocates nothing
 * (code that allocates never gets there) or a minute has passed.
 */
class KeyedScorerAllocationTest {

  private static final int EVENTS_PER_ROUND = 300;
  private static final long GIVE_UP_AFTER_NANOS = 60_000_000_000L;

  @Test
  void scoringAnEventAllocatesNothing() {
    InferenceModel model = Scenario.model(8, 64, 4, 2, 9);
    KeyedScorer scorer = new KeyedScorer(model);
    List<Scenario.Event> events = Scenario.interleaved(EVENTS_PER_ROUND, 4, 8, 3);
    byte[][] encoded = new byte[events.size()][];
    for (int i = 0; i < encoded.length; i++) {
      encoded[i] = FloatEvents.encode(events.get(i).inputs());
    }
    // Two state arrays per key, read from one and written to the other, as a store would hold them.
    byte[][][] states = new byte[4][2][scorer.stateBytes()];
    byte[] scores = new byte[scorer.scoreBytes()];
    int[] turn = new int[4];
    scorer.score(encoded[0], null, states[0][0], scores); // a key's first event: no state yet
    for (int key = 1; key < 4; key++) {
      scorer.score(encoded[0], null, states[key][0], scores);
    }

    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long least = Long.MAX_VALUE;
    long start = System.nanoTime();
    while (least > 0 && System.nanoTime() - start < GIVE_UP_AFTER_NANOS) {
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < encoded.length; i++) {
        int key = events.get(i).key().charAt(1) - '0';
        byte[] state = states[key][turn[key]];
        turn[key] ^= 1;
        scorer.score(encoded[i], state, states[key][turn[key]], scores);
      }
      least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
    }
    assertEquals(0, least, "bytes allocated by " + EVENTS_PER_ROUND + " events, fewest of any round");
  }
}
