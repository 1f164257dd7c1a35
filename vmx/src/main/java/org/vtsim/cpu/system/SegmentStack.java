package org.vtsim.cpu.system;

import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.LinearMemory;
import org.vtsim.cpu.Segment;
import org.vtsim.cpu.Vectors;

/**
 * A stack pointer on one stack segment, used for the pushes and pops of far CALL/RET, event
 * delivery and IRET. It works on a private copy of the pointer so that an instruction can fault
 * half-way without changing RSP; the caller commits {@link #rsp} only when all checks passed.
 *
 * <p>Stack-address size is 64 bits in 64-bit mode (no limit check, canonical check, SS base
 * ignored), else 32 or 16 bits by SS.B with the segment-limit check of SDM Vol. 3A 5.3 (both
 * expand-up and expand-down). A limit or canonical violation raises #SS(errorCode).
 */
public final class SegmentStack {
    private final LinearMemory mem;
    private final CpuState state;
    private final long base;
    private final long limit;
    private final boolean expandDown;
    /** Stack-address size in bytes: 2, 4 or 8. */
    public final int addressSize;
    private final int ssErrorCode;
    private boolean implicitSupervisor;
    public long rsp;

    public SegmentStack(LinearMemory mem, CpuState state, long base, long limit, int attributes, int addressSize,
            long rsp, int ssErrorCode) {
        this.mem = mem;
        this.state = state;
        this.base = base;
        this.limit = limit;
        this.expandDown = (attributes & Descriptor.TYPE_EXPAND_DOWN_OR_CONFORMING) != 0
                && (attributes & Descriptor.TYPE_CODE) == 0 && addressSize != 8;
        this.addressSize = addressSize;
        this.ssErrorCode = ssErrorCode;
        this.rsp = rsp;
    }

    /** The stack currently in use: SS:RSP of the running code (#SS(0) on violations). */
    public static SegmentStack current(CpuState s, LinearMemory mem) {
        Segment ss = s.seg[CpuState.SS];
        int size = s.mode64() ? 8 : ss.isDefaultBig() ? 4 : 2;
        return new SegmentStack(mem, s, ss.base, ss.limit, ss.attributes, size, s.gpr[CpuState.RSP], 0);
    }

    /** A 64-bit stack at {@code rsp}, as IA-32e event delivery uses (SDM Vol. 3A 6.14.2). */
    public static SegmentStack flat64(CpuState s, LinearMemory mem, long rsp) {
        return new SegmentStack(mem, s, 0, -1L, 0, 8, rsp, 0);
    }

    /**
     * Marks the accesses as implicit supervisor-mode accesses: SDM Vol. 3A 4.6 makes the pushes
     * onto a new, more privileged stack (from the TSS) supervisor accesses; pushes and pops on the
     * current stack are checked at the current CPL.
     */
    public SegmentStack supervisor() {
        implicitSupervisor = true;
        return this;
    }

    private long wrap(long offset) {
        return switch (addressSize) {
            case 2 -> offset & 0xffffL;
            case 4 -> offset & 0xffffffffL;
            default -> offset;
        };
    }

    private long linear(long offset, int size) {
        if (addressSize == 8) {
            if (!Canonical.isCanonical(state, offset) || !Canonical.isCanonical(state, offset + size - 1)) {
                throw CpuFault.withError(Vectors.SS, ssErrorCode);
            }
            return offset;
        }
        long last = offset + size - 1;
        long upper = addressSize == 4 ? 0xffffffffL : 0xffffL;
        boolean ok = expandDown ? offset > limit && last <= upper : last <= limit;
        if (!ok) {
            throw CpuFault.withError(Vectors.SS, ssErrorCode);
        }
        return (base + offset) & 0xffffffffL;
    }

    public void push(long value, int size) {
        long next = wrap(rsp - size);
        mem.writeLinear(linear(next, size), size, value, implicitSupervisor);
        rsp = next;
    }

    public long pop(int size) {
        long value = mem.readLinear(linear(rsp, size), size, implicitSupervisor);
        rsp = wrap(rsp + size);
        return value;
    }

    /** Reads without moving the pointer, {@code offset} bytes above it. */
    public long peek(long offset, int size) {
        return mem.readLinear(linear(wrap(rsp + offset), size), size, implicitSupervisor);
    }

    public void skip(long bytes) {
        rsp = wrap(rsp + bytes);
    }

    /** RSP as the register should read after this stack's pointer is committed. */
    public long mergedInto(long oldRsp) {
        return switch (addressSize) {
            case 2 -> (oldRsp & ~0xffffL) | rsp;
            case 4 -> rsp;
            default -> rsp;
        };
    }
}
