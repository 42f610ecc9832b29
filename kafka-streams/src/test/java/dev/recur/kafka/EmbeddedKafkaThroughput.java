package dev.recur.kafka;

import dev.recur.inference.InferenceModel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Events per second through the scoring processor on a real broker (one KRaft node in this JVM,
 * Kafka's test kit): {@link EmbeddedKafkaApp}'s application under exactly-once, one stream
 * thread, two partitions, I = O = 64, one layer, events spread over many keys at random, all
 * produced before the application starts. After a warm-up of a quarter as many events, it times
 * the rest by the wall clock and by the CPU time of the stream thread (consuming, processing,
 * the store, handing records to the producer: one core's work; the broker, RocksDB's background
 * threads and the producer's network thread run beside it), reading progress from the committed
 * offsets. For comparison, {@link KeyedScorer} alone (decode, restore, step, snapshot, encode)
 * on the same events. Run from the repository root:
 *
 * <pre>
 * mvn -q -pl kafka-streams -am test-compile exec:exec@throughput \
 *     -Dthroughput.args="128,512 200000 10000"
 * </pre>
 *
 * (hidden sizes, events timed per size, keys).
 */
public final class EmbeddedKafkaThroughput {

  private static final int IO_SIZE = 64;
  private static final int DISTINCT_EVENTS = 1_024;

  private EmbeddedKafkaThroughput() {}

  // The test kit's close() may throw InterruptedException, which javac warns of in a try.
  @SuppressWarnings("try")
  public static void main(String[] args) throws Exception {
    int[] hiddenSizes = Stream.of((args.length > 0 ? args[0] : "128,512").split(","))
        .mapToInt(Integer::parseInt).toArray();
    int timed = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    int keys = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    int warmUp = timed / 4;
    byte[][] events = events(new Random(1));
    int[] keyOf = new Random(2).ints(warmUp + timed, 0, keys).toArray();

    System.out.printf("I = O = %d, %d keys, %d events timed after %d; JDK %s, %d cores%n",
        IO_SIZE, keys, timed, warmUp, Runtime.version(), Runtime.getRuntime().availableProcessors());
    try (KafkaClusterTestKit cluster = EmbeddedKafkaApp.cluster(2);
        Admin admin = Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
      try (KafkaProducer<String, byte[]> producer =
          EmbeddedKafkaApp.producer(cluster.bootstrapServers())) {
        for (int i = 0; i < keyOf.length; i++) {
          producer.send(new ProducerRecord<>(
              EmbeddedKafkaApp.EVENTS, "user-" + keyOf[i], events[i % DISTINCT_EVENTS]));
        }
      }
      System.out.println(
          "H | events/s, wall clock | events per CPU-second of the stream thread | scorer alone, events/s");
      for (int hidden : hiddenSizes) {
        InferenceModel model = Scenario.model(IO_SIZE, hidden, IO_SIZE, 1, hidden);
        model.warmUp();
        String application = "throughput-" + hidden;
        Path stateDir = Files.createTempDirectory(application);
        KafkaStreams streams =
            EmbeddedKafkaApp.instance(cluster.bootstrapServers(), stateDir, model, application);
        streams.start();
        double[] rates = time(admin, application, warmUp, warmUp + timed);
        streams.close();
        System.out.printf("%d | %.0f | %.0f | %.0f%n", hidden, rates[0], rates[1],
            scorerAlone(model, events, keyOf, keys));
        try (Stream<Path> files = Files.walk(stateDir)) {
          files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
      }
    }
  }

  /**
   * Waits for the application's committed offsets to reach {@code from} events, then {@code to};
   * returns the events between per wall-clock second and per CPU-second of its stream threads.
   */
  private static double[] time(Admin admin, String application, long from, long to)
      throws Exception {
    long committed;
    while ((committed = committed(admin, application)) < from) {
      Thread.sleep(20);
    }
    long startWall = System.nanoTime();
    long startCpu = streamThreadCpu(application);
    long startCount = committed;
    while ((committed = committed(admin, application)) < to) {
      Thread.sleep(20);
    }
    double wall = (System.nanoTime() - startWall) / 1e9;
    double cpu = (streamThreadCpu(application) - startCpu) / 1e9;
    return new double[] {(committed - startCount) / wall, (committed - startCount) / cpu};
  }

  /** Events the application has committed, over the partitions of the events topic. */
  private static long committed(Admin admin, String application) throws Exception {
    Map<?, OffsetAndMetadata> offsets =
        admin.listConsumerGroupOffsets(application).partitionsToOffsetAndMetadata().get();
    return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
  }

  /** CPU nanoseconds used so far by the stream threads of {@code application}. */
  private static long streamThreadCpu(String application) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(application) && t.getName().contains("StreamThread"))
        .mapToLong(t -> threads.getThreadCpuTime(t.threadId()))
        .sum();
  }

  /** Events per second through the scorer alone, each key's state in an array of its own. */
  private static double scorerAlone(InferenceModel model, byte[][] events, int[] keyOf, int keys) {
    KeyedScorer scorer = new KeyedScorer(model);
    byte[][] states = new byte[keys][];
    byte[] scores = new byte[scorer.scoreBytes()];
    long start = 0;
    int warmUp = keyOf.length / 5;
    for (int i = 0; i < keyOf.length; i++) {
      if (i == warmUp) {
        start = System.nanoTime();
      }
      byte[] next = new byte[scorer.stateBytes()];
      scorer.score(events[i % DISTINCT_EVENTS], states[keyOf[i]], next, scores);
      states[keyOf[i]] = next;
    }
    return (keyOf.length - warmUp) * 1e9 / (System.nanoTime() - start);
  }

  private static byte[][] events(Random random) {
    byte[][] events = new byte[DISTINCT_EVENTS][];
    float[] x = new float[IO_SIZE];
    for (int e = 0; e < DISTINCT_EVENTS; e++) {
      for (int i = 0; i < IO_SIZE; i++) {
        x[i] = (float) random.nextGaussian();
      }
      events[e] = FloatEvents.encode(x);
    }
    return events;
  }
}
