package dev.recur.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.OutputFunction;
import dev.recur.Parameters;
import dev.recur.RnnConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * N threads × M streams sharing one model give the outputs of a single-threaded run of the same
 * streams, bit for bit. With 8 threads on a 2-core machine the threads are preempted mid-step
 * constantly, so any state shared by accident would show.
 */
class ConcurrencyTest {

  private static final int THREADS = 8;
  private static final int STREAMS_PER_THREAD = 4;
  private static final int STEPS = 300;

  @Test
  void sharedModelGivesEachStreamItsSingleThreadedOutputs() throws Exception {
    RnnConfig config = RnnConfig.builder(12, 96, 10).output(OutputFunction.SOFTMAX).seed(5).build();
    InferenceModel model = new InferenceModel(Parameters.initialize(config));
    int streams = THREADS * STREAMS_PER_THREAD;
    float[][] inputs = new float[streams][];
    for (int s = 0; s < streams; s++) {
      inputs[s] = RnnStreamTest.gaussian(new Random(s), STEPS * 12);
    }
    float[][] expected = new float[streams][];
    for (int s = 0; s < streams; s++) {
      expected[s] = run(model.newStream(), inputs[s]);
    }

    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<float[][]>> results = new ArrayList<>();
      for (int thread = 0; thread < THREADS; thread++) {
        int first = thread * STREAMS_PER_THREAD;
        results.add(pool.submit(() -> {
          start.await();
          // interleave this thread's streams step by step, as a service would
          RnnStream[] mine = new RnnStream[STREAMS_PER_THREAD];
          float[][] outputs = new float[STREAMS_PER_THREAD][STEPS * 10];
          for (int k = 0; k < STREAMS_PER_THREAD; k++) {
            mine[k] = model.newStream();
          }
          float[] x = new float[12];
          for (int t = 0; t < STEPS; t++) {
            for (int k = 0; k < STREAMS_PER_THREAD; k++) {
              System.arraycopy(inputs[first + k], t * 12, x, 0, 12);
              System.arraycopy(mine[k].step(x), 0, outputs[k], t * 10, 10);
            }
          }
          return outputs;
        }));
      }
      start.countDown();
      for (int thread = 0; thread < THREADS; thread++) {
        float[][] outputs = results.get(thread).get(2, TimeUnit.MINUTES);
        for (int k = 0; k < STREAMS_PER_THREAD; k++) {
          int s = thread * STREAMS_PER_THREAD + k;
          assertArrayEquals(expected[s], outputs[k], "stream " + s);
        }
      }
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(1, TimeUnit.MINUTES));
    }
  }

  private static float[] run(RnnStream stream, float[] inputs) {
    float[] outputs = new float[STEPS * 10];
    stream.predict(inputs, outputs);
    return outputs;
  }
}
