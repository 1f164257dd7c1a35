package org.vtsim.monitor.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.vtsim.vmx.ExitReason;
import org.vtsim.vmx.exit.ControlRegisterAccessQualification;
import org.vtsim.vmx.exit.EptViolationQualification;
import org.vtsim.vmx.exit.InterruptionInformation;
import org.vtsim.vmx.exit.IoQualification;

/** Random but plausible exit sequences for the recorder properties, built from real qualifications. */
final class ExitSequences {
    /** One exit as the monitor would see it. */
    record Exit(long guestCycles, int reason, long qualification, long rip, long instructions, long detail,
            long handlingCycles) {
    }

    private static final ExitReason[] REASONS = {ExitReason.CPUID, ExitReason.HLT, ExitReason.VMCALL,
        ExitReason.IO_INSTRUCTION, ExitReason.RDMSR, ExitReason.WRMSR, ExitReason.CONTROL_REGISTER_ACCESSES,
        ExitReason.EPT_VIOLATION, ExitReason.EXCEPTION_OR_NMI, ExitReason.EXTERNAL_INTERRUPT,
        ExitReason.VMX_PREEMPTION_TIMER_EXPIRED};
    private static final int[] PORTS = {0x80, 0x3f8, 0x3fd, 0xf4, 0x510};
    private static final int[] MSRS = {0x6e0, 0x808, 0x80b, 0x1b, 0xc0000080};

    private ExitSequences() {
    }

    static List<Exit> generate(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Exit> out = new ArrayList<>();
        long instructions = 0;
        // a few reasons dominate in most sequences, as in real runs
        int bias = r.nextInt(REASONS.length);
        for (int i = 0; i < n; i++) {
            ExitReason reason = r.nextInt(3) == 0 ? REASONS[bias] : REASONS[r.nextInt(REASONS.length)];
            long q = 0;
            long rcx = 0;
            long info = 0;
            switch (reason) {
                case IO_INSTRUCTION -> q = IoQualification.encode(new int[] {1, 2, 4}[r.nextInt(3)], r.nextBoolean(),
                        false, false, r.nextBoolean(), PORTS[r.nextInt(PORTS.length)]);
                case RDMSR, WRMSR -> rcx = MSRS[r.nextInt(MSRS.length)];
                case CONTROL_REGISTER_ACCESSES -> q = r.nextBoolean()
                        ? ControlRegisterAccessQualification.movToCr(new int[] {0, 3, 4, 8}[r.nextInt(4)], r.nextInt(16))
                        : ControlRegisterAccessQualification.movFromCr(new int[] {3, 8}[r.nextInt(2)], r.nextInt(16));
                case EPT_VIOLATION -> q = EptViolationQualification.encode(1 << r.nextInt(3),
                        r.nextBoolean() ? 0 : 1 + r.nextInt(7), true, true, false);
                case EXCEPTION_OR_NMI -> info = InterruptionInformation.hardwareException(
                        new int[] {1, 3, 6, 13, 14}[r.nextInt(5)]);
                default -> {
                }
            }
            long detail = ExitDetail.forExit(reason.number, q, rcx, info);
            instructions += r.nextInt(5000);
            out.add(new Exit(r.nextInt(1_000_000), reason.number, q, 0x100000 + r.nextInt(0x10000), instructions,
                    detail, r.nextInt(3) == 0 ? r.nextInt(200_000) : 500 + r.nextInt(2000)));
        }
        return out;
    }

    /** Feeds {@code exits} to {@code rec} from cycle {@code start}; returns the end cycle. */
    static long run(ExitRecorder rec, List<Exit> exits, long start, long tail) {
        long t = start;
        rec.entry(t);
        long instructions = 0;
        for (Exit e : exits) {
            t += e.guestCycles();
            rec.exit(t, e.reason(), e.qualification(), e.rip(), e.instructions(), e.detail());
            t += e.handlingCycles();
            rec.entry(t);
            instructions = e.instructions();
        }
        t += tail;
        rec.finish(t, instructions + 7);
        return t;
    }
}
