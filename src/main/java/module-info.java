/**
 * recur: Elman recurrent neural networks for the JVM, trained by backpropagation through time,
 * with every hot loop on the Java Vector API. Build a model from an {@link dev.recur.RnnConfig},
 * train it with {@link dev.recur.train.Trainer}, serve it with {@link
 * dev.recur.inference.InferenceModel}, and save it with {@link dev.recur.io.ModelFile}.
 *
 * <p>The kernels ({@code dev.recur.kernel}) and the layer core ({@code dev.recur.layer}) are
 * internal; {@link dev.recur.Engine} chooses between the kernels.
 */
// HdrHistogram's jar (2.2.2) names no module, so its automatic module's name comes from the
// file name; LatencyRecorder returns its Histogram, hence "transitive".
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.recur {
  requires jdk.incubator.vector;
  requires jdk.management; // KernelSelection reads the VM's flags (C2, FMA)
  requires transitive HdrHistogram;

  exports dev.recur;
  exports dev.recur.data;
  exports dev.recur.inference;
  exports dev.recur.io;
  exports dev.recur.optim;
  exports dev.recur.train;
}
