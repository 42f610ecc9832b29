package dev.recur.kafka;

import dev.recur.inference.InferenceModel;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Makes one {@link ScoringProcessor} per task, all over the one shared {@link InferenceModel},
 * and brings the key-value store of states with it, so that adding the processor to a topology
 * adds and connects the store.
 */
final class ScoringProcessorSupplier<K> implements ProcessorSupplier<K, byte[], K, byte[]> {

  private final InferenceModel model;
  private final StoreBuilder<KeyValueStore<K, byte[]>> store;
  private final String scoresChild;
  private final String deadLetterChild;

  ScoringProcessorSupplier(InferenceModel model, StoreBuilder<KeyValueStore<K, byte[]>> store,
      String scoresChild, String deadLetterChild) {
    this.model = model;
    this.store = store;
    this.scoresChild = scoresChild;
    this.deadLetterChild = deadLetterChild;
    KeyedScorer.requireScorable(model); // now, not later in a stream thread
  }

  @Override
  public Processor<K, byte[], K, byte[]> get() {
    return new ScoringProcessor<>(model, store.name(), scoresChild, deadLetterChild);
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    return Set.of(store);
  }
}
