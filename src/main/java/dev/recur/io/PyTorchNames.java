package dev.recur.io;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a PyTorch model keeps its tensors: an {@code nn.RNN} (names with the layer suffix {@code
 * _l0}) or an {@code nn.RNNCell} (no suffix) under one prefix, and an {@code nn.Linear} head under
 * another. For a module with fields {@code rnn} and {@code head}, the {@code state_dict} keys are
 * {@code rnn.weight_ih_l0}, {@code rnn.weight_hh_l0}, {@code rnn.bias_ih_l0}, {@code
 * rnn.bias_hh_l0}, {@code head.weight}, {@code head.bias}.
 *
 * @param rnnPrefix prefix of the recurrent layer's names, e.g. {@code "rnn."} (may be empty)
 * @param headPrefix prefix of the output layer's names, e.g. {@code "head."}
 * @param layerSuffix true for {@code nn.RNN} ({@code _l0}), false for {@code nn.RNNCell}
 */
public record PyTorchNames(String rnnPrefix, String headPrefix, boolean layerSuffix) {

  /** The names of an {@code nn.RNN} layer's parameters, for any layer and either direction. */
  private static final Pattern RNN_PARAMETER = Pattern.compile("(weight|bias)_(ih|hh)_l(\\d+)(_reverse)?");

  public PyTorchNames {
    Objects.requireNonNull(rnnPrefix, "rnnPrefix");
    Objects.requireNonNull(headPrefix, "headPrefix");
    if (rnnPrefix.equals(headPrefix)) {
      throw new IllegalArgumentException(
          "the recurrent layer and the head need different prefixes; both are '" + rnnPrefix + "'");
    }
  }

  /** {@code nn.RNN} as {@code rnn}, {@code nn.Linear} as {@code head}. */
  public static PyTorchNames rnnAndHead() {
    return new PyTorchNames("rnn.", "head.", true);
  }

  /** Every name recur reads, in the order it writes them. */
  Set<String> all() {
    Set<String> names = new LinkedHashSet<>();
    names.add(weightIh());
    names.add(weightHh());
    names.add(biasIh());
    names.add(biasHh());
    names.add(headWeight());
    names.add(headBias());
    return names;
  }

  /**
   * Whether {@code name} is a parameter of a layer or direction recur does not have: {@code _l1}
   * and up of a stacked {@code nn.RNN}, or {@code _reverse} of a bidirectional one.
   */
  boolean isAnotherLayer(String name) {
    if (!name.startsWith(rnnPrefix)) {
      return false;
    }
    Matcher m = RNN_PARAMETER.matcher(name).region(rnnPrefix.length(), name.length());
    return m.matches() && (m.group(4) != null || !m.group(3).equals("0"));
  }

  String weightIh() {
    return rnn("weight_ih");
  }

  String weightHh() {
    return rnn("weight_hh");
  }

  String biasIh() {
    return rnn("bias_ih");
  }

  String biasHh() {
    return rnn("bias_hh");
  }

  String headWeight() {
    return headPrefix + "weight";
  }

  String headBias() {
    return headPrefix + "bias";
  }

  private String rnn(String name) {
    return rnnPrefix + name + (layerSuffix ? "_l0" : "");
  }
}
