package org.vtsim.cpu.system;

/**
 * A CPUID feature flag: the leaf, register and bit that advertise it (SDM Vol. 2A CPUID, Tables
 * 3-10, 3-11, 3-8 leaf 07H and 80000001H). {@link CpuidModel} holds a set of these.
 */
public enum CpuFeature {
    // CPUID.01H:EDX
    FPU(1, Reg.EDX, 0), VME(1, Reg.EDX, 1), DE(1, Reg.EDX, 2), PSE(1, Reg.EDX, 3), TSC(1, Reg.EDX, 4),
    MSR(1, Reg.EDX, 5), PAE(1, Reg.EDX, 6), MCE(1, Reg.EDX, 7), CX8(1, Reg.EDX, 8), APIC(1, Reg.EDX, 9),
    SEP(1, Reg.EDX, 11), MTRR(1, Reg.EDX, 12), PGE(1, Reg.EDX, 13), MCA(1, Reg.EDX, 14), CMOV(1, Reg.EDX, 15),
    PAT(1, Reg.EDX, 16), PSE36(1, Reg.EDX, 17), CLFSH(1, Reg.EDX, 19), MMX(1, Reg.EDX, 23),
    FXSR(1, Reg.EDX, 24), SSE(1, Reg.EDX, 25), SSE2(1, Reg.EDX, 26),
    // CPUID.01H:ECX
    SSE3(1, Reg.ECX, 0), MONITOR(1, Reg.ECX, 3), VMX(1, Reg.ECX, 5), SSSE3(1, Reg.ECX, 9), CX16(1, Reg.ECX, 13), PCID(1, Reg.ECX, 17),
    SSE41(1, Reg.ECX, 19), SSE42(1, Reg.ECX, 20), X2APIC(1, Reg.ECX, 21), MOVBE(1, Reg.ECX, 22),
    POPCNT(1, Reg.ECX, 23), TSC_DEADLINE(1, Reg.ECX, 24), XSAVE(1, Reg.ECX, 26), RDRAND(1, Reg.ECX, 30),
    // CPUID.06H:EAX
    ARAT(6, Reg.EAX, 2),
    // CPUID.(EAX=07H,ECX=0):EBX
    FSGSBASE(7, Reg.EBX, 0), BMI1(7, Reg.EBX, 3), SMEP(7, Reg.EBX, 7), BMI2(7, Reg.EBX, 8), ERMS(7, Reg.EBX, 9),
    INVPCID(7, Reg.EBX, 10), RDSEED(7, Reg.EBX, 18), SMAP(7, Reg.EBX, 20),
    // CPUID.(EAX=07H,ECX=0):ECX
    UMIP(7, Reg.ECX, 2), LA57(7, Reg.ECX, 16),
    // CPUID.80000001H:ECX
    LAHF_SAHF(0x80000001, Reg.ECX, 0), LZCNT(0x80000001, Reg.ECX, 5), PREFETCHW(0x80000001, Reg.ECX, 8),
    // CPUID.80000001H:EDX
    SYSCALL(0x80000001, Reg.EDX, 11), NX(0x80000001, Reg.EDX, 20), PAGE1GB(0x80000001, Reg.EDX, 26),
    RDTSCP(0x80000001, Reg.EDX, 27), LM(0x80000001, Reg.EDX, 29),
    // CPUID.80000007H:EDX
    INVARIANT_TSC(0x80000007, Reg.EDX, 8);

    public enum Reg { EAX, EBX, ECX, EDX }

    public final int leaf;
    public final Reg reg;
    public final int bit;

    CpuFeature(int leaf, Reg reg, int bit) {
        this.leaf = leaf;
        this.reg = reg;
        this.bit = bit;
    }
}
