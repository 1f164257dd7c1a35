package org.vtsim.monitor.stats;

import org.vtsim.vmx.ExitReason;
import org.vtsim.vmx.exit.ControlRegisterAccessQualification;
import org.vtsim.vmx.exit.EptViolationQualification;
import org.vtsim.vmx.exit.InterruptionInformation;
import org.vtsim.vmx.exit.IoQualification;
import org.vtsim.vmx.exit.X86Names;

/**
 * The breakdown key of one VM exit, packed into a {@code long} so recording an exit allocates nothing.
 * Bits 63:60 hold the {@link Breakdown} (0 = none), the low bits the key:
 *
 * <pre>
 *   I/O port        port (15:0), access size in bytes (18:16), IN (bit 20)        SDM 27.2.1 Table 27-5
 *   MSR             MSR index (31:0), WRMSR (bit 32)                               RDMSR / WRMSR: ECX
 *   CR              control register (3:0), access type (5:4)                      SDM 27.2.1 Table 27-3
 *   EPT violation   access read/write/fetch (2:0), entry present (bit 3)           SDM 27.2.1 Table 27-7
 *   exception       vector (7:0)                                                   SDM 27.2.2
 * </pre>
 *
 * "Present" for an EPT violation means that the AND of the EPT entries' read/write/execute bits
 * (qualification bits 5:3) is not zero: the guest-physical address is mapped but the access is not
 * permitted; "not present" is a missing mapping (what a monitor populating memory lazily sees).
 */
public final class ExitDetail {
    /** No breakdown for this exit. */
    public static final long NONE = 0;

    private static final int KIND_SHIFT = 60;
    /** Breakdown.values() clones its array on every call; the hot path must not allocate. */
    private static final Breakdown[] BREAKDOWNS = Breakdown.values();

    private ExitDetail() {
    }

    public static long io(int port, int size, boolean in) {
        if ((port & ~0xffff) != 0 || (size != 1 && size != 2 && size != 4)) {
            throw new IllegalArgumentException("I/O port " + port + " size " + size);
        }
        return tag(Breakdown.IO_PORT) | port | (long) size << 16 | (in ? 1L << 20 : 0);
    }

    public static long msr(int index, boolean write) {
        return tag(Breakdown.MSR) | Integer.toUnsignedLong(index) | (write ? 1L << 32 : 0);
    }

    /**
     * @param accessType {@link ControlRegisterAccessQualification#MOV_TO_CR}, {@code MOV_FROM_CR},
     *     {@code CLTS} or {@code LMSW}
     */
    public static long cr(int cr, int accessType) {
        if ((cr & ~15) != 0 || (accessType & ~3) != 0) {
            throw new IllegalArgumentException("CR" + cr + " access type " + accessType);
        }
        return tag(Breakdown.CR) | cr | accessType << 4;
    }

    /** @param access the qualification's bits 2:0 (EptViolationQualification.ACCESS_*) */
    public static long eptViolation(int access, boolean present) {
        if ((access & ~7) != 0) {
            throw new IllegalArgumentException("EPT access bits " + access);
        }
        return tag(Breakdown.EPT_VIOLATION) | access | (present ? 8 : 0);
    }

    public static long exception(int vector) {
        if ((vector & ~0xff) != 0) {
            throw new IllegalArgumentException("vector " + vector);
        }
        return tag(Breakdown.EXCEPTION) | vector;
    }

    /**
     * The detail of an exit from what the VMCS and registers say about it: the qualification (I/O, CR,
     * EPT violation), ECX (RDMSR/WRMSR) or the VM-exit interruption information (exception or NMI).
     * Reasons without a breakdown give {@link #NONE}.
     */
    public static long forExit(int exitReason, long qualification, long rcx, long exitInterruptionInformation) {
        ExitReason r = ExitReason.byNumber(exitReason);
        if (r == null || (exitReason & ExitReason.ENTRY_FAILURE_BIT) != 0) {
            return NONE;
        }
        return switch (r) {
            case IO_INSTRUCTION -> io(IoQualification.port(qualification), ioSize(qualification),
                    IoQualification.in(qualification));
            case RDMSR -> msr((int) rcx, false);
            case WRMSR -> msr((int) rcx, true);
            case CONTROL_REGISTER_ACCESSES -> cr(ControlRegisterAccessQualification.controlRegister(qualification),
                    ControlRegisterAccessQualification.accessType(qualification));
            case EPT_VIOLATION -> eptViolation(EptViolationQualification.access(qualification),
                    EptViolationQualification.permissions(qualification) != 0);
            case EXCEPTION_OR_NMI -> exception(InterruptionInformation.vector(exitInterruptionInformation));
            default -> NONE;
        };
    }

    private static int ioSize(long q) {
        int size = IoQualification.size(q);
        if (size != 1 && size != 2 && size != 4) {
            throw new IllegalArgumentException("I/O qualification with size field " + (size - 1));
        }
        return size;
    }

    /** The breakdown table an exit with this detail belongs to, or {@code null} for {@link #NONE}. */
    public static Breakdown breakdown(long detail) {
        int k = (int) (detail >>> KIND_SHIFT);
        if (k > BREAKDOWNS.length) {
            throw new IllegalArgumentException("not an exit detail: 0x" + Long.toHexString(detail));
        }
        return k == 0 ? null : BREAKDOWNS[k - 1];
    }

    /**
     * The row label, in the style of {@code perf kvm stat --event=ioport|msr}: "0x80:POUT:1",
     * "0x6e0:W", "CR8:MOV_TO", "write:not-present", "14:#PF".
     */
    public static String label(long detail) {
        Breakdown b = breakdown(detail);
        if (b == null) {
            return "-";
        }
        return switch (b) {
            case IO_PORT -> "0x" + Integer.toHexString((int) detail & 0xffff) + ((detail & 1L << 20) != 0
                    ? ":PIN:" : ":POUT:") + ((detail >>> 16) & 7);
            case MSR -> "0x" + Long.toHexString(detail & 0xffffffffL) + ((detail & 1L << 32) != 0 ? ":W" : ":R");
            case CR -> switch ((int) (detail >>> 4) & 3) {
                case ControlRegisterAccessQualification.MOV_TO_CR -> "CR" + (detail & 15) + ":MOV_TO";
                case ControlRegisterAccessQualification.MOV_FROM_CR -> "CR" + (detail & 15) + ":MOV_FROM";
                case ControlRegisterAccessQualification.CLTS -> "CR0:CLTS";
                default -> "CR0:LMSW";
            };
            case EPT_VIOLATION -> eptAccess((int) detail & 7) + ((detail & 8) != 0 ? ":present" : ":not-present");
            case EXCEPTION -> (detail & 0xff) + ":" + X86Names.exception((int) detail & 0xff);
        };
    }

    private static String eptAccess(int a) {
        if (a == 0) {
            return "none";
        }
        StringBuilder s = new StringBuilder();
        if ((a & EptViolationQualification.ACCESS_READ) != 0) {
            s.append("read");
        }
        if ((a & EptViolationQualification.ACCESS_WRITE) != 0) {
            s.append(s.length() > 0 ? "+" : "").append("write");
        }
        if ((a & EptViolationQualification.ACCESS_FETCH) != 0) {
            s.append(s.length() > 0 ? "+" : "").append("fetch");
        }
        return s.toString();
    }

    /** Whether an exit of this basic reason may (and must) carry a detail of this breakdown. */
    static Breakdown breakdownOf(int basicReason) {
        ExitReason r = ExitReason.byNumber(basicReason);
        if (r == null) {
            return null;
        }
        return switch (r) {
            case IO_INSTRUCTION -> Breakdown.IO_PORT;
            case RDMSR, WRMSR -> Breakdown.MSR;
            case CONTROL_REGISTER_ACCESSES -> Breakdown.CR;
            case EPT_VIOLATION -> Breakdown.EPT_VIOLATION;
            case EXCEPTION_OR_NMI -> Breakdown.EXCEPTION;
            default -> null;
        };
    }

    private static long tag(Breakdown b) {
        return (long) (b.ordinal() + 1) << KIND_SHIFT;
    }
}
