package dev.recur.bench;

import dev.recur.kernel.KernelSelection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import jdk.incubator.vector.FloatVector;

/** What a benchmark figure was measured on: CPU, cores, vector flags, memory, JDK, species. */
record Machine(String cpu, int cores, String flags, String memory, String jdk, String kernels,
    int lanes) {

  private static final List<String> INTERESTING =
      List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512vl", "avx512_bf16", "amx_tile");

  /** Writes the fields as a properties file, for a report written again later. */
  void save(Path file) throws IOException {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("cpu", cpu);
    p.setProperty("cores", Integer.toString(cores));
    p.setProperty("flags", flags);
    p.setProperty("memory", memory);
    p.setProperty("jdk", jdk);
    p.setProperty("kernels", kernels);
    p.setProperty("lanes", Integer.toString(lanes));
    try (var out = Files.newBufferedWriter(file)) {
      p.store(out, "the machine docs/BENCHMARKS.md was measured on");
    }
  }

  static Machine load(Path file) throws IOException {
    java.util.Properties p = new java.util.Properties();
    try (var in = Files.newBufferedReader(file)) {
      p.load(in);
    }
    return new Machine(p.getProperty("cpu"), Integer.parseInt(p.getProperty("cores")),
        p.getProperty("flags"), p.getProperty("memory"), p.getProperty("jdk"),
        p.getProperty("kernels"), Integer.parseInt(p.getProperty("lanes")));
  }

  static Machine describe() {
    String cpu = "unknown";
    String family = null;
    String model = null;
    Set<String> flags = new TreeSet<>((a, b) -> INTERESTING.indexOf(a) - INTERESTING.indexOf(b));
    String memory = "unknown";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        String value = line.substring(line.indexOf(':') + 1).strip();
        if (line.startsWith("model name") && cpu.equals("unknown")) {
          cpu = value;
        } else if (line.startsWith("cpu family") && family == null) {
          family = value;
        } else if (line.matches("model\\s*:.*") && model == null) {
          model = value;
        } else if (line.startsWith("flags") && flags.isEmpty()) {
          for (String flag : value.split(" ")) {
            if (INTERESTING.contains(flag)) {
              flags.add(flag);
            }
          }
        }
      }
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          memory = String.format("%.0f GiB", kb / 1024.0 / 1024.0);
        }
      }
    } catch (IOException e) {
      // not Linux: leave what could not be read as unknown
    }
    if (family != null && model != null) {
      // a VM may hide the model name ("AMD EPYC"); family and model still tell the generation
      // (AMD family 25: Zen 3/4, 26: Zen 5; Intel family 6 model 143: Sapphire Rapids)
      cpu += " (family " + family + ", model " + model + ")";
    }
    String jdk = System.getProperty("java.vm.name") + " " + Runtime.version() + " ("
        + System.getProperty("java.vendor") + ")";
    return new Machine(cpu, Runtime.getRuntime().availableProcessors(), String.join(" ", flags),
        memory, jdk, KernelSelection.kernels().description(), FloatVector.SPECIES_PREFERRED.length());
  }

  /**
   * The level-2 cache of a core in bytes, as {@code getconf LEVEL2_CACHE_SIZE} reports it (glibc
   * reads it from the processor), or 0 when unknown.
   */
  static long level2CacheBytes() {
    try {
      Process process = new ProcessBuilder("getconf", "LEVEL2_CACHE_SIZE").redirectErrorStream(true).start();
      String text = new String(process.getInputStream().readAllBytes()).strip();
      return process.waitFor() == 0 && text.matches("\\d+") ? Long.parseLong(text) : 0;
    } catch (java.io.IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }
}
