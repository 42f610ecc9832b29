package dev.recur.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Schedules against their published definitions, at hand-picked points. */
class LearningRateScheduleTest {

  @Test
  void constant() {
    assertEquals(0.1f, LearningRateSchedule.constant(0.1f).rate(12345));
  }

  @Test
  void stepDecayHalvesEveryPeriod() {
    LearningRateSchedule s = LearningRateSchedule.stepDecay(0.8f, 10, 0.5f);
    assertEquals(0.8f, s.rate(0));
    assertEquals(0.8f, s.rate(9));
    assertEquals(0.4f, s.rate(10));
    assertEquals(0.1f, s.rate(35));
  }

  @Test
  void cosineGoesFromInitialToMinimumThroughTheMidpoint() {
    LearningRateSchedule s = LearningRateSchedule.cosine(1f, 0.1f, 100);
    assertEquals(1f, s.rate(0), 1e-7);
    assertEquals(0.55f, s.rate(50), 1e-6); // cos(π/2) = 0: halfway between
    assertEquals(0.1f + 0.9f * (1 + Math.cos(Math.PI / 4)) / 2, s.rate(25), 1e-6);
    assertEquals(0.1f, s.rate(100), 1e-7);
    assertEquals(0.1f, s.rate(1000), "stays at the floor after the schedule ends");
  }

  @Test
  void warmUpRampsLinearlyThenFollowsTheSchedule() {
    LearningRateSchedule s = LearningRateSchedule.constant(0.4f).withWarmUp(4);
    assertEquals(0.1f, s.rate(0));
    assertEquals(0.2f, s.rate(1));
    assertEquals(0.4f, s.rate(3));
    assertEquals(0.4f, s.rate(99));
  }

  @Test
  void badSettingsAreRejected() {
    assertEquals("a learning rate must be finite and ≥ 0; got -1.0",
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(-1f)).getMessage());
    assertEquals("need period ≥ 1 and gamma in (0, 1]; got period 0, gamma 0.5",
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.stepDecay(1f, 0, 0.5f)).getMessage());
    assertEquals("warm-up needs at least 1 step; got 0",
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(1f).withWarmUp(0)).getMessage());
  }
}
