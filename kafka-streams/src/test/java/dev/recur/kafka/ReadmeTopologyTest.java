package dev.recur.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.inference.InferenceModel;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Kafka Streams example compiles as written, and the topology it builds scores
 * events as the README says: each key's outputs are its own stream's, a bad event is refused.
 */
class ReadmeTopologyTest {

  @TempDir Path dir;

  @Test
  void theReadmeTopologyScoresKeyedEvents() throws Exception {
    InferenceModel model = Scenario.model(4, 12, 2, 1, 5);
    List<Scenario.Event> events = Scenario.interleaved(50, 4, 4, 8);
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "readme");
    config.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());

    try (URLClassLoader loader = compile(readmeBlock("dev.recur.kafka.KeyedScoring"), "ScoringService");
        TopologyTestDriver driver = new TopologyTestDriver(topology(loader, model), config)) {
      TestInputTopic<String, byte[]> in =
          driver.createInputTopic("events", new StringSerializer(), new ByteArraySerializer());
      TestOutputTopic<String, byte[]> scores =
          driver.createOutputTopic("scores", new StringDeserializer(), new ByteArrayDeserializer());
      TestOutputTopic<String, byte[]> refused = driver.createOutputTopic(
          "events-refused", new StringDeserializer(), new ByteArrayDeserializer());
      for (Scenario.Event event : events) {
        in.pipeInput(event.key(), FloatEvents.encode(event.inputs()));
      }
      in.pipeInput("k1", FloatEvents.encode(1, 2, 3));

      List<int[]> expected = Scenario.expectedScores(model, events);
      List<TestRecord<String, byte[]>> got = scores.readRecordsToList();
      assertEquals(events.size(), got.size());
      for (int i = 0; i < got.size(); i++) {
        assertArrayEquals(expected.get(i), Scenario.bits(FloatEvents.decode(got.get(i).value())),
            "scores of event " + i);
      }
      TestRecord<String, byte[]> bad = refused.readRecord();
      assertEquals("3 float32 values (12 bytes); an event is 16 bytes, 4 little-endian float32 inputs",
          new String(bad.headers().lastHeader(KeyedScoring.REJECTION_HEADER).value(),
              StandardCharsets.UTF_8));
    }
  }

  private static Topology topology(ClassLoader loader, InferenceModel model) throws Exception {
    Method topology =
        loader.loadClass("ScoringService").getDeclaredMethod("topology", InferenceModel.class);
    topology.setAccessible(true);
    return (Topology) topology.invoke(null, model);
  }

  /** The README's ```java block that mentions {@code marker}. */
  private static String readmeBlock(String marker) throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    while (block.find()) {
      if (block.group(1).contains(marker)) {
        return block.group(1);
      }
    }
    throw new AssertionError("README.md has no ```java block mentioning " + marker);
  }

  private URLClassLoader compile(String code, String className) throws Exception {
    Path source = dir.resolve(className + ".java");
    Files.writeString(source, code);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int status = javac.run(null, diagnostics, diagnostics,
        "-classpath", System.getProperty("java.class.path"), "-d", dir.toString(), source.toString());
    assertTrue(status == 0, diagnostics.toString(StandardCharsets.UTF_8));
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, ReadmeTopologyTest.class.getClassLoader());
  }
}
