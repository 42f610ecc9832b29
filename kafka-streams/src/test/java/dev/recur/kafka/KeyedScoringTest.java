package dev.recur.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.RnnConfig;
import dev.recur.Parameters;
import dev.recur.inference.InferenceModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The processor in Kafka Streams' {@link TopologyTestDriver}: every key's scores and final state
 * are the bits of that key's events run through a stream of its own; refused events go to the
 * dead-letter topic with the reason and change no state.
 */
class KeyedScoringTest {

  private static final int INPUTS = 5;
  private static final int OUTPUTS = 3;
  private static final String STORE = "states";

  @TempDir Path stateDir;

  /**
   * Stores that keep the arrays they are given (the record cache; an in-memory map), so that a
   * processor reusing its arrays across events would corrupt earlier keys' states.
   */
  static Stream<Arguments> storesAndModels() {
    Function<String, KeyValueBytesStoreSupplier> persistent = Stores::persistentKeyValueStore;
    Function<String, KeyValueBytesStoreSupplier> inMemory = Stores::inMemoryKeyValueStore;
    return Stream.of(
        Arguments.of("persistent, 1 layer", persistent, 1),
        Arguments.of("persistent, 2 layers", persistent, 2),
        Arguments.of("in memory, 1 layer", inMemory, 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("storesAndModels")
  void everyKeyGetsTheBitsOfItsOwnStream(
      String name, Function<String, KeyValueBytesStoreSupplier> store, int layers) {
    InferenceModel model = Scenario.model(INPUTS, 24, OUTPUTS, layers, 7);
    List<Scenario.Event> events = Scenario.interleaved(600, 17, INPUTS, 11);

    try (TopologyTestDriver driver = driver(model, store.apply(STORE))) {
      Topics topics = new Topics(driver);
      for (Scenario.Event event : events) {
        topics.events.pipeInput(event.key(), FloatEvents.encode(event.inputs()));
      }

      List<int[]> expected = Scenario.expectedScores(model, events);
      List<TestRecord<String, byte[]>> scores = topics.scores.readRecordsToList();
      assertEquals(events.size(), scores.size(), "one scores record per event");
      for (int i = 0; i < events.size(); i++) {
        assertEquals(events.get(i).key(), scores.get(i).key(), "key of scores record " + i);
        assertArrayEquals(expected.get(i), Scenario.bits(FloatEvents.decode(scores.get(i).value())),
            "scores of event " + i + " (key " + events.get(i).key() + ")");
      }
      assertTrue(topics.deadLetters.isEmpty(), "no event was refused");

      KeyValueStore<String, byte[]> states = driver.getKeyValueStore(STORE);
      Map<String, byte[]> expectedStates = Scenario.expectedStates(model, events);
      assertEquals(17, expectedStates.size());
      expectedStates.forEach((key, state) ->
          assertArrayEquals(state, states.get(key), "stored state of key " + key));
    }
  }

  @Test
  void refusedEventsGoToTheDeadLetterTopicWithTheReasonAndChangeNoState() {
    InferenceModel model = Scenario.model(INPUTS, 16, OUTPUTS, 1, 3);
    List<Scenario.Event> before = Scenario.interleaved(40, 3, INPUTS, 5);
    List<Scenario.Event> after = Scenario.interleaved(40, 3, INPUTS, 6);

    try (TopologyTestDriver driver = driver(model, Stores.persistentKeyValueStore(STORE))) {
      Topics topics = new Topics(driver);
      for (Scenario.Event event : before) {
        topics.events.pipeInput(event.key(), FloatEvents.encode(event.inputs()));
      }
      assertEquals(before.size(), topics.scores.readRecordsToList().size());
      KeyValueStore<String, byte[]> states = driver.getKeyValueStore(STORE);
      byte[] stateOfK0 = states.get("k0");

      float[] good = {1, 2, 3, 4, 5};
      float[] withNaN = {1, 2, Float.NaN, 4, 5};
      float[] withInfinity = {1, 2, 3, 4, Float.NEGATIVE_INFINITY};
      byte[] cut = java.util.Arrays.copyOf(FloatEvents.encode(good), 19);
      RecordHeaders headers = new RecordHeaders();
      headers.add("trace", "abc".getBytes(StandardCharsets.UTF_8));
      List<TestRecord<String, byte[]>> bad = List.of(
          new TestRecord<>("k0", FloatEvents.encode(1, 2, 3, 4), headers, 1_000L),
          new TestRecord<>("k0", FloatEvents.encode(1, 2, 3, 4, 5, 6)),
          new TestRecord<>("k0", cut),
          new TestRecord<>("k0", FloatEvents.encode(withNaN)),
          new TestRecord<>("k0", FloatEvents.encode(withInfinity)),
          new TestRecord<>("k0", (byte[]) null),
          new TestRecord<>("k0", new byte[0]),
          new TestRecord<>(null, FloatEvents.encode(good)));
      List<String> reasons = List.of(
          "4 float32 values (16 bytes); an event is 20 bytes, 5 little-endian float32 inputs",
          "6 float32 values (24 bytes); an event is 20 bytes, 5 little-endian float32 inputs",
          "19 bytes, not a whole number of float32 values; an event is 20 bytes, 5 little-endian"
              + " float32 inputs",
          "input[2] is NaN; inputs must be finite",
          "input[4] is -Infinity; inputs must be finite",
          "no value (a tombstone); an event is 20 bytes, 5 little-endian float32 inputs",
          "0 float32 values (0 bytes); an event is 20 bytes, 5 little-endian float32 inputs",
          "no key; every event needs the key of the stream it belongs to");
      for (TestRecord<String, byte[]> record : bad) {
        topics.events.pipeInput(record);
      }

      assertTrue(topics.scores.isEmpty(), "a refused event has no scores");
      List<TestRecord<String, byte[]>> refused = topics.deadLetters.readRecordsToList();
      assertEquals(bad.size(), refused.size());
      for (int i = 0; i < bad.size(); i++) {
        TestRecord<String, byte[]> sent = bad.get(i);
        TestRecord<String, byte[]> got = refused.get(i);
        assertEquals(sent.key(), got.key(), "dead letter " + i + " keeps its key");
        assertArrayEquals(sent.value(), got.value(), "dead letter " + i + " keeps its value");
        Header reason = got.headers().lastHeader(KeyedScoring.REJECTION_HEADER);
        assertEquals(reasons.get(i), new String(reason.value(), StandardCharsets.UTF_8),
            "reason of dead letter " + i);
      }
      assertEquals(1_000L, refused.get(0).timestamp(), "a dead letter keeps its timestamp");
      assertArrayEquals("abc".getBytes(StandardCharsets.UTF_8),
          refused.get(0).headers().lastHeader("trace").value(), "and its headers");
      assertArrayEquals(stateOfK0, states.get("k0"), "k0's state did not move");
      assertNull(states.get("never-seen"), "no state for a key never scored");

      for (Scenario.Event event : after) {
        topics.events.pipeInput(event.key(), FloatEvents.encode(event.inputs()));
      }
      List<Scenario.Event> goodOnly = new java.util.ArrayList<>(before);
      goodOnly.addAll(after);
      List<int[]> expected = Scenario.expectedScores(model, goodOnly);
      List<TestRecord<String, byte[]>> scores = topics.scores.readRecordsToList();
      for (int i = 0; i < after.size(); i++) {
        assertArrayEquals(expected.get(before.size() + i),
            Scenario.bits(FloatEvents.decode(scores.get(i).value())),
            "scores after the refused events, event " + i + ": as if they never came");
      }
    }
  }

  @Test
  void aStateOfAnotherModelStopsTheTaskSayingSo() {
    InferenceModel model = Scenario.model(INPUTS, 16, OUTPUTS, 1, 3);
    InferenceModel other = Scenario.model(INPUTS, 16, OUTPUTS, 1, 4);
    try (TopologyTestDriver driver = driver(model, Stores.persistentKeyValueStore(STORE))) {
      Topics topics = new Topics(driver);
      KeyValueStore<String, byte[]> states = driver.getKeyValueStore(STORE);
      byte[] foreign = other.newStream().snapshot();
      states.put("k0", foreign);

      StreamsException thrown = assertThrows(StreamsException.class,
          () -> topics.events.pipeInput("k0", FloatEvents.encode(1, 2, 3, 4, 5)));
      String messages = messages(thrown);
      assertTrue(messages.contains("the state stored in states for the key of the event at events-0@0"
          + " is not a state of this model (stream snapshot belongs to another model"), messages);
      assertTrue(messages.contains(String.format("%016x", model.fingerprint())), messages);
      assertArrayEquals(foreign, states.get("k0"), "the stored state is left as it was");
      assertTrue(topics.scores.isEmpty());
    }
  }

  @Test
  void modelsTheProcessorCannotRunAreRefusedWhenTheTopologyIsBuilt() {
    InferenceModel tokens = new InferenceModel(Parameters.initialize(
        RnnConfig.builder(10, 8, 2).embedding(4).seed(1).build()));
    IllegalArgumentException embedded = assertThrows(IllegalArgumentException.class,
        () -> scoring(tokens, Stores.inMemoryKeyValueStore(STORE)).topology());
    assertTrue(embedded.getMessage().contains("reads token indices through an embedding"),
        embedded.getMessage());

    InferenceModel both = new InferenceModel(Parameters.initialize(
        RnnConfig.builder(3, 8, 2).bidirectional(true).seed(1).build()));
    IllegalArgumentException bidirectional = assertThrows(IllegalArgumentException.class,
        () -> scoring(both, Stores.inMemoryKeyValueStore(STORE)).topology());
    assertTrue(bidirectional.getMessage().contains("bidirectional"), bidirectional.getMessage());

    IllegalStateException noTopic = assertThrows(IllegalStateException.class,
        () -> KeyedScoring.of(Scenario.model(3, 8, 2, 1, 1), Serdes.String())
            .events("e").deadLetters("d").topology());
    assertEquals("no scores topic: call scores(topic) first", noTopic.getMessage());
  }

  private static String messages(Throwable thrown) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  private static KeyedScoring<String> scoring(InferenceModel model, KeyValueBytesStoreSupplier store) {
    return KeyedScoring.of(model, Serdes.String())
        .events("events").scores("scores").deadLetters("dead-letters")
        .stateStore(store);
  }

  private TopologyTestDriver driver(InferenceModel model, KeyValueBytesStoreSupplier store) {
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "recur-test");
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return new TopologyTestDriver(scoring(model, store).topology(), config);
  }

  /** The driver's three topics. */
  private static final class Topics {
    final TestInputTopic<String, byte[]> events;
    final TestOutputTopic<String, byte[]> scores;
    final TestOutputTopic<String, byte[]> deadLetters;

    Topics(TopologyTestDriver driver) {
      events = driver.createInputTopic("events", new StringSerializer(), new ByteArraySerializer());
      scores = driver.createOutputTopic("scores", new StringDeserializer(), new ByteArrayDeserializer());
      deadLetters = driver.createOutputTopic(
          "dead-letters", new StringDeserializer(), new ByteArrayDeserializer());
    }
  }
}
