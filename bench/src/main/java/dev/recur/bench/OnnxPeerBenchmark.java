package dev.recur.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.recur.ElmanRnn;
import dev.recur.Inputs;
import dev.recur.Parameters;
import dev.recur.Workspace;
import dev.recur.inference.InferenceModel;
import dev.recur.inference.RnnStream;
import dev.recur.io.PyTorchNames;
import dev.recur.io.SafeTensorsFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * recur against ONNX Runtime for Java on one model exported from PyTorch ({@code
 * bench/python/peers.py export DIR}; the folder is the system property {@value #FOLDER}): the
 * safetensors file through recur's interop, the ONNX files through ONNX Runtime (one intra-op
 * thread, all graph optimisations). Set-up checks that both give the same outputs.
 *
 * <ul>
 *   <li>{@code step}: one step at batch 1, the hidden state fed back. ONNX Runtime gets its
 *       fastest Java use: inputs and outputs in preallocated direct buffers (pinned outputs), the
 *       state ping-ponging between two buffers, so nothing is copied or allocated per call.
 *   <li>{@code sequence}: T = 128 steps from h = 0, reported per step.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class OnnxPeerBenchmark {

  /** System property naming the folder {@code peers.py export} wrote. */
  public static final String FOLDER = "recur.peers";

  static final int STEPS = 128;
  static final int INPUT = 64;
  static final int OUTPUT = 64;

  @Param({"128", "256", "512", "1024", "2048"})
  public int hidden;

  @Param({"recur", "onnxruntime"})
  public String peer;

  private RnnStream stream;
  private ElmanRnn model;
  private Workspace workspace;
  private Inputs sequenceInputs;
  private float[] step;

  private OrtEnvironment environment;
  private OrtSession stepSession;
  private OrtSession sequenceSession;
  /** Two argument sets: (x, h_a) → (y, h_b), then (x, h_b) → (y, h_a). */
  private Map<String, OnnxTensor>[] stepInputs;
  private Map<String, OnnxTensor>[] stepOutputs;
  private Map<String, OnnxTensor> sequenceInput;
  private Map<String, OnnxTensor> sequenceOutput;
  private int turn;

  @Setup
  @SuppressWarnings("unchecked")
  public void setUp() throws IOException, OrtException {
    Path folder = Path.of(System.getProperty(FOLDER, "target/peers"));
    Path weights = folder.resolve("H" + hidden + ".safetensors");
    if (!Files.exists(weights)) {
      throw new IllegalStateException(weights + " is missing: run bench/python/peers.py export "
          + folder + " first (the report does), or set -D" + FOLDER + "=FOLDER");
    }
    SplittableRandom random = new SplittableRandom(11);
    float[] sequence = Impl.uniform(random, STEPS * INPUT, 1f);
    step = java.util.Arrays.copyOf(sequence, INPUT);

    Parameters parameters =
        SafeTensorsFile.read(weights, new PyTorchNames("rnn.", "head.", true), null, null, false);
    model = new ElmanRnn(parameters);
    workspace = model.workspace(STEPS, 1);
    sequenceInputs = Inputs.dense(sequence, STEPS, 1);
    stream = new InferenceModel(parameters).newStream();
    if (peer.equals("recur")) {
      return;
    }

    environment = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(1);
    options.setInterOpNumThreads(1);
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    stepSession = environment.createSession(folder.resolve("H" + hidden + "-step.onnx").toString(), options);
    sequenceSession =
        environment.createSession(folder.resolve("H" + hidden + "-sequence.onnx").toString(), options);
    OnnxTensor x = tensor(step, 1, INPUT);
    OnnxTensor y = tensor(new float[OUTPUT], 1, OUTPUT);
    OnnxTensor stateA = tensor(new float[hidden], 1, hidden);
    OnnxTensor stateB = tensor(new float[hidden], 1, hidden);
    stepInputs = new Map[] {Map.of("x", x, "h", stateA), Map.of("x", x, "h", stateB)};
    stepOutputs = new Map[] {Map.of("y", y, "h_next", stateB), Map.of("y", y, "h_next", stateA)};
    sequenceInput = Map.of("x", tensor(sequence, STEPS, 1, INPUT));
    sequenceOutput = Map.of("y", tensor(new float[STEPS * OUTPUT], STEPS, 1, OUTPUT));
    requireSameOutputs();
  }

  /** A tensor over a direct buffer holding {@code values}, which ONNX Runtime reads in place. */
  private OnnxTensor tensor(float[] values, long... shape) throws OrtException {
    FloatBuffer buffer = ByteBuffer.allocateDirect(values.length * Float.BYTES)
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
    buffer.put(values).flip();
    return OnnxTensor.createTensor(environment, buffer, shape);
  }

  /** Both peers' outputs must agree (to 1e-4 of the largest), or the race is void. */
  private void requireSameOutputs() throws OrtException {
    float[] first = stream.step(step).clone();
    stream.reset();
    step(); // from h = 0
    requireClose("one step", first, stepOutputs[0].get("y").getFloatBuffer());
    model.forward(workspace, sequenceInputs);
    float[] mine = workspace.outputs().clone();
    sequence();
    requireClose("a sequence", mine, sequenceOutput.get("y").getFloatBuffer());
  }

  private void requireClose(String what, float[] mine, FloatBuffer theirs) {
    double largest = 0;
    double difference = 0;
    for (int i = 0; i < mine.length; i++) {
      largest = Math.max(largest, Math.abs(mine[i]));
      difference = Math.max(difference, Math.abs(mine[i] - theirs.get(i)));
    }
    if (difference > 1e-4 * largest) {
      throw new IllegalStateException("recur and ONNX Runtime disagree on " + what + ", H=" + hidden
          + ": max |difference| " + difference + ", max |output| " + largest);
    }
  }

  @Benchmark
  public Object step() throws OrtException {
    if (stepSession == null) {
      return stream.step(step);
    }
    int k = turn;
    turn = 1 - k;
    try (OrtSession.Result result = stepSession.run(stepInputs[k], stepOutputs[k])) {
      return stepOutputs[k].get("y");
    }
  }

  @Benchmark
  @OperationsPerInvocation(STEPS)
  public Object sequence() throws OrtException {
    if (sequenceSession == null) {
      model.forward(workspace, sequenceInputs);
      return workspace.outputs();
    }
    try (OrtSession.Result result = sequenceSession.run(sequenceInput, sequenceOutput)) {
      return sequenceOutput.get("y");
    }
  }

  @TearDown
  public void tearDown() throws OrtException {
    if (stepSession != null) {
      stepSession.close();
      sequenceSession.close();
    }
  }
}
