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
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A vector that crosses a call C2 did not inline is boxed: a heap allocation per call, and no
 * SIMD register. Only JDK classes can force inlining; C2 may refuse any method of recur's own,
 * however small, where the call was rare when profiled or once the compilation has grown past its
 * node cutoff (see {@link VectorMath} and {@link ShapeChangeAllocationTest}, which shows both). So
 * vectors live inside loop bodies that call only the Vector API. The one exception is the lane
 * sum after a reduction loop (run once per call, never rare), kept in methods within {@code
 * -XX:MaxInlineSize} (35 bytes of bytecode): a 70-byte lane-sum helper was once not inlined and
 * cost 64 bytes per forward pass. The static-initializer helpers for constants run once.
 */
class VectorInliningTest {

  private static final int MAX_INLINE_SIZE = 35;

  /** Vectors, masks and shuffles: what C2 must box where a call is not inlined (species: no). */
  private static final Pattern VECTOR_VALUE =
      Pattern.compile("Ljdk/incubator/vector/(\\w*Vector|VectorMask|VectorShuffle);");

  private static final Set<String> ALLOWED =
      Set.of("sumLanes", "fold8", "fold4", "fold2", "fold1", "constant", "swap", "laneIndex");

  @ParameterizedTest
  @ValueSource(classes = {VectorKernels.class, VectorMath.class, VectorProducts.class})
  void onlyTheLaneSumPassesVectorsBetweenMethodsAndItAlwaysInlines(Class<?> type)
      throws IOException {
    ClassModel model;
    try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
      model = ClassFile.of().parse(in.readAllBytes());
    }
    List<String> notAllowed = new ArrayList<>();
    List<String> tooLarge = new ArrayList<>();
    int checked = 0;
    for (MethodModel method : model.methods()) {
      String name = method.methodName().stringValue();
      String descriptor = method.methodTypeSymbol().descriptorString();
      if (!VECTOR_VALUE.matcher(descriptor).find()) {
        continue;
      }
      checked++;
      if (!ALLOWED.contains(name)) {
        notAllowed.add(name + descriptor);
      }
      int size = method.findAttribute(Attributes.code()).map(CodeAttribute::codeLength).orElse(0);
      if (size > MAX_INLINE_SIZE) {
        tooLarge.add(name + descriptor + " is " + size + " bytes");
      }
    }
    assertTrue(type != VectorMath.class || checked >= 5, "found the vector methods: " + checked);
    assertTrue(notAllowed.isEmpty(), "vectors passed to or from: " + notAllowed);
    assertTrue(tooLarge.isEmpty(), "over " + MAX_INLINE_SIZE + " bytes: " + tooLarge);
  }
}
