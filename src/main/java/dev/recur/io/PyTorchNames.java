package dev.recur.io;

import java.util.Objects;

/**
 * Where a PyTorch model keeps its tensors: an optional {@code nn.Embedding} under one prefix, an
 * {@code nn.RNN} (names with PyTorch's layer and direction suffix, {@code _l0}, {@code
 * _l1_reverse}) or an {@code nn.RNNCell} (no suffix, one layer in one direction) under another,
 * and an optional {@code nn.Linear} head under a third. For a module with fields {@code
 * embedding}, {@code rnn} and {@code head}, the {@code state_dict} keys of a two-layer
 * bidirectional model are {@code embedding.weight}, then for each layer l and direction
 * {@code rnn.weight_ih_l<l>}, {@code rnn.weight_hh_l<l>}, {@code rnn.bias_ih_l<l>}, {@code
 * rnn.bias_hh_l<l>} and the same with {@code _reverse}, then {@code head.weight} and {@code
 * head.bias}.
 *
 * @param rnnPrefix prefix of the recurrent layers' names, e.g. {@code "rnn."} (may be empty)
 * @param headPrefix prefix of the output layer's names, e.g. {@code "head."}
 * @param layerSuffix true for {@code nn.RNN} ({@code _l0}), false for {@code nn.RNNCell}
 * @param embeddingPrefix prefix of the embedding table's name, e.g. {@code "embedding."}
 */
public record PyTorchNames(
    String rnnPrefix, String headPrefix, boolean layerSuffix, String embeddingPrefix) {

  /** The embedding prefix when none is given: a module field named {@code embedding}. */
  public static final String DEFAULT_EMBEDDING_PREFIX = "embedding.";

  /** What a recurrent parameter is, in PyTorch's order within one layer and direction. */
  enum Kind {
    WEIGHT_IH("weight_ih"),
    WEIGHT_HH("weight_hh"),
    BIAS_IH("bias_ih"),
    BIAS_HH("bias_hh");

    final String text;

    Kind(String text) {
      this.text = text;
    }
  }

  /**
   * A name of the recurrent layers, taken apart.
   *
   * @param layer the layer; {@link Integer#MAX_VALUE} for a number of more than {@value
   *     #LAYER_DIGITS} digits
   * @param direction 0 forward, 1 reverse
   */
  record RnnParameter(Kind kind, int layer, int direction) {}

  private static final String REVERSE = "_reverse";
  /** Layer numbers of more digits than this are read as "too many" without being parsed. */
  private static final int LAYER_DIGITS = 6;

  /**
   * Checks the prefixes.
   *
   * @throws IllegalArgumentException if two of the three prefixes are the same
   * @throws NullPointerException if a prefix is null
   */
  public PyTorchNames {
    Objects.requireNonNull(rnnPrefix, "rnnPrefix");
    Objects.requireNonNull(headPrefix, "headPrefix");
    Objects.requireNonNull(embeddingPrefix, "embeddingPrefix");
    if (rnnPrefix.equals(headPrefix)) {
      throw new IllegalArgumentException(
          "the recurrent layer and the head need different prefixes; both are '" + rnnPrefix + "'");
    }
    if (embeddingPrefix.equals(headPrefix) || embeddingPrefix.equals(rnnPrefix)) {
      throw new IllegalArgumentException("the embedding needs a prefix of its own; '"
          + embeddingPrefix + "' is also the "
          + (embeddingPrefix.equals(headPrefix) ? "head's" : "recurrent layer's"));
    }
  }

  /**
   * Names with the embedding under {@value #DEFAULT_EMBEDDING_PREFIX}.
   *
   * @param rnnPrefix prefix of the recurrent layers' names, e.g. {@code "rnn."} (may be empty)
   * @param headPrefix prefix of the output layer's names, e.g. {@code "head."}; not the same as
   *     {@code rnnPrefix}
   * @param layerSuffix true for {@code nn.RNN} ({@code _l0}), false for {@code nn.RNNCell}
   * @throws IllegalArgumentException if two prefixes are the same
   * @throws NullPointerException if a prefix is null
   */
  public PyTorchNames(String rnnPrefix, String headPrefix, boolean layerSuffix) {
    this(rnnPrefix, headPrefix, layerSuffix, DEFAULT_EMBEDDING_PREFIX);
  }

  /**
   * {@code nn.Embedding} as {@code embedding}, {@code nn.RNN} as {@code rnn}, {@code nn.Linear} as
   * {@code head}.
   *
   * @return the names {@code embedding.}, {@code rnn.} with layer suffixes, and {@code head.}
   */
  public static PyTorchNames rnnAndHead() {
    return new PyTorchNames("rnn.", "head.", true);
  }

  /** The name of a recurrent parameter of {@code layer} in {@code direction} (0 forward, 1 reverse). */
  String rnn(Kind kind, int layer, int direction) {
    if (!layerSuffix && (layer != 0 || direction != 0)) {
      throw new IllegalArgumentException("nn.RNNCell names hold one layer in one direction; no name"
          + " for layer " + layer + (direction == 1 ? " reverse" : ""));
    }
    return rnnPrefix + kind.text + (layerSuffix ? "_l" + layer + (direction == 1 ? REVERSE : "") : "");
  }

  String weightIh(int layer, int direction) {
    return rnn(Kind.WEIGHT_IH, layer, direction);
  }

  String weightHh(int layer, int direction) {
    return rnn(Kind.WEIGHT_HH, layer, direction);
  }

  String biasIh(int layer, int direction) {
    return rnn(Kind.BIAS_IH, layer, direction);
  }

  String biasHh(int layer, int direction) {
    return rnn(Kind.BIAS_HH, layer, direction);
  }

  String embeddingWeight() {
    return embeddingPrefix + "weight";
  }

  String headWeight() {
    return headPrefix + "weight";
  }

  String headBias() {
    return headPrefix + "bias";
  }

  /**
   * {@code name} as a recurrent parameter of these names, or null if it is none: {@code
   * <prefix>weight_ih_l<n>[_reverse]} and the like for {@code nn.RNN}, {@code <prefix>weight_ih}
   * and the like for {@code nn.RNNCell}. Layer numbers are PyTorch's (no leading zeros). Takes
   * the name apart by hand, so sorting a header of many tensors allocates little.
   */
  RnnParameter parseRnn(String name) {
    if (!name.startsWith(rnnPrefix)) {
      return null;
    }
    for (Kind kind : Kind.values()) {
      if (name.startsWith(kind.text, rnnPrefix.length())) {
        int at = rnnPrefix.length() + kind.text.length();
        if (layerSuffix) {
          return suffix(name, at, kind);
        }
        return at == name.length() ? new RnnParameter(kind, 0, 0) : null;
      }
    }
    return null;
  }

  /** The {@code _l<n>[_reverse]} that must end {@code name} from {@code at}. */
  private static RnnParameter suffix(String name, int at, Kind kind) {
    if (!name.startsWith("_l", at)) {
      return null;
    }
    int digits = at + 2;
    int end = digits;
    while (end < name.length() && name.charAt(end) >= '0' && name.charAt(end) <= '9') {
      end++;
    }
    if (end == digits || (name.charAt(digits) == '0' && end > digits + 1)) {
      return null; // no number, or a leading zero PyTorch never writes
    }
    int direction;
    if (end == name.length()) {
      direction = 0;
    } else if (name.length() - end == REVERSE.length() && name.startsWith(REVERSE, end)) {
      direction = 1;
    } else {
      return null;
    }
    int layer =
        end - digits > LAYER_DIGITS ? Integer.MAX_VALUE : Integer.parseInt(name, digits, end, 10);
    return new RnnParameter(kind, layer, direction);
  }

  /**
   * Whether recur reads {@code name} when a file holds it: a tensor that cannot be ignored. Asked
   * of every tensor of a header, so it builds no strings.
   */
  boolean isRead(String name) {
    return parseRnn(name) != null || is(name, embeddingPrefix, "weight")
        || is(name, headPrefix, "weight") || is(name, headPrefix, "bias");
  }

  /** Whether {@code name} is {@code prefix + leaf}. */
  private static boolean is(String name, String prefix, String leaf) {
    return name.length() == prefix.length() + leaf.length() && name.startsWith(prefix)
        && name.endsWith(leaf);
  }

  /** Whether {@code name} is an {@code nn.RNN} parameter (with a layer suffix) under the prefix. */
  boolean isLayerSuffixed(String name) {
    return new PyTorchNames(rnnPrefix, headPrefix, true, embeddingPrefix).parseRnn(name) != null;
  }
}
