package dev.recur.kafka;

import dev.recur.inference.InferenceModel;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The scoring application of the recovery test, as a user would run it: {@link KeyedScoring}'s
 * topology under exactly-once, one per JVM. {@link #main} runs it until the process is killed,
 * which is how the test makes an instance fail.
 */
final class EmbeddedKafkaApp {

  static final String EVENTS = "events";
  static final String SCORES = "scores";
  static final String DEAD_LETTERS = "dead-letters";
  static final int INPUTS = 6;

  private EmbeddedKafkaApp() {}

  /** The model every instance loads (the same weights, so the same fingerprint). */
  static InferenceModel model() {
    return Scenario.model(INPUTS, 32, 4, 2, 21);
  }

  /** An instance of the application, not yet started. */
  static KafkaStreams instance(String bootstrapServers, Path stateDir) {
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "recur-recovery");
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // A lost instance's partitions move after 6 s without a heartbeat (45 s by default), and its
    // open transaction is aborted after 5 s (10 s by default under exactly-once).
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6_000);
    config.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_000);
    config.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 5_000);
    return new KafkaStreams(KeyedScoring.of(model(), Serdes.String())
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
