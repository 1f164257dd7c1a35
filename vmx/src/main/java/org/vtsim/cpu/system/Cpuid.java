package org.vtsim.cpu.system;

import java.nio.charset.StandardCharsets;
import org.vtsim.cpu.CpuState;

/**
 * The CPUID instruction for a {@link CpuidModel} (SDM Vol. 2A CPUID). Basic leaves 0-0BH and
 * extended leaves 80000000H-80000008H. Leaves the model has no information for return zeros
 * (cache/TLB descriptors, power management, performance monitoring); an input above the highest
 * basic or extended leaf returns the data of the highest basic leaf, as Intel processors do
 * (SDM Vol. 2A CPUID, "If a value entered for CPUID.EAX is higher than the maximum input value").
 * CPUID is valid at every CPL.
 */
public final class Cpuid {
    static final int MAX_BASIC = 0x0b;
    static final int MAX_EXTENDED = 0x80000008;

    private final CpuidModel model;
    /** Leaf 0's EBX, EDX, ECX: the vendor string, worked out once (leaf 0 is what exit benchmarks ask). */
    private final int[] vendor;

    public Cpuid(CpuidModel model) {
        this.model = model;
        byte[] b = model.vendor().getBytes(StandardCharsets.US_ASCII);
        this.vendor = new int[] {word(b, 0), word(b, 4), word(b, 8)};
    }

    public CpuidModel model() {
        return model;
    }

    /** Reads EAX (leaf) and ECX (sub-leaf), writes EAX, EBX, ECX, EDX (upper halves cleared). */
    public void execute(CpuState s) {
        int[] r = query((int) s.gpr[CpuState.RAX], (int) s.gpr[CpuState.RCX]);
        s.gpr[CpuState.RAX] = r[0] & 0xffffffffL;
        s.gpr[CpuState.RBX] = r[1] & 0xffffffffL;
        s.gpr[CpuState.RCX] = r[2] & 0xffffffffL;
        s.gpr[CpuState.RDX] = r[3] & 0xffffffffL;
    }

    /** {EAX, EBX, ECX, EDX} for a leaf and sub-leaf. */
    public int[] query(int leaf, int subleaf) {
        boolean basic = Integer.compareUnsigned(leaf, MAX_BASIC) <= 0;
        boolean extended = Integer.compareUnsigned(leaf, 0x80000000) >= 0
                && Integer.compareUnsigned(leaf, MAX_EXTENDED) <= 0;
        if (!basic && !extended) {
            return query(MAX_BASIC, subleaf);
        }
        int[] r = new int[4];
        switch (leaf) {
            case 0 -> {
                r[0] = MAX_BASIC;
                r[1] = vendor[0];
                r[3] = vendor[1];
                r[2] = vendor[2];
            }
            case 1 -> {
                r[0] = model.signature();
                // EBX: CLFLUSH line size in 8-byte units (15:8), logical processors (23:16), initial APIC ID (31:24).
                r[1] = (model.has(CpuFeature.CLFSH) ? 8 << 8 : 0) | (1 << 16) | (model.apicId() & 0xff) << 24;
                features(1, r);
            }
            case 2 -> r[0] = 0x00000001; // one iteration, no descriptors: no cache information
            case 6, 7 -> {
                if (leaf == 6 || subleaf == 0) {
                    features(leaf, r);
                }
            }
            case 0x0b -> topology(subleaf, r);
            case 0x80000000 -> r[0] = MAX_EXTENDED;
            case 0x80000001, 0x80000007 -> features(leaf, r);
            case 0x80000002, 0x80000003, 0x80000004 -> brandWords(leaf - 0x80000002, r);
            case 0x80000008 -> r[0] = (model.maxPhysAddr() & 0xff) | (model.linearAddressBits() & 0xff) << 8;
            default -> {
                // Leaves 3-5, 8-0AH and 80000005H-80000006H: no information modelled (all zero).
            }
        }
        return r;
    }

    private void features(int leaf, int[] r) {
        for (CpuFeature f : model.features()) {
            if (f.leaf == leaf) {
                r[f.reg.ordinal()] |= 1 << f.bit;
            }
        }
    }

    /**
     * Leaf 0BH, x2APIC topology of one core with one thread (SDM Vol. 2A CPUID leaf 0BH): level 0
     * SMT and level 1 core, each with one logical processor; higher sub-leaves are invalid.
     */
    private void topology(int subleaf, int[] r) {
        r[3] = model.apicId();
        r[2] = subleaf & 0xff;
        if (subleaf == 0 || subleaf == 1) {
            r[0] = 0;
            r[1] = 1;
            r[2] |= (subleaf + 1) << 8;
        }
    }

    private void brandWords(int part, int[] r) {
        byte[] b = new byte[48];
        byte[] src = model.brand().getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(src, 0, b, 0, Math.min(src.length, 47));
        for (int i = 0; i < 4; i++) {
            r[i] = word(b, part * 16 + i * 4);
        }
    }

    private static int word(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }
}
