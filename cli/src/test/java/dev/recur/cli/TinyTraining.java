package dev.recur.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Arguments of a training run small enough to take a fraction of a second. */
final class TinyTraining {

  private TinyTraining() {}

  /**
   * {@code train --task ADDING} at T = 5, H = 4, one epoch, without a progress bar, writing
   * {@code out} (unless null); {@code options} are option-value pairs that replace or add to
   * these.
   */
  static String[] adding(Path out, String... options) {
    Map<String, String> chosen = new LinkedHashMap<>();
    chosen.put("--task", "ADDING");
    chosen.put("--steps", "5");
    chosen.put("--hidden", "4");
    chosen.put("--epochs", "1");
    if (out != null) {
      chosen.put("--out", out.toString());
    }
    for (int i = 0; i + 1 < options.length; i += 2) {
      chosen.put(options[i], options[i + 1]);
    }
    List<String> args = new ArrayList<>(List.of("train", "--no-progress"));
    chosen.forEach((option, value) -> {
      args.add(option);
      args.add(value);
    });
    return args.toArray(String[]::new);
  }
}
