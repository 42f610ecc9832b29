package dev.recur.cli;

import static dev.recur.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.Parameters;
import dev.recur.Precision;
import dev.recur.inference.InferenceModel;
import dev.recur.io.ModelFile;
import dev.recur.io.PyTorchNames;
import dev.recur.io.SafeTensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --precision}: {@code convert} stores a model's matrices in bf16 or int8, {@code predict}
 * and {@code eval} serve a file in its own precision or the one asked for, and what they print is
 * what the library's model of that precision computes.
 */
class PrecisionCliTest {

  @TempDir Path dir;

  private Path pytorch() throws Exception {
    return Path.of(getClass().getResource("/dev/recur/interop/tanh-softmax-bias.safetensors").toURI());
  }

  /** Three steps of the interop model's 6 inputs. */
  private Path steps() throws Exception {
    Path steps = dir.resolve("steps.csv");
    Files.writeString(steps, "0.5,0,0,0,0,-1\n1,2,3,4,5,6\n-0.25,0.75,0,1,-1,0.5\n");
    return steps;
  }

  /** What predict must print: the library model in {@code precision}, one line per step. */
  private static String expected(Parameters weights, Precision precision) {
    float[][] inputs = {{0.5f, 0, 0, 0, 0, -1}, {1, 2, 3, 4, 5, 6}, {-0.25f, 0.75f, 0, 1, -1, 0.5f}};
    var stream = new InferenceModel(weights, precision).newStream();
    StringBuilder text = new StringBuilder();
    for (float[] x : inputs) {
      float[] y = stream.step(x);
      for (int j = 0; j < y.length; j++) {
        text.append(j == 0 ? "" : ",").append(y[j]);
      }
      text.append('\n');
    }
    return text.toString();
  }

  @Test
  void convertStoresTheMatricesInTheAskedPrecisionAndPredictServesIt() throws Exception {
    Parameters weights = SafeTensorsFile.read(pytorch(), PyTorchNames.rnnAndHead(), null, null, false);
    Path fp32 = dir.resolve("fp32.recur");
    Path int8 = dir.resolve("int8.recur");
    Path bf16 = dir.resolve("bf16.recur");
    assertEquals(0, run("convert", pytorch().toString(), fp32.toString()).status());
    CliRun converted = run("convert", fp32.toString(), int8.toString(), "--precision", "int8");
    assertEquals(0, converted.status(), converted.err());
    assertTrue(converted.out().strip().endsWith("INT8"), converted.out());
    assertEquals(0, run("convert", int8.toString(), bf16.toString(), "--precision", "BF16").status());
    assertEquals(Precision.INT8, ModelFile.loadModel(int8).precision());
    assertTrue(Files.size(int8) < Files.size(bf16) && Files.size(bf16) < Files.size(fp32),
        Files.size(int8) + " < " + Files.size(bf16) + " < " + Files.size(fp32));

    // the file's own precision by default; --precision overrides it for this run
    Path steps = steps();
    assertOut(expected(weights, Precision.INT8), run("predict", int8.toString(), "--input", steps.toString()));
    assertOut(expected(weights, Precision.BF16),
        run("predict", fp32.toString(), "--input", steps.toString(), "--precision", "bf16"));
    Parameters dequantised = ModelFile.load(int8);
    assertOut(expected(dequantised, Precision.FP32),
        run("predict", int8.toString(), "--input", steps.toString(), "--precision", "FP32"));
    String fp32Out = run("predict", fp32.toString(), "--input", steps.toString()).out();
    String int8Out = run("predict", int8.toString(), "--input", steps.toString()).out();
    assertTrue(!fp32Out.equals(int8Out), "int8 really serves other weights");
  }

  @Test
  void aReducedModelIsNotWrittenAsSafeTensorsAndAnUnknownPrecisionIsAUsageError() throws Exception {
    Path int8 = dir.resolve("int8.recur");
    assertEquals(0, run("convert", pytorch().toString(), int8.toString(), "--precision", "int8").status());
    Path out = dir.resolve("out.safetensors");
    run("convert", int8.toString(), out.toString()).refused(2,
        "is safetensors, which recur writes in float32", "or add --precision FP32");
    assertTrue(Files.notExists(out));
    assertEquals(0, run("convert", int8.toString(), out.toString(), "--precision", "fp32").status());
    run("predict", int8.toString(), "--input", steps().toString(), "--precision", "int4")
        .refused(2, "--precision", "int4");
  }

  @Test
  void evalScoresTheModelInTheAskedPrecision() throws Exception {
    Path model = dir.resolve("adding.recur");
    CliRun trained = run("train", "--task", "ADDING", "--steps", "10", "--hidden", "8",
        "--epochs", "1", "--batch", "16", "--no-progress",
        "--out", model.toString());
    assertEquals(0, trained.status(), trained.err());
    CliRun fp32 = run("eval", model.toString(), "--task", "ADDING", "--steps", "10", "--count", "200");
    CliRun int8 = run("eval", model.toString(), "--task", "ADDING", "--steps", "10", "--count", "200",
        "--precision", "INT8");
    assertEquals(0, int8.status(), int8.err());
    assertTrue(int8.out().startsWith("weight matrices held in INT8"), int8.out());
    double fp32Mse = mse(fp32.out());
    double int8Mse = mse(int8.out());
    assertTrue(Math.abs(int8Mse - fp32Mse) < 0.05 * fp32Mse && int8Mse != fp32Mse,
        "int8 scores near float32, not the same: " + int8Mse + " vs " + fp32Mse);
  }

  private static double mse(String out) {
    int at = out.indexOf("MSE ");
    return Double.parseDouble(out.substring(at + 4, out.indexOf(' ', at + 4)).strip());
  }

  private static void assertOut(String expected, CliRun run) {
    assertEquals(0, run.status(), run.err());
    assertEquals(Arrays.asList(expected.split("\n")), Arrays.asList(run.out().split("\n")));
  }

  static {
    Locale.setDefault(Locale.ROOT);
  }
}
