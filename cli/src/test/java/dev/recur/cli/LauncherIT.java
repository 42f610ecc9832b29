package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/recur} itself, run as a user runs it, against the jar and class-data archive that
 * {@code mvn package} made (this class runs after it, in the integration-test phase): which JDK
 * it picks, what reaches the CLI, and its exit statuses.
 */
class LauncherIT {

  /** The launcher in this checkout, from the build (cli/pom.xml). */
  private static final Path LAUNCHER = Path.of(System.getProperty("recur.launcher"));

  /** A JDK 25 or newer: the one running these tests. */
  private static final Path JDK = Path.of(System.getProperty("java.home"));

  /** Debian's JDK 17, where there is one. */
  private static final Path DEBIAN_JDK_17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");

  @TempDir Path folder;

  @Test
  void runsFromAnotherFolderThroughALink() throws Exception {
    Path elsewhere = Files.createDirectories(folder.resolve("elsewhere"));
    Path link = Files.createSymbolicLink(elsewhere.resolve("recur"), LAUNCHER);

    Launch help = launch(elsewhere, link, withJdk(), "--help");

    assertEquals(0, help.status, help.err);
    assertTrue(help.out.startsWith("Usage: recur "), help.out);
    assertTrue(help.out.contains("predict"), help.out);
  }

  @Test
  void aUsageErrorExitsWithTwo() throws Exception {
    Launch missing = launch(folder, LAUNCHER, withJdk(), "predict");

    assertEquals(2, missing.status, missing.err);
    assertTrue(missing.err.contains("recur: Missing required"), missing.err);
    assertEquals("", missing.out);
  }

  @Test
  void spacesQuotesAndGlobsReachTheCliUnchanged() throws Exception {
    Path models = Files.createDirectories(folder.resolve("my models"));
    // were the glob expanded, *.recur would stand for these two and the command would differ
    Files.writeString(models.resolve("x.recur"), "not a model");
    Files.writeString(models.resolve("y.recur"), "not a model");
    Path model = models.resolve("it's a \"tiny\" *.recur");
    Path steps = models.resolve("three steps.csv");
    Files.writeString(steps, "0.5,1\n0.25,0\n0.125,1\n");

    Launch train = launch(folder, LAUNCHER, withJdk(), "train", "--task", "ADDING", "--steps", "2",
        "--hidden", "4", "--epochs", "1", "--no-progress", "--out", model.toString());
    assertEquals(0, train.status, train.err);
    assertTrue(Files.size(model) > 0, "the model under its exact name");
    assertEquals("not a model", Files.readString(models.resolve("x.recur")));

    Launch predict = launch(folder, LAUNCHER, withJdk(), "predict", model.toString(), "--input",
        steps.toString());
    assertEquals(0, predict.status, predict.err);
    List<String> outputs = predict.out.lines().toList();
    assertEquals(3, outputs.size(), predict.out);
    for (String output : outputs) {
      Float.parseFloat(output); // one number a step
    }
    // standard error holds nothing but the JVM's one line about the incubator module; the
    // library's kernel choice is logged with --verbose
    assertEquals(List.of("WARNING: Using incubator modules: jdk.incubator.vector"),
        predict.err.lines().toList());
    Launch verbose = launch(folder, LAUNCHER, withJdk(), "predict", model.toString(), "--input",
        steps.toString(), "--verbose");
    assertEquals(predict.out, verbose.out);
    assertTrue(verbose.err.contains("recur kernels: "), verbose.err);
  }

  @Test
  void withoutAJdk25ItSaysWhatItNeedsAndWhereItLooked() throws Exception {
    Path nothingHere = Files.createDirectories(folder.resolve("no jdk here"));
    Map<String, String> env = new HashMap<>();
    env.put("JAVA_HOME", null);
    env.put("RECUR_JAVA_SEARCH_PATH", nothingHere + ":" + oldJdkWithRelease());

    Launch none = launch(folder, LAUNCHER, env, "--help");

    assertEquals(3, none.status, none.err);
    assertEquals("", none.out);
    assertTrue(none.err.startsWith("recur: needs a JDK 25 or newer"), none.err);
    assertTrue(none.err.contains("JAVA_HOME: not set"), none.err);
    assertTrue(none.err.contains(nothingHere.toString()), "the folder searched:\n" + none.err);
    assertTrue(none.err.contains("old-17 (Java 17)"), "the JDK too old:\n" + none.err);
  }

  @Test
  void anOldJavaHomeIsPassedOverForAJdk25() throws Exception {
    List<Path> oldHomes = new ArrayList<>(List.of(oldJdkWithRelease()));
    if (Files.isExecutable(DEBIAN_JDK_17.resolve("bin/java"))) {
      oldHomes.add(DEBIAN_JDK_17);
    }
    for (Path oldHome : oldHomes) {
      Map<String, String> env = new HashMap<>();
      env.put("JAVA_HOME", oldHome.toString());
      // the first one searched is old too and tells its version only through java -version
      env.put("RECUR_JAVA_SEARCH_PATH", oldJdkWithoutRelease() + ":" + JDK);

      Launch version = launch(folder, LAUNCHER, env, "--version");

      assertEquals(0, version.status, oldHome + ": " + version.err);
      assertEquals("recur 0.1.0", version.out.strip());
    }
  }

  @Test
  void theClassDataArchiveIsUsedWhenItFitsAndIgnoredQuietlyWhenNot() throws Exception {
    Path used = folder.resolve("classes-used.log");
    Map<String, String> env = withJdk();
    env.put("JDK_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + used);
    Launch version = launch(folder, LAUNCHER, env, "--version");
    assertEquals(0, version.status, version.err);
    assertTrue(Files.readString(used).contains("dev.recur.cli.RecurCli source: shared objects file"),
        "RecurCli from the archive made at build time");

    // an archive of this JDK made for another jar: the JVM must drop it without a word
    Path jar = LAUNCHER.resolve("../../cli/target/recur.jar").normalize();
    Path otherJar = Files.copy(jar, folder.resolve("other.jar"));
    Path otherArchive = folder.resolve("other.jsa");
    int dumped = run(folder, List.of(JDK.resolve("bin/java").toString(),
        "-XX:ArchiveClassesAtExit=" + otherArchive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
        "-jar", otherJar.toString(), "--version"), Map.of(), folder.resolve("dump")).status;
    assertEquals(0, dumped);
    assertTrue(Files.size(otherArchive) > 0);
    Path unused = folder.resolve("classes-unused.log");
    env.put("JDK_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + unused);
    env.put("RECUR_CDS_ARCHIVE", otherArchive.toString());

    Launch mismatched = launch(folder, LAUNCHER, env, "--version");

    assertEquals(0, mismatched.status, mismatched.err);
    assertEquals("recur 0.1.0", mismatched.out.strip());
    assertFalse(mismatched.err.contains("cds") || mismatched.err.contains("archive"),
        mismatched.err);
    assertTrue(Files.readString(unused).contains("dev.recur.cli.RecurCli source: file:"),
        "RecurCli from the jar");
  }

  @Test
  void withoutTheJarItSaysHowToBuildIt() throws Exception {
    Path copy = Files.createDirectories(folder.resolve("unbuilt/bin"));
    Files.copy(LAUNCHER, copy.resolve("recur"));
    Files.copy(LAUNCHER.resolve("../../jvm.config").normalize(), copy.resolve("../jvm.config"));

    Launch unbuilt = launch(folder, copy.resolve("recur"), withJdk(), "--help");

    assertEquals(4, unbuilt.status, unbuilt.err);
    assertTrue(unbuilt.err.contains("cli/target/recur.jar is missing"), unbuilt.err);
    assertTrue(unbuilt.err.contains("mvn -q package -DskipTests"), unbuilt.err);
  }

  /** JAVA_HOME is this JDK and nothing else is searched. */
  private static Map<String, String> withJdk() {
    Map<String, String> env = new HashMap<>();
    env.put("JAVA_HOME", JDK.toString());
    env.put("RECUR_JAVA_SEARCH_PATH", "");
    return env;
  }

  /** A JDK 17 as its release file tells it; its java fails loudly if it is ever run. */
  private Path oldJdkWithRelease() throws IOException {
    Path home = fakeJdk("old-17", "exit 97");
    Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"17.0.2\"\n");
    return home;
  }

  /** A Java 8 without a release file: its java answers -version only. */
  private Path oldJdkWithoutRelease() throws IOException {
    return fakeJdk("old-8", "[ \"$1\" = -version ] || exit 98\n"
        + "echo 'openjdk version \"1.8.0_402\"' >&2");
  }

  private Path fakeJdk(String name, String javaScript) throws IOException {
    Path home = folder.resolve(name);
    Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
    if (!Files.exists(java)) {
      Files.writeString(java, "#!/bin/sh\n" + javaScript + "\n");
      Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return home;
  }

  /** What one run printed and returned. */
  private record Launch(int status, String out, String err) {}

  /**
   * Runs {@code launcher args} in {@code workDir}; {@code env} entries replace the inherited
   * environment's (null: removed), and JDK_JAVA_OPTIONS is only what {@code env} says.
   */
  private Launch launch(Path workDir, Path launcher, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    Map<String, String> all = new HashMap<>();
    all.put("JDK_JAVA_OPTIONS", null);
    all.putAll(env);
    return run(workDir, command, all, Files.createTempDirectory(folder, "launch"));
  }

  private static Launch run(Path workDir, List<String> command, Map<String, String> env,
      Path outputs) throws IOException, InterruptedException {
    Files.createDirectories(outputs);
    Path out = outputs.resolve("stdout");
    Path err = outputs.resolve("stderr");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    env.forEach((name, value) -> {
      if (value == null) {
        builder.environment().remove(name);
      } else {
        builder.environment().put(name, value);
      }
    });
    Process process = builder.start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail(command + " still running after 2 minutes");
    }
    return new Launch(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
