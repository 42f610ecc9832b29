package dev.recur.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.AllocationProbe;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

  private final InferenceModel model =
      new InferenceModel(Parameters.initialize(RnnConfig.builder(8, 32, 4).build()));

  @Test
  void everyStepIsCountedInTheIntervalItHappenedIn() {
    LatencyRecorder recorder = new LatencyRecorder();
    RnnStream a = model.newStream();
    RnnStream b = model.newStream();
    a.recordLatencyTo(recorder);
    b.recordLatencyTo(recorder);
    for (int i = 0; i < 70; i++) {
      a.step(new float[8]);
      b.step(i % 8);
    }
    Histogram first = recorder.intervalHistogram(null);
    assertEquals(140, first.getTotalCount());
    assertTrue(first.getMinValue() >= 1 && first.getMaxValue() < LatencyRecorder.HIGHEST_NANOS);

    a.step(new float[8]);
    b.recordLatencyTo(null);
    b.step(1);
    Histogram second = recorder.intervalHistogram(first);
    assertEquals(1, second.getTotalCount(), "only the step since the last read, and not b's");
  }

  @Test
  void outOfRangeValuesAreClampedNotLost() {
    LatencyRecorder recorder = new LatencyRecorder();
    recorder.record(-5);
    recorder.record(LatencyRecorder.HIGHEST_NANOS * 10);
    Histogram h = recorder.intervalHistogram(null);
    assertEquals(2, h.getTotalCount());
    assertTrue(h.getMaxValue() >= LatencyRecorder.HIGHEST_NANOS * 0.99);
  }

  @Test
  void recordingAllocatesNothing() {
    LatencyRecorder recorder = new LatencyRecorder();
    RnnStream stream = model.newStream();
    stream.recordLatencyTo(recorder);
    float[] x = new float[8];
    AllocationProbe.assertAllocatesNothing(500, () -> stream.step(x), "500 recorded steps");
  }

  @Test
  void warmUpChangesNoResult() {
    float[] x = {0.5f, -1f, 2f, 0f, 0.25f, 3f, -0.5f, 1f};
    float[] cold = model.newStream().step(x).clone();
    InferenceModel.WarmUp report = model.warmUp(3000);
    assertEquals(3000, report.steps());
    assertTrue(!report.took().isNegative());
    assertArrayEquals(cold, model.newStream().step(x), "same bits before and after the JIT");
  }
}
