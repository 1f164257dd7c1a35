package org.vtsim.cpu.exec;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Just enough of a JVM class-file writer (JVMS chapter 4) for {@link BlockTranslator}: one public
 * final class with a no-argument constructor and methods whose code is straight-line calls and
 * forward branches. It writes class-file version 49, which carries no StackMapTable (JVMS 4.10.2:
 * such classes are checked by type inference), so the code needs no frames.
 */
final class ClassFileWriter {
    private static final int VERSION = 49;
    private static final int ACC_PUBLIC = 0x0001;
    private static final int ACC_FINAL = 0x0010;
    private static final int ACC_SUPER = 0x0020;

    private final Bytes pool = new Bytes();
    private int poolCount = 1;
    private final Map<String, Integer> entries = new HashMap<>();
    private final int thisClass;
    private final int superClass;
    private final int[] interfaces;
    private final Bytes methods = new Bytes();
    private int methodCount;

    ClassFileWriter(String name, String superName, String... interfaceNames) {
        thisClass = classRef(name);
        superClass = classRef(superName);
        interfaces = new int[interfaceNames.length];
        for (int i = 0; i < interfaceNames.length; i++) {
            interfaces[i] = classRef(interfaceNames[i]);
        }
        Code init = new Code();
        init.aload(0);
        init.invokespecial(superName, "<init>", "()V");
        init.op(0xb1); // return
        method("<init>", "()V", init, 1, 1);
    }

    // ---- constant pool (JVMS 4.4) ----

    // Written without lambdas and string concatenation: both bootstrap through invokedynamic on first
    // use, which costs a short run tens of milliseconds at its first translation.

    /** The index of the entry named {@code key}, or 0 (then the caller writes it and calls {@link #added}). */
    private int find(String key) {
        Integer i = entries.get(key);
        return i == null ? 0 : i;
    }

    private int added(String key, int slots) {
        int index = poolCount;
        poolCount += slots;
        entries.put(key, index);
        return index;
    }

    int utf8(String s) {
        String key = "U".concat(s);
        int i = find(key);
        if (i != 0) {
            return i;
        }
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8); // names here are ASCII
        pool.u1(1);
        pool.u2(bytes.length);
        pool.write(bytes, 0, bytes.length);
        return added(key, 1);
    }

    int classRef(String internalName) {
        int name = utf8(internalName);
        String key = "C".concat(internalName);
        int i = find(key);
        if (i != 0) {
            return i;
        }
        pool.u1(7);
        pool.u2(name);
        return added(key, 1);
    }

    private int nameAndType(String name, String descriptor) {
        int n = utf8(name);
        int d = utf8(descriptor);
        String key = "N".concat(name).concat(" ").concat(descriptor);
        int i = find(key);
        if (i != 0) {
            return i;
        }
        pool.u1(12);
        pool.u2(n);
        pool.u2(d);
        return added(key, 1);
    }

    private int memberRef(int tag, String owner, String name, String descriptor) {
        int c = classRef(owner);
        int nt = nameAndType(name, descriptor);
        String key = "M".concat(owner).concat(".").concat(name).concat(descriptor);
        int i = find(key);
        if (i != 0) {
            return i;
        }
        pool.u1(tag);
        pool.u2(c);
        pool.u2(nt);
        return added(key, 1);
    }

    private int longConstant(long v) {
        String key = "J".concat(Long.toString(v));
        int i = find(key);
        if (i != 0) {
            return i;
        }
        pool.u1(5);
        pool.u4((int) (v >>> 32));
        pool.u4((int) v);
        return added(key, 2);
    }

    // ---- methods ----

    /** Adds a public method with {@code code}. */
    void method(String name, String descriptor, Code code, int maxStack, int maxLocals) {
        int n = utf8(name);
        int d = utf8(descriptor);
        int codeAttr = utf8("Code");
        methods.u2(ACC_PUBLIC);
        methods.u2(n);
        methods.u2(d);
        methods.u2(1); // attributes: Code
        methods.u2(codeAttr);
        byte[] body = code.bytes.toByteArray();
        methods.u4(2 + 2 + 4 + body.length + 2 + 2);
        methods.u2(maxStack);
        methods.u2(maxLocals);
        methods.u4(body.length);
        methods.write(body, 0, body.length);
        methods.u2(0); // exception table
        methods.u2(0); // attributes
        methodCount++;
    }

    byte[] toBytes() {
        Bytes out = new Bytes();
        out.u4(0xcafebabe);
        out.u2(0);
        out.u2(VERSION);
        out.u2(poolCount);
        out.write(pool.toByteArray(), 0, pool.size());
        out.u2(ACC_PUBLIC | ACC_FINAL | ACC_SUPER);
        out.u2(thisClass);
        out.u2(superClass);
        out.u2(interfaces.length);
        for (int i : interfaces) {
            out.u2(i);
        }
        out.u2(0); // fields
        out.u2(methodCount);
        out.write(methods.toByteArray(), 0, methods.size());
        out.u2(0); // attributes
        return out.toByteArray();
    }

    /** A method body: the handful of instructions (JVMS chapter 6) translated blocks use. */
    final class Code {
        final Bytes bytes = new Bytes();

        void op(int opcode) {
            bytes.u1(opcode);
        }

        void aload(int local) {
            op(0x2a + local); // aload_<n>, locals 0-3 only
        }

        /** Pushes an int: iconst_m1 … iconst_5, bipush, sipush. */
        void iconst(int v) {
            if (v >= -1 && v <= 5) {
                op(0x03 + v);
            } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
                op(0x10);
                bytes.u1(v);
            } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
                op(0x11);
                bytes.u2(v);
            } else {
                throw new IllegalArgumentException("int constant out of sipush range: ".concat(Integer.toString(v)));
            }
        }

        /** Pushes a long: lconst_0, lconst_1 or ldc2_w. */
        void lconst(long v) {
            if (v == 0 || v == 1) {
                op(0x09 + (int) v);
            } else {
                op(0x14);
                bytes.u2(longConstant(v));
            }
        }

        void invokestatic(String owner, String name, String descriptor) {
            op(0xb8);
            bytes.u2(memberRef(10, owner, name, descriptor));
        }

        void invokevirtual(String owner, String name, String descriptor) {
            op(0xb6);
            bytes.u2(memberRef(10, owner, name, descriptor));
        }

        void invokespecial(String owner, String name, String descriptor) {
            op(0xb7);
            bytes.u2(memberRef(10, owner, name, descriptor));
        }

        /** Pops an int (a boolean) and, when it is not 0, returns {@code value} from the method. */
        void ireturnIfTrue(int value) {
            int at = bytes.size();
            op(0x99); // ifeq: past the return
            bytes.u2(0);
            iconst(value);
            op(0xac); // ireturn
            bytes.patchU2(at + 1, bytes.size() - at);
        }

        void ireturn(int value) {
            iconst(value);
            op(0xac);
        }
    }

    Code code() {
        return new Code();
    }

    /** A growable big-endian byte buffer (class files are big-endian, JVMS 4.1). */
    static final class Bytes extends ByteArrayOutputStream {
        void u1(int v) {
            write(v);
        }

        void u2(int v) {
            write(v >>> 8);
            write(v);
        }

        void u4(int v) {
            u2(v >>> 16);
            u2(v);
        }

        void patchU2(int at, int v) {
            buf[at] = (byte) (v >>> 8);
            buf[at + 1] = (byte) v;
        }
    }
}
