package dev.recur.io;

import java.lang.management.ManagementFactory;

/** The bytes the calling thread has allocated so far; the difference of two readings is a cost. */
final class ThreadAllocation {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private ThreadAllocation() {}

  static long bytes() {
    return THREADS.getCurrentThreadAllocatedBytes();
  }
}
