package dev.recur.io;

/**
 * The safetensors element types whose values fill whole bytes, with their widths. recur reads
 * weights in the floating-point ones ({@link #readable}); the others matter only for checking
 * where a tensor lies in a file, for tensors the caller ignores.
 */
enum TensorDtype {
  BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1), F8_E8M0(1),
  I16(2), U16(2), F16(2), BF16(2),
  I32(4), U32(4), F32(4),
  I64(8), U64(8), F64(8), C64(8);

  private static final TensorDtype[] ALL = values(); // values() copies its array each call
  /** The names, for {@link JsonReader#string(String[])}. */
  static final String[] NAMES = java.util.Arrays.stream(ALL).map(Enum::name).toArray(String[]::new);

  final int width;

  /** The dtypes recur reads weights from (converted to float), as a message lists them. */
  static final String READABLE = "F32, F64, F16 and BF16";

  /** Whether recur reads weights in this dtype: F32, F64, F16, BF16. */
  boolean readable() {
    return this == F32 || this == F64 || this == F16 || this == BF16;
  }

  TensorDtype(int width) {
    this.width = width;
  }

  /** The dtype of that name in a header, or null if safetensors has none of whole bytes. */
  static TensorDtype named(String name) {
    for (TensorDtype d : ALL) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    return null;
  }
}
