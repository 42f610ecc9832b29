package dev.recur.inference;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Per-step latency in nanoseconds, recorded into an HdrHistogram {@link Recorder}: wait-free and
 * allocation-free for any number of recording threads, while a reader takes interval histograms
 * (everything since its previous read) without stopping them.
 *
 * <p>Attach it to streams with {@link RnnStream#recordLatencyTo}. Values above one minute are
 * recorded as one minute (the fixed range is what keeps recording allocation-free).
 */
public final class LatencyRecorder {

  /** The largest value tracked: one minute, in nanoseconds. */
  public static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Recorder recorder = new Recorder(1, HIGHEST_NANOS, 3);

  /** An empty recorder: values from 1 ns to {@link #HIGHEST_NANOS}, 3 significant digits. */
  public LatencyRecorder() {}

  /**
   * Records one latency (values below 1 ns count as 1 ns).
   *
   * @param nanos the duration in nanoseconds; clamped to [1, {@link #HIGHEST_NANOS}]
   */
  public void record(long nanos) {
    recorder.recordValue(Math.clamp(nanos, 1, HIGHEST_NANOS));
  }

  /**
   * Everything recorded since the previous call (or since creation), and starts a new interval.
   * Pass the histogram this method returned last time as {@code recycle} to allocate nothing; or
   * null for a fresh one.
   *
   * @param recycle the histogram returned by the previous call, to be reused; or null
   * @return the values recorded in the interval, in nanoseconds
   */
  public Histogram intervalHistogram(Histogram recycle) {
    return recorder.getIntervalHistogram(recycle);
  }

  /** Forgets everything recorded so far. */
  public void reset() {
    recorder.reset();
  }
}
