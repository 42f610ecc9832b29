package dev.recur.kafka;

import dev.recur.Parameters;
import dev.recur.RnnConfig;
import dev.recur.inference.InferenceModel;
import dev.recur.inference.RnnStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded models and keyed event streams for the tests, and the answers they are checked
 * against: each key's events run through an {@link RnnStream} of its own, directly, with no
 * Kafka in between.
 */
final class Scenario {

  /** One event of one key, in the order it is sent. */
  record Event(String key, float[] inputs) {}

  private Scenario() {}

  /** A model with I inputs, H hidden units and O outputs over {@code layers} layers. */
  static InferenceModel model(int inputs, int hidden, int outputs, int layers, long seed) {
    return new InferenceModel(Parameters.initialize(
        RnnConfig.builder(inputs, hidden, outputs).layers(layers).seed(seed).build()));
  }

  /**
   * {@code count} events over {@code keys} keys ("k0", "k1", ...), keys drawn at random so that
   * their streams interleave, inputs Gaussian.
   */
  static List<Event> interleaved(int count, int keys, int inputs, long seed) {
    Random random = new Random(seed);
    List<Event> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      float[] x = new float[inputs];
      for (int j = 0; j < inputs; j++) {
        x[j] = (float) random.nextGaussian();
      }
      events.add(new Event("k" + random.nextInt(keys), x));
    }
    return events;
  }

  /** Each event's outputs, as the raw bits of ŷ_t, from a stream per key run directly. */
  static List<int[]> expectedScores(InferenceModel model, List<Event> events) {
    Map<String, RnnStream> streams = new HashMap<>();
    List<int[]> scores = new ArrayList<>(events.size());
    for (Event event : events) {
      RnnStream stream = streams.computeIfAbsent(event.key(), key -> model.newStream());
      scores.add(bits(stream.step(event.inputs())));
    }
    return scores;
  }

  /** Each key's state after all its events, as the snapshot a stream run directly writes. */
  static Map<String, byte[]> expectedStates(InferenceModel model, List<Event> events) {
    Map<String, RnnStream> streams = new HashMap<>();
    for (Event event : events) {
      streams.computeIfAbsent(event.key(), key -> model.newStream()).step(event.inputs());
    }
    Map<String, byte[]> states = new HashMap<>();
    streams.forEach((key, stream) -> states.put(key, stream.snapshot()));
    return states;
  }

  static int[] bits(float[] values) {
    int[] bits = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      bits[i] = Float.floatToRawIntBits(values[i]);
    }
    return bits;
  }
}
