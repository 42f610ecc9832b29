package dev.recur;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Measures the bytes a piece of code allocates on the calling thread, with {@code
 * ThreadMXBean.getThreadAllocatedBytes}. Vector API code allocates its vector boxes until C2 has
 * compiled it, which takes ~10⁵ calls of a kernel and longer still when the compile queue is busy
 * (as late in a full test run on 2 cores), so the probe repeats rounds until one allocates nothing
 * or the time limit passes, and returns the fewest bytes any round allocated. Code that truly
 * allocates never reaches zero.
 *
 * <p>{@link #assertAllocatesNothing} says, when it fails, what was allocated and where: a failure
 * that depends on the JIT's decisions in one run cannot be rerun at will, so the message has to
 * carry its own evidence.
 */
public final class AllocationProbe {

  private static final Duration LIMIT = Duration.ofSeconds(60);

  /** How long a failed probe records allocations for its message. */
  private static final Duration EVIDENCE = Duration.ofSeconds(2);

  /** Allocation sites a failure message lists, the heaviest first. */
  private static final int SITES_SHOWN = 6;

  private AllocationProbe() {}

  /** The fewest bytes any round of {@code callsPerRound} back-to-back calls of {@code code} allocated. */
  public static long fewestBytes(int callsPerRound, Runnable code) {
    return fewestBytes(callsPerRound, LIMIT, code);
  }

  /** As {@link #fewestBytes(int, Runnable)}, giving up after {@code limit}. */
  public static long fewestBytes(int callsPerRound, Duration limit, Runnable code) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long deadline = System.nanoTime() + limit.toNanos();
    long fewest = Long.MAX_VALUE;
    while (fewest > 0 && System.nanoTime() < deadline) {
      long before = threads.getCurrentThreadAllocatedBytes();
      runRound(callsPerRound, code);
      fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
    }
    return fewest;
  }

  /**
   * Fails unless some round of {@code callsPerRound} calls of {@code code} allocates nothing
   * within the time limit. The failure gives the fewest bytes of a round and the heaviest
   * allocation sites JFR sampled while the code ran on for a while longer: the class, how the
   * allocating frame and the first frame of recur's own were running (interpreted, compiled,
   * inlined), and their lines.
   *
   * @param what the calls, as the message should name them (e.g. "500 BF16 steps")
   */
  public static void assertAllocatesNothing(int callsPerRound, Runnable code, String what) {
    assertAllocatesNothing(callsPerRound, LIMIT, code, what);
  }

  /** As {@link #assertAllocatesNothing(int, Runnable, String)}, giving up after {@code limit}. */
  static void assertAllocatesNothing(int callsPerRound, Duration limit, Runnable code, String what) {
    long fewest = fewestBytes(callsPerRound, limit, code);
    if (fewest > 0) {
      throw new AssertionError("every round of " + what + " allocated; the fewest bytes in a round: "
          + fewest + " (expected 0). Sampled while it ran on:\n" + sampledSites(callsPerRound, code));
    }
  }

  private static void runRound(int calls, Runnable code) {
    for (int i = 0; i < calls; i++) {
      code.run();
    }
  }

  /**
   * Runs {@code code} for {@link #EVIDENCE} under a JFR recording; the bytes the thread allocated
   * meanwhile and its heaviest sampled sites, a line each. Never throws: evidence that cannot be
   * had is said so in the text, and the verdict stands.
   */
  private static String sampledSites(int callsPerRound, Runnable code) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Path file = null;
    try (Recording recording = new Recording()) {
      recording.enable("jdk.ObjectAllocationSample").with("throttle", "off").withStackTrace();
      recording.start();
      long before = threads.getCurrentThreadAllocatedBytes();
      long deadline = System.nanoTime() + EVIDENCE.toNanos();
      while (System.nanoTime() < deadline) {
        runRound(callsPerRound, code);
      }
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      recording.stop();
      file = Files.createTempFile("allocation-probe", ".jfr");
      recording.dump(file);
      return "  " + allocated + " bytes in " + EVIDENCE.toSeconds() + " s; JFR samples a thread's"
          + " allocations when it takes a new buffer, so a few bytes a round may leave none:\n"
          + heaviestSites(file, Thread.currentThread().threadId());
    } catch (Exception | LinkageError e) { // JFR off or missing, a full disk, a torn file
      return "  (no evidence: " + e + ")";
    } finally {
      deleteQuietly(file);
    }
  }

  /** The sampled bytes of {@code thread}'s events in {@code file} by site, heaviest first. */
  private static String heaviestSites(Path file, long thread) throws IOException {
    Map<String, Long> bytesBySite = new HashMap<>();
    long total = 0;
    int samples = 0;
    try (RecordingFile events = new RecordingFile(file)) { // one event at a time: bounded memory
      while (events.hasMoreEvents()) {
        RecordedEvent event = events.readEvent();
        if (event.getThread() == null || event.getThread().getJavaThreadId() != thread) {
          continue;
        }
        long weight = event.getLong("weight");
        bytesBySite.merge(site(event), weight, Long::sum);
        total += weight;
        samples++;
      }
    }
    if (samples == 0) {
      return "  (no allocation samples on this thread)";
    }
    List<Map.Entry<String, Long>> sites = new ArrayList<>(bytesBySite.entrySet());
    sites.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    StringBuilder lines = new StringBuilder();
    lines.append("  ").append(samples).append(" samples, by share of their weight:\n");
    for (Map.Entry<String, Long> site : sites.subList(0, Math.min(SITES_SHOWN, sites.size()))) {
      lines.append(String.format("  %3d%%  %s%n", Math.round(100.0 * site.getValue() / total),
          site.getKey()));
    }
    return lines.toString();
  }

  /** "class, allocated in frame ← first recur frame" for one sample. */
  private static String site(RecordedEvent event) {
    String allocated = event.getClass("objectClass").getName();
    if (event.getStackTrace() == null || event.getStackTrace().getFrames().isEmpty()) {
      return allocated + " (no stack trace)";
    }
    List<RecordedFrame> frames = event.getStackTrace().getFrames();
    String site = allocated + " in " + describe(frames.get(0));
    for (RecordedFrame frame : frames) {
      if (frame.getMethod().getType().getName().startsWith("dev.recur.")) {
        return frame == frames.get(0) ? site : site + " ← " + describe(frame);
      }
    }
    return site;
  }

  private static String describe(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName() + ":"
        + frame.getLineNumber() + " [" + frame.getType() + "]";
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a temporary file left behind does not change the verdict
      }
    }
  }
}
