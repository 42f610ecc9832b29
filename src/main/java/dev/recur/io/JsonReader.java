package dev.recur.io;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A strict reader of JSON tokens in UTF-8 bytes: punctuation, strings and non-negative integers,
 * the only values a safetensors header holds. It builds no tree, so the caller ({@link
 * SafeTensorsHeader}) decides what to keep, and an integer costs no allocation. Malformed text
 * throws {@link IllegalArgumentException} with the byte offset.
 */
final class JsonReader {

  private static final String[] NO_STRINGS = {};

  private final byte[] text;
  private int at;
  /** Only for strings with escapes or non-ASCII bytes; plain ASCII strings are copied directly. */
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);

  JsonReader(byte[] text) {
    this.text = text;
  }

  /** After optional spaces: true, and consumes it, if the next character is {@code c}. */
  boolean consume(char c) {
    skipSpace();
    if (at < text.length && text[at] == c) {
      at++;
      return true;
    }
    return false;
  }

  /** After optional spaces: true if the next character is {@code c}; consumes nothing. */
  boolean peek(char c) {
    skipSpace();
    return at < text.length && text[at] == c;
  }

  void expect(char c) {
    if (!consume(c)) {
      throw error("'" + c + "' was expected");
    }
  }

  /** Only spaces may follow the value just read (safetensors pads its header with spaces). */
  void expectEnd() {
    skipSpace();
    if (at != text.length) {
      throw error("text after the header object");
    }
  }

  /** Consumes the literal {@code null} if it comes next. */
  boolean consumeNull() {
    skipSpace();
    if (text.length - at >= 4 && text[at] == 'n' && text[at + 1] == 'u' && text[at + 2] == 'l'
        && text[at + 3] == 'l') {
      at += 4;
      return true;
    }
    return false;
  }

  String string() {
    return string(NO_STRINGS);
  }

  /**
   * A string; one that equals an element of {@code known} (plain ASCII) is that element, so the
   * field names and dtypes a header repeats for every tensor cost no allocation.
   */
  String string(String[] known) {
    expect('"');
    int start = at;
    while (at < text.length) {
      byte b = text[at];
      if (b == '"') {
        int length = at++ - start;
        for (String k : known) {
          if (k.length() == length && spells(k, start)) {
            return k;
          }
        }
        return new String(text, start, length, StandardCharsets.ISO_8859_1);
      }
      if (b == '\\' || b < 0x20) { // an escape, a control character, or (negative) non-ASCII
        at = start;
        return decodedString();
      }
      at++;
    }
    throw error("a string is not closed");
  }

  private boolean spells(String ascii, int start) {
    for (int i = 0; i < ascii.length(); i++) {
      if (text[start + i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private String decodedString() {
    StringBuilder out = new StringBuilder();
    while (at < text.length) {
      int runStart = at;
      while (at < text.length && text[at] != '"' && text[at] != '\\') {
        if ((text[at] & 0xff) < 0x20) {
          throw error("a control character inside a string");
        }
        at++;
      }
      if (at > runStart) {
        try {
          out.append(utf8.decode(ByteBuffer.wrap(text, runStart, at - runStart)));
        } catch (CharacterCodingException e) {
          at = runStart;
          throw error("a string that is not UTF-8");
        }
      }
      if (at >= text.length) {
        break;
      }
      if (text[at++] == '"') {
        return out.toString();
      }
      out.append(escape());
    }
    throw error("a string is not closed");
  }

  private char escape() {
    if (at >= text.length) {
      throw error("a string is not closed");
    }
    byte e = text[at++];
    return switch (e) {
      case '"', '\\', '/' -> (char) e;
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'u' -> hexChar();
      default -> throw error("unknown escape \\" + (char) (e & 0xff));
    };
  }

  private char hexChar() {
    if (at + 4 > text.length) {
      throw error("a \\u escape needs four hex digits");
    }
    int value = 0;
    for (int end = at + 4; at < end; at++) {
      int digit = Character.digit(text[at], 16);
      if (digit < 0) {
        throw error("a \\u escape needs four hex digits");
      }
      value = value * 16 + digit;
    }
    return (char) value;
  }

  /**
   * A JSON integer that must be {@code >= 0} and fit a {@code long}: not a sign, a fraction, an
   * exponent, or too many digits.
   */
  long nonNegativeInteger() {
    skipSpace();
    int start = at;
    long value = 0;
    while (at < text.length && text[at] >= '0' && text[at] <= '9') {
      int digit = text[at] - '0';
      if (value > (Long.MAX_VALUE - digit) / 10) {
        throw error("an integer larger than " + Long.MAX_VALUE);
      }
      value = value * 10 + digit;
      at++;
    }
    boolean more = at < text.length && "-+.eE".indexOf(text[at]) >= 0;
    if (at == start || more) {
      throw error("a non-negative integer was expected");
    }
    if (text[start] == '0' && at - start > 1) {
      throw error("JSON numbers have no leading zeros");
    }
    return value;
  }

  private void skipSpace() {
    while (at < text.length) {
      byte b = text[at];
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return;
      }
      at++;
    }
  }

  private IllegalArgumentException error(String problem) {
    return new IllegalArgumentException("JSON at offset " + at + ": " + problem);
  }
}
