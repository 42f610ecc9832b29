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
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * up to 1,000 a second, never more than {@link #LEAD} ahead of the committed scores; the first
 * instance, a separate JVM committing every second, is killed (SIGKILL) mid-stream: at least a
 * quarter of the events scored and committed, many not sent yet, and a transaction open whose
 * scores are in the log but not committed (the instance is stopped with SIGSTOP to check that,
 * then killed). The rest of the events are sent after the kill, and a second instance with an
 * empty state folder restores the states from the changelog and scores them. Read with {@code
 * isolation.level=read_committed}, the scores topic then holds exactly one record per good event,
 * each with the bits of its key's stream run directly, and every key's stored state is the
 * snapshot of an uninterrupted run. Then that instance is closed and started again on its state
 * folder, and scores on with nothing to restore.
 */
class EmbeddedKafkaRecoveryTest {

  private static final int EVENTS = 3_600;
  /** The second instance is closed cleanly after this many events and started again. */
  private static final int RESTART_AT = 3_000;
  private static final int KEYS = 24;
  /** The first instance is killed once at least this many scores are committed. */
  private static final int KILL_AFTER = RESTART_AT / 4;
  /**
   * While the first instance runs, events are sent at most this many ahead of its committed
   * scores, so that however slowly it starts on a busy machine, it is killed with most of the
   * events before {@link #RESTART_AT} still to be sent.
   */
  private static final int LEAD = 600;
  /** Refused events among the good ones: each must reach the dead-letter topic once. */
  private static final int[] BAD_AT = {100, 1_500, 2_900, 3_300};
  private static final Duration PATIENCE = Duration.ofSeconds(120);

  @TempDir Path dir;

  /** What the log holds when the first instance is killed. */
  private record Kill(int committed, int written, long sent) {}

  @Test
  // The test kit's close() may throw InterruptedException, which javac warns of in a try.
  @SuppressWarnings("try")
  void aKilledInstanceIsReplacedAndEveryKeyEndsAsIfNothingHappened() throws Exception {
    List<Scenario.Event> events = Scenario.interleaved(EVENTS, KEYS, EmbeddedKafkaApp.INPUTS, 77);
    try (KafkaClusterTestKit cluster = EmbeddedKafkaApp.cluster(2);
        KafkaProducer<String, byte[]> producer = EmbeddedKafkaApp.producer(cluster.bootstrapServers())) {
      String bootstrap = cluster.bootstrapServers();

      // Events [0, RESTART_AT) are sent from a thread of their own, throttled by `allowed` while
      // the first instance runs and not after, so that they keep coming through the kill and
      // the second instance's start.
      AtomicInteger allowed = new AtomicInteger(LEAD);
      FutureTask<Void> sending = new FutureTask<>(() -> {
        send(producer, events, 0, RESTART_AT, allowed);
        return null;
      });
      Process first = launch(bootstrap, dir.resolve("first"), dir.resolve("first.log"));
      Thread.ofPlatform().name("events").daemon().start(sending);
      try {
        Kill kill;
        try {
          kill = killMidTransaction(bootstrap, first, allowed, dir.resolve("first.log"));
        } finally {
          first.destroyForcibly();
          allowed.set(RESTART_AT);
        }
        System.out.printf("killed the first instance with %d of %d events sent, %d scores"
            + " committed and %d more written in its open transaction%n",
            kill.sent(), RESTART_AT, kill.committed(), kill.written() - kill.committed());
        assertTrue(kill.committed() >= KILL_AFTER, "scores committed at the kill");
        assertTrue(kill.sent() < RESTART_AT, "events sent at the kill: " + kill.sent()
            + " of " + RESTART_AT + ", so the rest come after it");
        assertTrue(kill.written() > kill.committed(),
            "scores in the log at the kill beyond the committed ones (an open transaction)");

        long restored = runUntilScored(bootstrap, dir.resolve("second"), events, RESTART_AT,
            () -> sending.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        System.out.printf("the second instance restored %d changelog records%n", restored);
        assertTrue(restored > 0, "the second instance restored states from the changelog");
      } finally {
        sending.cancel(true);
      }

      // Closed cleanly and started again on the same state folder, an instance finds its stores
      // there (with their checkpoints), so it restores nothing and scores on.
      assertEquals(0, runUntilScored(bootstrap, dir.resolve("second"), events, EVENTS,
              () -> send(producer, events, RESTART_AT, EVENTS, new AtomicInteger(EVENTS))),
          "changelog records restored after a clean restart");
    }
  }

  /**
   * Raises {@code allowed} to {@link #LEAD} events past the committed scores until at least
   * {@link #KILL_AFTER} are committed; then stops the instance (SIGSTOP) and kills it (SIGKILL)
   * if scores beyond the committed ones are in the log, else lets it go on and looks again.
   * Returns the scores committed and written and the events sent, counted after the kill.
   */
  private static Kill killMidTransaction(String bootstrap, Process instance, AtomicInteger allowed,
      Path log) throws Exception {
    try (Counter committed = new Counter(bootstrap, EmbeddedKafkaApp.SCORES, "read_committed");
        Counter written = new Counter(bootstrap, EmbeddedKafkaApp.SCORES, "read_uncommitted");
        Counter sent = new Counter(bootstrap, EmbeddedKafkaApp.EVENTS, "read_uncommitted")) {
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (true) {
        int scored = committed.count();
        allowed.set(scored + LEAD);
        if (scored >= KILL_AFTER) {
          signal(instance, "STOP");
          // a commit the broker took before the stop has its markers written in this time
          Thread.sleep(200);
          if (written.count() > committed.count()) {
            instance.destroyForcibly().waitFor();
            return new Kill(committed.count(), written.count(), sent.endOffsets());
          }
          signal(instance, "CONT");
        }
        if (!instance.isAlive() || System.nanoTime() > deadline) {
          throw new AssertionError("waited " + PATIENCE + " for " + KILL_AFTER + " committed"
              + " scores and an open transaction; " + scored + " came; instance log:\n"
              + Files.readString(log));
        }
        Thread.sleep(100);
      }
    }
  }

  /** Sends a signal (STOP, CONT) to a process. */
  private static void signal(Process process, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
        .inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + signal);
  }

  /** Something to run while an instance scores: sending events or waiting for their sending. */
  private interface Feed {
    void run() throws Exception;
  }

  /**
   * Starts an instance on {@code stateDir}, runs {@code feed}, checks what is committed for
   * events [0, to) once it is all there ({@link #checkCommitted}), closes the instance and returns
   * the changelog records it restored.
   */
  private static long runUntilScored(String bootstrap, Path stateDir, List<Scenario.Event> events,
      int to, Feed feed) throws Exception {
    AtomicLong restored = new AtomicLong();
    try (KafkaStreams instance = EmbeddedKafkaApp.instance(bootstrap, stateDir)) {
      instance.setGlobalStateRestoreListener(new CountingRestoreListener(restored));
      instance.start();
      feed.run();
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

  /**
   * Sends events [from, to) at about 1,000 a second, a bad one (5 bytes) at each of BAD_AT, none
   * at or beyond {@code allowed} (waiting till it rises).
   */
  private static void send(KafkaProducer<String, byte[]> producer, List<Scenario.Event> events,
      int from, int to, AtomicInteger allowed) throws InterruptedException {
    for (int i = from; i < to; i++) {
      if (i >= allowed.get()) {
        producer.flush();
        while (i >= allowed.get()) {
          Thread.sleep(10);
        }
      }
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

  /** Counts a topic's records, read from the start at one isolation level. */
  private static final class Counter implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions;
    private int records;

    Counter(String bootstrap, String topic, String isolation) {
      consumer = new KafkaConsumer<>(Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation),
          new StringDeserializer(), new ByteArrayDeserializer());
      partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }

    /**
     * The records up to the end of each partition now: the high watermark read_uncommitted, the
     * last stable offset (before the first open transaction) read_committed.
     */
    int count() {
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("waited " + PATIENCE + " to read up to " + end);
        }
        records += consumer.poll(Duration.ofMillis(100)).count();
      }
      return records;
    }

    /** The sum of the partitions' end offsets: the records of a topic no transaction writes. */
    long endOffsets() {
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public void close() {
      consumer.close();
    }
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
