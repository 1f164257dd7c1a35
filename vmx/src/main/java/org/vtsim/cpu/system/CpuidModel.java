package org.vtsim.cpu.system;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * One consistent CPU identity: what CPUID reports and what every other unit must implement (the
 * control-register reserved bits, the EFER bits, the MSRs that exist follow from it). Immutable;
 * derive variants with {@link #with} / {@link #without}.
 *
 * <p>The default is a Skylake-SP-class core that advertises exactly what vtsim models: the
 * general-purpose integer ISA, long mode, the paging features of the ept walker, the APIC. It
 * has <b>no x87, MMX, SSE or AVX</b>: FPU, FXSR and SSE* are clear, so CR4.OSFXSR is reserved and
 * guests must be built with {@code -mgeneral-regs-only} (or {@code -mno-sse -mno-mmx -mno-80387}).
 * VMX stays off until the VMX issue lands. BMI1 is off (ANDN, BEXTR... are VEX-encoded and not
 * modelled), so F3 0F BC executes as BSF; LZCNT is on, so F3 0F BD is LZCNT.
 *
 * @param signature CPUID.01H:EAX (family/model/stepping); 0x50654 is Skylake-SP stepping 4
 * @param maxPhysAddr MAXPHYADDR, the physical-address width (CPUID.80000008H:EAX[7:0]); paging
 *     and CR3 reserved-bit checks use it
 * @param linearAddressBits CPUID.80000008H:EAX[15:8]
 */
public record CpuidModel(String vendor, String brand, int signature, int maxPhysAddr, int linearAddressBits,
        int apicId, Set<CpuFeature> features) {

    public static final Set<CpuFeature> SKYLAKE_FEATURES = Collections.unmodifiableSet(EnumSet.of(
            CpuFeature.PSE, CpuFeature.TSC, CpuFeature.MSR, CpuFeature.PAE, CpuFeature.CX8, CpuFeature.APIC,
            CpuFeature.MTRR, CpuFeature.PGE, CpuFeature.CMOV, CpuFeature.PAT, CpuFeature.CLFSH,
            CpuFeature.CX16, CpuFeature.PCID, CpuFeature.X2APIC, CpuFeature.POPCNT, CpuFeature.ARAT,
            CpuFeature.SMEP, CpuFeature.SMAP, CpuFeature.INVPCID, CpuFeature.LAHF_SAHF, CpuFeature.LZCNT,
            CpuFeature.SYSCALL, CpuFeature.NX, CpuFeature.PAGE1GB, CpuFeature.RDTSCP, CpuFeature.LM,
            CpuFeature.INVARIANT_TSC));

    public CpuidModel {
        if (vendor.length() != 12) {
            throw new IllegalArgumentException("vendor string must be 12 characters: " + vendor);
        }
        if (brand.length() > 47) {
            throw new IllegalArgumentException("brand string longer than 47 characters: " + brand);
        }
        if (maxPhysAddr < 36 || maxPhysAddr > 52) {
            throw new IllegalArgumentException("MAXPHYADDR must be 36..52: " + maxPhysAddr);
        }
        features = Collections.unmodifiableSet(features.isEmpty() ? EnumSet.noneOf(CpuFeature.class)
                : EnumSet.copyOf(features));
        requires(features, CpuFeature.LM, CpuFeature.PAE, CpuFeature.MSR);
        requires(features, CpuFeature.PAGE1GB, CpuFeature.LM);
        requires(features, CpuFeature.INVPCID, CpuFeature.PCID);
        requires(features, CpuFeature.PCID, CpuFeature.LM);
        requires(features, CpuFeature.X2APIC, CpuFeature.APIC, CpuFeature.MSR);
        requires(features, CpuFeature.NX, CpuFeature.PAE);
        requires(features, CpuFeature.SSE2, CpuFeature.SSE);
        requires(features, CpuFeature.SSE, CpuFeature.FXSR);
    }

    private static void requires(Set<CpuFeature> set, CpuFeature f, CpuFeature... needed) {
        if (set.contains(f)) {
            for (CpuFeature n : needed) {
                if (!set.contains(n)) {
                    throw new IllegalArgumentException(f + " requires " + n);
                }
            }
        }
    }

    public static CpuidModel skylake() {
        return new CpuidModel("GenuineIntel", "vtsim Skylake-class x86-64 model", 0x00050654, 46, 48, 0,
                SKYLAKE_FEATURES);
    }

    public boolean has(CpuFeature f) {
        return features.contains(f);
    }

    public CpuidModel with(CpuFeature... add) {
        EnumSet<CpuFeature> set = features.isEmpty() ? EnumSet.noneOf(CpuFeature.class) : EnumSet.copyOf(features);
        Collections.addAll(set, add);
        return new CpuidModel(vendor, brand, signature, maxPhysAddr, linearAddressBits, apicId, set);
    }

    public CpuidModel without(CpuFeature... remove) {
        EnumSet<CpuFeature> set = features.isEmpty() ? EnumSet.noneOf(CpuFeature.class) : EnumSet.copyOf(features);
        for (CpuFeature f : remove) {
            set.remove(f);
        }
        return new CpuidModel(vendor, brand, signature, maxPhysAddr, linearAddressBits, apicId, set);
    }

    public CpuidModel withMaxPhysAddr(int bits) {
        return new CpuidModel(vendor, brand, signature, bits, linearAddressBits, apicId, features);
    }

    public CpuidModel withApicId(int id) {
        return new CpuidModel(vendor, brand, signature, maxPhysAddr, linearAddressBits, id, features);
    }

    /** Physical-address bits above MAXPHYADDR, as a mask (reserved in CR3 and paging entries). */
    public long physAddrReservedMask() {
        return maxPhysAddr >= 64 ? 0 : -1L << maxPhysAddr;
    }
}
