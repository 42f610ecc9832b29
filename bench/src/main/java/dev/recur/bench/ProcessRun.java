package dev.recur.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** A finished process: its exit status and everything it wrote (stdout, with stderr if merged). */
record ProcessRun(int status, String out) {

  /** Starts {@code builder}'s process and waits for it, reading its output as it comes. */
  static ProcessRun of(ProcessBuilder builder) throws IOException, InterruptedException {
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new ProcessRun(process.waitFor(), out);
  }
}
