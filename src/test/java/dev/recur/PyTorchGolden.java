package dev.recur;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One file written by the PyTorch golden generators: {@code key value} lines, and {@code tensor
 * NAME dims} followed by a line of values.
 */
record PyTorchGolden(Map<String, String> meta, Map<String, double[]> tensors) {

  static PyTorchGolden read(Path file) throws IOException {
    Map<String, String> meta = new HashMap<>();
    Map<String, double[]> tensors = new HashMap<>();
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String[] words = lines.get(i).trim().split(" ");
      if (words[0].equals("tensor")) {
        int size = 1;
        for (int d = 2; d < words.length; d++) {
          size *= Integer.parseInt(words[d]);
        }
        String[] values = lines.get(++i).trim().split(" ");
        assertEquals(size, values.length, file + ": tensor " + words[1]);
        double[] data = new double[size];
        for (int j = 0; j < size; j++) {
          data[j] = Double.parseDouble(values[j]);
        }
        tensors.put(words[1], data);
      } else {
        meta.put(words[0], words[1]);
      }
    }
    return new PyTorchGolden(meta, tensors);
  }

  String meta(String key) {
    String value = meta.get(key);
    if (value == null) {
      throw new IllegalStateException("golden file has no '" + key + "'");
    }
    return value;
  }

  int size(String key) {
    return Integer.parseInt(meta(key));
  }

  double[] tensor(String name) {
    double[] value = tensors.get(name);
    if (value == null) {
      throw new IllegalStateException("golden file has no tensor '" + name + "'");
    }
    return value;
  }
}
