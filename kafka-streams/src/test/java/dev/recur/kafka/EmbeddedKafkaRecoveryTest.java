package dev.recur.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once recovery on a real broker (one KRaft node from Kafka's test kit): events arrive at
 * a steady rate; the first instance, a separate JVM, is killed (SIGKILL) while it scores them; a
 * second instance with an empty state folder restores the states from the changelog and scores
 * the rest. Read with {@code isolation.level=read_committed}, the scores topic then holds exactly
 * one record per good event, each with the bits of its key's stream run directly, and every key's
 * stored state is the snapshot of an uninterrupted run. Then that instance is closed and started
 * again on its state folder, and scores on with nothing to restore.
 */
class EmbeddedKafkaRecoveryTest {

  private static final int EVENTS = 3_600;
  /** The second instance is closed cleanly after this many events and started again. */
  private static final int RESTART_AT = 3_000;
  private static final int KEYS = 24;
  /** The first instance is killed once this many events are in and half of them are scored. */
  private static final int SENT_BEFORE_KILL = 1_200;
  /** Refused events among the good ones: each must reach the dead-letter topic once. */
  private static final int[] BAD_AT = {100, 1_500, 2_900, 3_300};
  private static final Duration PATIENCE = Duration.ofSeconds(120);

  @TempDir Path dir;

  @Test
  // The test kit's close() may throw InterruptedException, which javac warns of in a try.
  @SuppressWarnings("try")
  void aKilledInstanceIsReplacedAndEveryKeyEndsAsIfNothingHappened() throws Exception {
    List<Scenario.Event> events = Scenario.interleaved(EVENTS, KEYS, EmbeddedKafkaApp.INPUTS, 77);
    try (KafkaClusterTestKit cluster = EmbeddedKafkaApp.cluster(2);
        KafkaProducer<String, byte[]> producer = EmbeddedKafkaApp.producer(cluster.bootstrapServers())) {
      String bootstrap = cluster.bootstrapServers();

      Process first = launch(bootstrap, dir.resolve("first"), dir.resolve("first.log"));
      try {
        send(producer, events, 0, SENT_BEFORE_KILL);
        int scoredBeforeKill = awaitCommitted(bootstrap, EmbeddedKafkaApp.SCORES,
            n -> n >= SENT_BEFORE_KILL / 2,
            "the first instance scoring half of the first " + SENT_BEFORE_KILL + " events",
            dir.resolve("first.log")).size();
        first.destroyForcibly().waitFor();
        System.out.printf("killed the first instance with %d of %d events sent, %d of them"
            + " scored and committed%n", SENT_BEFORE_KILL, RESTART_AT, scoredBeforeKill);
      } finally {
        first.destroyForcibly();
      }

      Path stateDir = dir.resolve("second");
      long restored = runUntilScored(bootstrap, producer, stateDir, events, SENT_BEFORE_KILL, RESTART_AT);
      System.out.printf("the second instance restored %d changelog records%n", restored);
      assertTrue(restored > 0, "the second instance restored states from the changelog");

      // Closed cleanly and started again on the same state folder, an instance finds its stores
      // there (with their checkpoints), so it restores nothing and scores on.
      assertEquals(0, runUntilScored(bootstrap, producer, stateDir, events, RESTART_AT, EVENTS),
          "changelog records restored after a clean restart");
    }
  }

  /**
   * Starts an instance on {@code stateDir}, sends events [from, to), checks what is committed for
   * events [0, to) once it is all there ({@link #checkCommitted}), closes the instance and returns
   * the changelog records it restored.
   */
  private static long runUntilScored(String bootstrap, KafkaProducer<String, byte[]> producer,
      Path stateDir, List<Scenario.Event> events, int from, int to) throws Exception {
    AtomicLong restored = new AtomicLong();
    try (KafkaStreams instance = EmbeddedKafkaApp.instance(bootstrap, stateDir)) {
      instance.setGlobalStateRestoreListener(new CountingRestoreListener(restored));
      instance.start();
      send(producer, events, from, to);
      checkCommitted(bootstrap, instance, events.subList(0, to));
    }
    return restored.get();
  }

  /**
   * Waits for the committed scores and dead letters of {@code sent}, then checks there is
   * exactly one per event, the scores' bits, and every key's state in {@code instance}.
   */
  private static void checkCommitted(
      String bootstrap, KafkaStreams instance, List<Scenario.Event> sent) throws IOException {
    int good = goodEvents(sent).size();
    List<ConsumerRecord<String, byte[]>> scores = awaitCommitted(bootstrap,
        EmbeddedKafkaApp.SCORES, n -> n >= good, "all " + good + " scores", null);
    assertEquals(good, scores.size(), "committed scores records, one per good event");
    checkScores(sent, scores);
    int bad = sent.size() - good;
    List<ConsumerRecord<String, byte[]>> refused = awaitCommitted(bootstrap,
        EmbeddedKafkaApp.DEAD_LETTERS, n -> n >= bad, "the dead letters", null);
    assertEquals(bad, refused.size(), "committed dead letters, one per bad event");
    checkStates(instance, sent);
  }

  /** Each key's scores, in order, are its direct stream's outputs, bit for bit. */
  private static void checkScores(
      List<Scenario.Event> events, List<ConsumerRecord<String, byte[]>> scores) {
    List<Scenario.Event> good = goodEvents(events);
    List<int[]> expected = Scenario.expectedScores(EmbeddedKafkaApp.model(), good);
    Map<String, List<int[]>> expectedByKey = new HashMap<>();
    for (int i = 0; i < good.size(); i++) {
      expectedByKey.computeIfAbsent(good.get(i).key(), k -> new ArrayList<>()).add(expected.get(i));
    }
    Map<String, Integer> seen = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : scores) {
      int index = seen.merge(record.key(), 1, Integer::sum) - 1;
      assertArrayEquals(expectedByKey.get(record.key()).get(index),
          Scenario.bits(FloatEvents.decode(record.value())),
          "scores of key " + record.key() + "'s event " + index);
    }
    expectedByKey.forEach((key, list) ->
        assertEquals(list.size(), seen.get(key), "scores records of key " + key));
  }

  /** Every key's stored state is the snapshot its direct stream ends with. */
  private static void checkStates(KafkaStreams streams, List<Scenario.Event> events) {
    ReadOnlyKeyValueStore<String, byte[]> states = streams.store(StoreQueryParameters.fromNameAndType(
        KeyedScoring.DEFAULT_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore()));
    Map<String, byte[]> expected = Scenario.expectedStates(EmbeddedKafkaApp.model(), goodEvents(events));
    assertEquals(KEYS, expected.size());
    expected.forEach((key, state) -> assertArrayEquals(state, states.get(key), "state of key " + key));
  }

  private static List<Scenario.Event> goodEvents(List<Scenario.Event> events) {
    List<Scenario.Event> good = new ArrayList<>(events);
    for (int i = BAD_AT.length - 1; i >= 0; i--) {
      if (BAD_AT[i] < good.size()) {
        good.remove(BAD_AT[i]);
      }
    }
    return good;
  }

  /** Sends events [from, to) at about 1,000 a second, a bad one (5 bytes) at each of BAD_AT. */
  private static void send(KafkaProducer<String, byte[]> producer, List<Scenario.Event> events,
      int from, int to) throws InterruptedException {
    for (int i = from; i < to; i++) {
      Scenario.Event event = events.get(i);
      byte[] value = java.util.Arrays.binarySearch(BAD_AT, i) >= 0
          ? new byte[5] : FloatEvents.encode(event.inputs());
      producer.send(new ProducerRecord<>(EmbeddedKafkaApp.EVENTS, event.key(), value));
      if (i % 20 == 19) {
        producer.flush();
        Thread.sleep(20);
      }
    }
    producer.flush();
  }

  /**
   * Reads {@code topic} from the start with read_committed until {@code enough} holds for the
   * count, then once more for a second to catch any record beyond it; fails after {@link
   * #PATIENCE}, showing {@code log} if given.
   */
  private static List<ConsumerRecord<String, byte[]>> awaitCommitted(String bootstrap,
      String topic, IntPredicate enough, String what, Path log) throws IOException {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (!enough.test(records.size())) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("waited " + PATIENCE + " for " + what + "; " + records.size()
              + " records came" + (log == null ? "" : "; instance log:\n" + Files.readString(log)));
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      consumer.poll(Duration.ofSeconds(1)).forEach(records::add);
      return records;
    }
  }

  /** The first instance: {@link EmbeddedKafkaApp#main} in a JVM of its own, so it can be killed. */
  private static Process launch(String bootstrap, Path stateDir, Path log) throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    return new ProcessBuilder(java, "--add-modules=jdk.incubator.vector",
        "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"),
        EmbeddedKafkaApp.class.getName(), bootstrap, stateDir.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** Counts the records an instance restores into its stores. */
  private record CountingRestoreListener(AtomicLong restored) implements StateRestoreListener {
    @Override
    public void onRestoreStart(TopicPartition partition, String store, long start, long end) {}

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long end, long count) {
      restored.addAndGet(count);
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long total) {}
  }
}
