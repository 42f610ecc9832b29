package dev.recur.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings that shape a run's arithmetic (activation, optimizer, learning rate, batch,
 * clipping, seed, data…), by name and in a fixed order, as text. A checkpoint holds them, and a
 * resume with any of them changed is refused, naming each difference: a resumed run must be the
 * run that stopped. Settings that may legitimately change on resume (the epoch or iteration total,
 * the thread count, where checkpoints go) are not among them.
 */
record RunSettings(Map<String, String> values) {

  RunSettings {
    values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /**
   * Throws {@link IllegalArgumentException} naming every setting that differs between {@code
   * saved} (read from {@code checkpoint}) and these, with both values.
   */
  void requireSameAs(Path checkpoint, RunSettings saved) {
    List<String> differences = new ArrayList<>();
    for (Map.Entry<String, String> e : saved.values.entrySet()) {
      String now = values.get(e.getKey());
      if (!e.getValue().equals(now)) {
        differences.add(e.getKey() + ": " + e.getValue() + " in the checkpoint, "
            + (now == null ? "not set" : now) + " now");
      }
    }
    for (Map.Entry<String, String> e : values.entrySet()) {
      if (!saved.values.containsKey(e.getKey())) {
        differences.add(e.getKey() + ": not set in the checkpoint, " + e.getValue() + " now");
      }
    }
    if (!differences.isEmpty()) {
      throw new IllegalArgumentException(checkpoint + " was made by a run with other settings; "
          + String.join("; ", differences) + " (resume with the settings of that run)");
    }
  }

  /** Bytes {@link #put} takes. */
  long size() {
    long size = 4;
    for (Map.Entry<String, String> e : values.entrySet()) {
      size += 8 + utf8(e.getKey()).length + utf8(e.getValue()).length;
    }
    return size;
  }

  /** A count, then each name and value as a length-prefixed UTF-8 string. */
  void put(ByteBuffer out) {
    out.putInt(values.size());
    for (Map.Entry<String, String> e : values.entrySet()) {
      putString(out, e.getKey());
      putString(out, e.getValue());
    }
  }

  /** The settings {@link #put} wrote. */
  static RunSettings read(Path path, ByteBuffer in) throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = CheckpointFile.count(path, in, in.getInt(), 8); i > 0; i--) {
      values.put(readString(path, in), readString(path, in));
    }
    return new RunSettings(values);
  }

  private static void putString(ByteBuffer out, String s) {
    byte[] bytes = utf8(s);
    out.putInt(bytes.length).put(bytes);
  }

  private static String readString(Path path, ByteBuffer in) throws IOException {
    byte[] bytes = new byte[CheckpointFile.count(path, in, in.getInt(), 1)];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
