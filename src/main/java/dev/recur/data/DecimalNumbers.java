package dev.recur.data;

import java.util.regex.Pattern;

/**
 * The numbers a data file may hold: plain decimals with an optional exponent ({@code -0.5},
 * {@code 3}, {@code 1e-3}). Java's own parser also takes {@code 1d}, {@code 0x1p3}, {@code NaN}
 * and {@code Infinity}, none of which a CSV written by a person or a spreadsheet means as a
 * number.
 */
public final class DecimalNumbers {

  private static final Pattern DECIMAL =
      Pattern.compile("[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?");

  private DecimalNumbers() {}

  /**
   * The float nearest to {@code text} (already stripped).
   *
   * @param text a plain decimal such as {@code -0.5}, {@code 3} or {@code 1e-3}, no white space
   * @return the nearest float; ±infinity or ±0 when the value is beyond a float's range
   * @throws NumberFormatException if the text is not a plain decimal number
   */
  public static float parse(String text) {
    if (!DECIMAL.matcher(text).matches()) {
      throw new NumberFormatException(text);
    }
    return Float.parseFloat(text);
  }
}
