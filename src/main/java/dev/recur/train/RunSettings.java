package dev.recur.train;

import dev.recur.Bias;
import dev.recur.RnnConfig;
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
   * Adds the model's structure (layers, bidirectional, embedding, head, head bias, dropout) to
   * {@code values}, under names a checkpoint made before stacked models lacks (see {@link
   * #requireSameAs}).
   */
  static void putStructure(Map<String, String> values, RnnConfig config) {
    values.put("layers", Integer.toString(config.layers()));
    values.put("bidirectional", Boolean.toString(config.bidirectional()));
    values.put("embedding", Integer.toString(config.embeddingSize()));
    values.put("head", Boolean.toString(config.head()));
    values.put("head bias", Boolean.toString(config.headBias()));
    values.put("dropout", Float.toString(config.dropout()));
  }

  /**
   * These settings with the structure a checkpoint made before {@link #putStructure} existed
   * had, where they lack it: one layer, one direction, no embedding, a head whose bias follows
   * the layers' {@code bias}.
   */
  private RunSettings withStructureOfOlderRuns() {
    if (values.containsKey("layers")) {
      return this;
    }
    Map<String, String> filled = new LinkedHashMap<>(values);
    filled.putIfAbsent("layers", "1");
    filled.putIfAbsent("bidirectional", "false");
    filled.putIfAbsent("embedding", "0");
    filled.putIfAbsent("head", "true");
    filled.putIfAbsent("head bias", Boolean.toString(!Bias.NONE.name().equals(values.get("bias"))));
    filled.putIfAbsent("dropout", Float.toString(0f));
    return new RunSettings(filled);
  }

  /**
   * Throws {@link IllegalArgumentException} naming every setting that differs between {@code
   * saved} (read from {@code checkpoint}) and these, with both values. A checkpoint of a run
   * from before stacked models is read as the one-layer model it was.
   */
  void requireSameAs(Path checkpoint, RunSettings older) {
    RunSettings saved = older.withStructureOfOlderRuns();
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
