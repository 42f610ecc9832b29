package dev.recur.kafka;

import dev.recur.inference.InferenceModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The scoring application of the embedded-broker runs, as a user would run it: {@link
 * KeyedScoring}'s topology under exactly-once, one per JVM; and the broker it runs on, one KRaft
 * node from Kafka's test kit. {@link #main} runs an instance until the process is killed, which is
 * how the recovery test makes an instance fail.
 */
final class EmbeddedKafkaApp {

  static final String EVENTS = "events";
  static final String SCORES = "scores";
  static final String DEAD_LETTERS = "dead-letters";
  static final int INPUTS = 6;

  private EmbeddedKafkaApp() {}

  /** The model every instance of the recovery test loads (the same weights, so the same fingerprint). */
  static InferenceModel model() {
    return Scenario.model(INPUTS, 32, 4, 2, 21);
  }

  /** A started single-node cluster (combined broker and controller) with the three topics. */
  static KafkaClusterTestKit cluster(int eventPartitions) throws Exception {
    KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
            .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        // a lost instance's open transaction is aborted within a second of its timeout
        .setConfigProp("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000")
        .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    try (Admin admin = Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
      admin.createTopics(List.of(
          new NewTopic(EVENTS, eventPartitions, (short) 1),
          new NewTopic(SCORES, eventPartitions, (short) 1),
          new NewTopic(DEAD_LETTERS, 1, (short) 1))).all().get();
    }
    return cluster;
  }

  /** An idempotent producer of events, every send acknowledged by the broker. */
  static KafkaProducer<String, byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
        new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * An instance of the recovery test's application, not yet started. It commits every second
   * (100 ms by default under exactly-once), so that most of the time a transaction is open with
   * scores written to the log and not yet committed: what a kill must lose and read_committed
   * readers must never see.
   */
  static KafkaStreams instance(String bootstrapServers, Path stateDir) {
    return instance(bootstrapServers, stateDir, model(), "recur-recovery", 1_000);
  }

  /** An instance scoring with {@code model}, not yet started. */
  static KafkaStreams instance(
      String bootstrapServers, Path stateDir, InferenceModel model, String applicationId) {
    return instance(bootstrapServers, stateDir, model, applicationId, 0);
  }

  /** As above, committing every {@code commitMillis} (Kafka's default if 0). */
  private static KafkaStreams instance(String bootstrapServers, Path stateDir,
      InferenceModel model, String applicationId, int commitMillis) {
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // A lost instance's partitions move after 6 s without a heartbeat (45 s by default), and its
    // open transaction is aborted after 5 s (10 s by default under exactly-once).
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6_000);
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_000);
    config.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 5_000);
    if (commitMillis > 0) {
      config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitMillis);
    }
    return new KafkaStreams(KeyedScoring.of(model, Serdes.String())
        .events(EVENTS).scores(SCORES).deadLetters(DEAD_LETTERS)
        .topology(), config);
  }

  /** Runs one instance until the process is killed: arguments bootstrap servers, state folder. */
  public static void main(String[] args) throws InterruptedException {
    KafkaStreams streams = instance(args[0], Path.of(args[1]));
    streams.setStateListener((now, before) -> System.out.println("state " + before + " -> " + now));
    streams.start();
    new CountDownLatch(1).await();
  }
}
