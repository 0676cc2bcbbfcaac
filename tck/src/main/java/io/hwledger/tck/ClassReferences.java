package io.hwledger.tck;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The classes a compiled class refers to, read from its constant pool (JVMS §4.4): every {@code
 * CONSTANT_Class} and every class named in a descriptor or signature, which covers supertypes,
 * fields, method signatures, calls, casts, and (with debug information) local variables. Names are
 * in internal form ({@code java/lang/String}). {@code java.lang.classfile} is not in Java 17, hence
 * this reader.
 */
final class ClassReferences {
  private static final int MAGIC = 0xCAFEBABE;

  /** {@code Lpkg/Name;} or {@code Lpkg/Name<} inside a descriptor or signature. */
  private static final Pattern DESCRIBED =
      Pattern.compile("L([A-Za-z_$][\\w$]*(?:/[A-Za-z_$][\\w$]*)+)[;<]");

  private ClassReferences() {}

  /** The classes {@code classFile} refers to, sorted. */
  static Set<String> of(InputStream classFile) throws IOException {
    DataInputStream in = new DataInputStream(classFile);
    if (in.readInt() != MAGIC) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort(); // minor_version
    in.readUnsignedShort(); // major_version
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    List<Integer> classNames = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF(); // Utf8: u2 length + modified UTF-8, as readUTF reads
        case 7 -> classNames.add(in.readUnsignedShort()); // Class
        case 8, 16, 19, 20 -> skip(in, 2); // String, MethodType, Module, Package
        case 15 -> skip(in, 3); // MethodHandle
        case 3, 4, 9, 10, 11, 12, 17, 18 ->
            skip(in, 4); // Integer, Float, refs, NameAndType, dynamic
        case 5, 6 -> { // Long, Double take two entries
          skip(in, 8);
          i++;
        }
        default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
      }
    }
    Set<String> names = new TreeSet<>();
    for (int index : classNames) {
      String name = utf8[index];
      if (name == null) {
        throw new IOException("CONSTANT_Class names entry " + index + ", not a Utf8");
      }
      if (name.startsWith("[")) {
        described(name, names);
      } else {
        names.add(name);
      }
    }
    for (String text : utf8) {
      if (text != null) {
        described(text, names);
      }
    }
    return names;
  }

  private static void described(String text, Set<String> names) {
    Matcher m = DESCRIBED.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
  }

  private static void skip(DataInputStream in, int bytes) throws IOException {
    in.readFully(new byte[bytes]);
  }
}
