package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HiccupMeterTest {

  @Test
  void recordsOneWakeUpDelayPerSleepUntilStopped() throws Exception {
    HiccupMeter meter = HiccupMeter.start();
    Thread.sleep(50);
    Histogram stalls = meter.stop();
    long count = stalls.getTotalCount();
    assertTrue(count >= 1, "at least one 1 ms sleep ended within 50 ms");
    // each sleep takes at least its 1 ms, so 50 ms (plus the stop) hold at most ~50 of them
    assertTrue(count <= 1_000, "one sample per sleep, not a spin: " + count);
    Thread.sleep(5);
    assertEquals(0, meter.stop().getTotalCount(), "nothing is recorded once stopped");
  }
}
