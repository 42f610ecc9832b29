package dev.recur;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The allocation probe itself: it must fail on code that allocates, and say what and where. */
class AllocationProbeTest {

  private static final Duration LIMIT = Duration.ofMillis(300);

  /**
   * What the allocating code makes, and all it makes (no array inside: JFR samples allocations,
   * and a second object could take every sample); a class of its own so the message can name it.
   */
  private static final class Box {
    long first;
    long second;
  }

  /** Keeps each box reachable so escape analysis cannot remove the allocation. */
  private static volatile Box last;

  private static long sum;

  private static void allocate() {
    last = new Box();
  }

  @Test
  void codeThatAllocatesFailsWithTheClassAndTheMethodThatAllocated() {
    AssertionError failure = assertThrows(AssertionError.class,
        () -> AllocationProbe.assertAllocatesNothing(100, LIMIT, AllocationProbeTest::allocate,
            "100 boxes"));
    String message = failure.getMessage();
    assertTrue(message.startsWith("every round of 100 boxes allocated"), message);
    assertTrue(message.contains("AllocationProbeTest$Box in dev.recur.AllocationProbeTest.allocate:"),
        message);
  }

  @Test
  void codeThatAllocatesNothingPasses() {
    assertDoesNotThrow(() -> AllocationProbe.assertAllocatesNothing(100, LIMIT, () -> sum++,
        "100 additions"));
  }
}
