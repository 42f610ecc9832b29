package dev.recur.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.Attributes;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.MethodModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A vector that crosses a call C2 did not inline is boxed: a heap allocation per call, and no
 * SIMD register. Only JDK classes can force inlining, so recur's rule is that every method taking
 * or returning a vector stays within {@code -XX:MaxInlineSize} (35 bytes of bytecode), which C2
 * inlines at any call site however cold. Found the hard way: a 70-byte lane-sum helper called
 * after a loop was not inlined and cost 64 bytes per forward pass.
 */
class VectorInliningTest {

  private static final int MAX_INLINE_SIZE = 35;

  @ParameterizedTest
  @ValueSource(classes = {VectorKernels.class, VectorMath.class})
  void methodsThatPassVectorsAreSmallEnoughToAlwaysInline(Class<?> type) throws IOException {
    ClassModel model;
    try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
      model = ClassFile.of().parse(in.readAllBytes());
    }
    List<String> tooLarge = new ArrayList<>();
    int checked = 0;
    for (MethodModel method : model.methods()) {
      String descriptor = method.methodTypeSymbol().descriptorString();
      if (!descriptor.contains("Ljdk/incubator/vector/")) {
        continue;
      }
      checked++;
      int size = method.findAttribute(Attributes.code()).map(CodeAttribute::codeLength).orElse(0);
      if (size > MAX_INLINE_SIZE) {
        tooLarge.add(method.methodName().stringValue() + descriptor + " is " + size + " bytes");
      }
    }
    assertTrue(type != VectorMath.class || checked >= 5, "found the vector methods: " + checked);
    assertTrue(tooLarge.isEmpty(), "over " + MAX_INLINE_SIZE + " bytes: " + tooLarge);
  }
}
