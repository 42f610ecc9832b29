package dev.recur.cli;

import dev.recur.inference.LatencyRecorder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The platform's own stalls, measured beside a latency run: an otherwise idle thread asks to
 * sleep {@link #RESOLUTION_NANOS} again and again and records how much later than asked it woke
 * (the idea of jHiccup). What it sees — the scheduler, a shared VM's stolen time, safepoints —
 * hits any thread, so the part of a step's tail that also shows here is not recur's.
 */
final class HiccupMeter implements AutoCloseable {

  /** How long the meter asks to sleep each time: 1 ms, jHiccup's default. */
  static final long RESOLUTION_NANOS = 1_000_000;

  private final Recorder recorder = new Recorder(1, LatencyRecorder.HIGHEST_NANOS, 3);
  private final Thread thread;
  private volatile boolean running = true;

  private HiccupMeter() {
    thread = Thread.ofPlatform().daemon().name("recur-hiccup-meter").start(this::measure);
  }

  /** Starts measuring now. */
  static HiccupMeter start() {
    return new HiccupMeter();
  }

  private void measure() {
    while (running) {
      long start = System.nanoTime();
      LockSupport.parkNanos(RESOLUTION_NANOS);
      if (!running) {
        break; // woken by stop(): not a sleep that ran its course
      }
      long late = System.nanoTime() - start - RESOLUTION_NANOS;
      recorder.recordValue(Math.clamp(late, 1, LatencyRecorder.HIGHEST_NANOS));
    }
  }

  /** Stops measuring; the wake-up delays (ns) recorded since {@link #start}. */
  Histogram stop() {
    close();
    return recorder.getIntervalHistogram();
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
