package org.vtsim.monitor;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Segment;
import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.cpu.decode.Insn;
import org.vtsim.ept.paging.Access;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/**
 * The operands of one instruction the monitor emulates, as the processor would reach them: guest
 * registers (RSP from the VMCS, the others in the processor), memory operands by guest-linear
 * address (segment base from the VMCS, SDM Vol. 3A 3.4.4 and 3.3.7.1), translated through the guest's
 * paging structures ({@link GuestAccess}), and the guest-physical address then routed: the page of the
 * intercepted access goes to the {@link EmulatedTarget} the exit handler gave, any other address to
 * guest RAM, a device, or unassigned memory ({@link EmulatedTarget#guestPhysical}) — the second operand
 * of MOVS may be ordinary RAM.
 */
final class EmulatedOperands {
    private static final VmcsField[] BASES = {GUEST_ES_BASE, GUEST_CS_BASE, GUEST_SS_BASE, GUEST_DS_BASE,
        GUEST_FS_BASE, GUEST_GS_BASE};
    private static final VmcsField[] LIMITS = {GUEST_ES_LIMIT, GUEST_CS_LIMIT, GUEST_SS_LIMIT, GUEST_DS_LIMIT,
        GUEST_FS_LIMIT, GUEST_GS_LIMIT};

    final Vcpu vcpu;
    final Vmcs v;
    final Insn insn;
    final boolean mode64;
    /** The guest-physical page of the intercepted access. */
    private final long exitPage;
    private final long exitGpa;
    private final EmulatedTarget target;
    private final EmulatedTarget elsewhere;
    private final int user;
    private final long rip;

    EmulatedOperands(Vcpu vcpu, Vmcs v, Insn insn, boolean mode64, long rip, long gpa, EmulatedTarget target) {
        this.vcpu = vcpu;
        this.v = v;
        this.insn = insn;
        this.mode64 = mode64;
        this.rip = rip;
        this.exitGpa = gpa;
        this.exitPage = gpa & ~0xfffL;
        this.target = target;
        this.elsewhere = EmulatedTarget.guestPhysical(vcpu);
        this.user = ((v.get32(GUEST_SS_ACCESS_RIGHTS) >>> 5) & 3) == 3 ? Access.USER : 0;
    }

    // ---- registers ----

    /** The decoder's register numbering: 16-19 are AH, CH, DH, BH (byte operands without REX). */
    long register(int r, int size) {
        return switch (size) {
            case 8 -> vcpu.register(r);
            case 4 -> vcpu.register(r) & 0xffffffffL;
            case 2 -> vcpu.register(r) & 0xffff;
            default -> r < 16 ? vcpu.register(r) & 0xff : (vcpu.register(r - 16) >>> 8) & 0xff;
        };
    }

    /** x86-64 register writes: 32-bit writes zero-extend, 8- and 16-bit writes merge (SDM Vol. 1 3.4.1.1). */
    void setRegister(int r, int size, long value) {
        switch (size) {
            case 8 -> vcpu.setRegister(r, value);
            case 4 -> vcpu.setRegister(r, value & 0xffffffffL);
            case 2 -> vcpu.setRegister(r, (vcpu.register(r) & ~0xffffL) | (value & 0xffff));
            default -> {
                if (r < 16) {
                    vcpu.setRegister(r, (vcpu.register(r) & ~0xffL) | (value & 0xff));
                } else {
                    vcpu.setRegister(r - 16, (vcpu.register(r - 16) & ~0xff00L) | (value & 0xff) << 8);
                }
            }
        }
    }

    // ---- addresses ----

    static long truncate(long value, int size) {
        return size >= 8 ? value : value & ((1L << (8 * size)) - 1);
    }

    /** The effective address of the ModRM (or moffs) memory operand, in the address size. */
    long effectiveAddress() {
        long a = insn.disp;
        if (insn.base >= 0) {
            a += insn.base == Insn.RIP ? rip + insn.len : vcpu.register(insn.base);
        }
        if (insn.index >= 0) {
            a += vcpu.register(insn.index) << insn.scale;
        }
        return truncate(a, insn.asz);
    }

    /**
     * The linear address of {@code offset} in segment {@code seg}: in 64-bit mode only FS and GS have a
     * base (SDM Vol. 3A 3.3.7.1); elsewhere the base from the VMCS, wrapping at 4 GiB.
     */
    long linear(int seg, long offset) {
        if (mode64) {
            return seg >= CpuState.FS ? offset + v.get(BASES[seg]) : offset;
        }
        return (v.get(BASES[seg]) + offset) & 0xffffffffL;
    }

    /**
     * Whether {@code size} bytes at {@code offset} lie within segment {@code seg}'s limit (an expand-up
     * data segment; SDM Vol. 3A 5.3). Only asked for the later iterations of a string instruction: the
     * processor checked the access that exited before it reached memory.
     */
    boolean withinLimit(int seg, long offset, int size) {
        if (mode64) {
            return true;
        }
        int ar = v.get32(switch (seg) {
            case CpuState.ES -> GUEST_ES_ACCESS_RIGHTS;
            case CpuState.CS -> GUEST_CS_ACCESS_RIGHTS;
            case CpuState.SS -> GUEST_SS_ACCESS_RIGHTS;
            case CpuState.DS -> GUEST_DS_ACCESS_RIGHTS;
            case CpuState.FS -> GUEST_FS_ACCESS_RIGHTS;
            default -> GUEST_GS_ACCESS_RIGHTS;
        });
        if ((ar & 0xc) == 4 || (ar & Segment.ATTR_UNUSABLE) != 0) {
            return false; // expand-down or unusable: leave it to the processor
        }
        return offset + size - 1 <= (v.get(LIMITS[seg]) & 0xffffffffL);
    }

    /** The guest-physical address of {@code linear} for {@code access}; #PF for the guest if refused. */
    long translate(long linear, int access) {
        return vcpu.access().translate(linear, access | user);
    }

    /** Whether a guest-physical address lies on the page of the intercepted access. */
    boolean onExitPage(long gpa) {
        return (gpa & ~0xfffL) == exitPage;
    }

    /**
     * Checks that an access of {@code size} bytes at {@code linear} stays within one page: one that
     * straddles two would have to be split between two targets, which the emulator does not do.
     */
    void requireOnePage(long linear, int size) {
        if ((linear & 0xfff) + size > 4096) {
            throw new UnsupportedFeature("emulation of a " + size + "-byte access crossing a page boundary at linear 0x"
                    + Long.toHexString(linear) + " (" + insn.disassemble(rip).strip() + ")");
        }
    }

    /**
     * The guest-physical address of the instruction's single memory operand at {@code linear}: the
     * intercepted access itself. Where the exit reported the same page offset the exit's address is
     * taken without a walk (KVM's "gpa available"); otherwise the guest's tables are walked.
     */
    long operand(long linear, int size, boolean write) {
        requireOnePage(linear, size);
        long gpa = (linear & 0xfff) == (exitGpa & 0xfff) ? exitGpa : translate(linear, write ? Access.WRITE : 0);
        if (!onExitPage(gpa)) {
            throw new UnsupportedFeature("emulation of " + insn.disassemble(rip).strip() + ": its memory operand (linear 0x"
                    + Long.toHexString(linear) + ", guest-physical 0x" + Long.toHexString(gpa)
                    + ") is not the intercepted access at guest-physical 0x" + Long.toHexString(exitGpa));
        }
        return gpa;
    }

    // ---- memory ----

    /** Reads {@code size} (1-8) bytes at guest-physical {@code gpa}: the exit's target on its page. */
    long read(long gpa, int size) {
        return onExitPage(gpa) ? target.read(gpa, size) : elsewhere.read(gpa, size);
    }

    void write(long gpa, int size, long value) {
        if (onExitPage(gpa)) {
            target.write(gpa, size, truncate(value, size));
        } else {
            elsewhere.write(gpa, size, truncate(value, size));
        }
    }
}
