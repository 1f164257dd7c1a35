package org.vtsim.cost;

/**
 * Every item the model charges cycles for, with the default figure of the Skylake-class
 * profile and where that figure comes from. {@link CostProfile} maps items to cycles;
 * {@code docs/cost-model.md} is generated from this table by {@code vtsim costs --markdown}.
 *
 * <p>Functional results never depend on these numbers: they only feed the cycle counter.
 */
public enum Cost {
    /** Retiring one simple integer instruction (ALU, MOV, LEA, branch not taken). */
    INSTRUCTION(1, "Agner Fog, Instruction tables (Skylake): simple ALU/MOV reciprocal throughput 0.25-0.5, "
            + "latency 1; vtsim charges latency 1 because it models an in-order core"),
    /** Extra for a taken branch, CALL, RET or JMP (front-end redirect). */
    TAKEN_BRANCH(1, "Agner Fog, Microarchitecture (Skylake): taken branches have a throughput of 1-2 per cycle; "
            + "one extra cycle for the fetch redirect"),
    /** IMUL/MUL latency. */
    MULTIPLY(3, "Agner Fog, Instruction tables (Skylake): IMUL r64,r64 latency 3"),
    /** DIV/IDIV 32-bit latency. */
    DIVIDE_32(26, "Agner Fog, Instruction tables (Skylake): DIV r32 latency 26"),
    /** DIV/IDIV 64-bit latency. */
    DIVIDE_64(42, "Agner Fog, Instruction tables (Skylake): DIV r64 latency 35-88; middle of the range"),
    /** A data memory access that hits the L1 data cache (load-to-use). */
    MEMORY_ACCESS(4, "Intel 64 and IA-32 Architectures Optimization Reference Manual, Skylake: L1D load-to-use 4-5"),
    /** A locked read-modify-write (XCHG with memory, LOCK prefix). */
    LOCKED_ACCESS(18, "Agner Fog, Instruction tables (Skylake): LOCK ADD/XCHG m,r latency ~18"),
    /** Per iteration of a REP string instruction, beyond the first. */
    STRING_ITERATION(1, "Agner Fog, Instruction tables (Skylake): REP MOVS/STOS ~1 cycle per element for "
            + "small counts"),
    /** Lookup that hits the first-level TLB (folded into the memory access; 0 extra). */
    TLB_L1_HIT(0, "Intel Optimization Reference Manual: an L1 DTLB hit adds no latency to the load"),
    /** Extra latency of a miss in L1 TLB that hits the second-level (unified) TLB. */
    TLB_L2_HIT(9, "Intel Optimization Reference Manual, Skylake: STLB hit ~9 cycles extra"),
    /**
     * One memory reference made by a page walk (a paging-structure entry read or A/D write): native
     * walks, and both dimensions of a 2-D walk under EPT (guest entries and EPT entries alike).
     */
    WALK_REFERENCE(20, "Bhargava et al., ASPLOS 2008, and Intel Optimization Reference Manual: page-walk "
            + "references mostly hit L2/L3 (12-40 cycles); 20 is the middle"),
    /** A walk shortened by a paging-structure cache (native, combined or EPT; SDM Vol. 3A 4.10.3, 3C 28.4.2). */
    PSC_HIT(1, "Intel SDM Vol. 3A 4.10.3: paging-structure caches skip the reference; ~1 cycle lookup"),
    /**
     * A guest-physical address of a 2-D walk (a guest paging-structure entry's, or the final one)
     * translated by a cached guest-physical mapping instead of an EPT walk (SDM Vol. 3C 28.4.2).
     */
    GPA_TLB_HIT(1, "Nominal, as PSC_HIT: Intel publishes no latency for guest-physical mappings; Bhargava et al., "
            + "ASPLOS 2008, model the equivalent nested TLB as a lookup inside the 2-D walk that replaces the "
            + "nested walk's references"),
    /** Serialising instructions: MOV to CR, LGDT/LIDT, WRMSR, CPUID and the like. */
    SERIALIZING(30, "Agner Fog, Instruction tables (Skylake): MOV CR / WRMSR / LGDT 20-100+ cycles; CPUID "
            + "~100-200; 30 for the common case"),
    /** CPUID on bare metal. */
    CPUID(100, "Agner Fog, Instruction tables (Skylake): CPUID latency 100-250"),
    /** RDTSC. */
    RDTSC(25, "Agner Fog, Instruction tables (Skylake): RDTSC latency ~25"),
    /** An IN/OUT to a device port (uncached I/O bus access). */
    PORT_IO(1000, "ISA/LPC port I/O is ~1 µs on PC chipsets (Linux outb_p uses port 0x80 as a ~1 µs delay); "
            + "1000 cycles at ~1 GHz of effective bus clocking"),
    /** An access to device MMIO (uncached). */
    MMIO_ACCESS(200, "Uncached access latency, Intel Optimization Reference Manual: ~DRAM latency, 150-250"),
    /** Delivering an exception or interrupt through the IDT (and IRET back). */
    EVENT_DELIVERY(200, "Agner Fog, Microarchitecture: interrupt/exception round trip is hundreds of cycles; "
            + "INT n ~ 100-200 on Skylake"),
    /** SYSCALL or SYSRET. */
    SYSCALL(50, "Agner Fog, Instruction tables (Skylake): SYSCALL/SYSRET ~50-70 each, measured round trip "
            + "~100-150"),
    /** Invalidation instructions (INVLPG, INVPCID). */
    INVALIDATE(100, "Agner Fog, Instruction tables (Skylake): INVLPG ~100-200"),
    /** Halted-cycle accounting: HLT itself (the idle time is added by the clock). */
    HLT(10, "Nominal: HLT enters C1; the idle interval itself is charged by the platform clock"),
    /**
     * A VM exit: saving guest state, loading host state (SDM Vol. 3C ch. 27). Half of the hardware
     * share of a VMCALL round trip.
     */
    VM_EXIT(700, "KVM list 2020: VMCALL round trip on Skylake-SP ~1,530-1,560 cycles including KVM's minimal "
            + "handler; vtsim assumes ~150 of them are the handler (charged as monitor instructions) and splits "
            + "the remaining ~1,400 evenly between VM exit and VM entry, for want of a published per-direction "
            + "figure"),
    /** A VM entry (VMLAUNCH/VMRESUME): checks, loading guest state (SDM Vol. 3C ch. 26). */
    VM_ENTRY(700, "KVM list 2020: VMCALL round trip on Skylake-SP ~1,530-1,560 cycles; the other half of the "
            + "~1,400-cycle hardware share (see VM_EXIT)"),
    /** A VMX instruction other than VM entry (VMREAD, VMWRITE, VMPTRLD, VMCLEAR, VMXON...). */
    VMX_INSTRUCTION(30, "Nominal, as other serialising instructions (Agner Fog lists no VMX instructions); "
            + "VMREAD/VMWRITE are microcoded, tens of cycles"),
    /**
     * The monitor's minimal exit handler (dispatch, a few VMREADs/VMWRITEs, RIP advance): CPUID, VMCALL,
     * HLT, CR and MSR accesses, interrupt window, external interrupt, preemption timer, exceptions.
     */
    MONITOR_HANDLER(150, "KVM list 2020: of the ~1,530-1,560-cycle VMCALL round trip on Skylake-SP, ~150 are "
            + "KVM's minimal handler (see VM_EXIT)"),
    /** An I/O exit handled by a device inside the monitor (PIC, PIT, POST-code port): KVM's in-kernel devices. */
    MONITOR_IO_IN_KERNEL(700, "kvm-unit-tests x86/vmexit.c (2012): outl_to_kernel 4,451 cycles vs vmcall 3,898, "
            + "so an in-kernel I/O handler costs ~550 more than the minimal one: 150 + 550"),
    /** An I/O exit handled by a device model in user space (UART, fw_cfg, debug exit, RTC): QEMU's devices. */
    MONITOR_IO_USER_SPACE(16_800, "kvm-unit-tests x86/vmexit.c (2012): inl_from_qemu 20,574 cycles vs vmcall "
            + "3,898, so exiting to user space adds ~16,700 to the minimal handler: 150 + 16,676"),
    /** An xAPIC MMIO access emulated after an EPT violation (fetch, decode, emulate the MOV). */
    MONITOR_MMIO(1_000, "Nominal: the in-kernel I/O figure (MONITOR_IO_IN_KERNEL, kvm-unit-tests 2012) plus "
            + "~300 for fetching and decoding the instruction, which port I/O exits do not need; no published "
            + "per-access figure"),
    /** Mapping one guest page on its first access (an EPT violation inside a memory slot). */
    MONITOR_EPT_POPULATE(1_000, "Nominal: KVM's two-dimensional page fault walks the memslot and installs an "
            + "SPTE, of the order of the in-kernel I/O path (MONITOR_IO_IN_KERNEL) plus a table update; no "
            + "published per-fault figure"),
    /**
     * A page fault the shadow MMU fixes itself (a "hidden" fault): the guest walk in guest memory, the
     * accessed/dirty updates, and one shadow entry per level written.
     */
    MONITOR_SHADOW_FAULT(1_500, "Nominal: KVM's shadow page fault is its EPT-violation path (MONITOR_EPT_POPULATE, "
            + "1,000) plus a software walk of the guest's 4-level tables (4 dependent reads, ~100 cycles each "
            + "in the handler's cache-cold case) and the A/D writes; no published per-fault figure"),
    /** A guest write to a write-protected guest page table: fetch, decode and emulate it, zap the shadow entry. */
    MONITOR_SHADOW_PTE_WRITE(2_000, "Nominal: the MMIO emulation path (MONITOR_MMIO, 1,000: fetch, decode, "
            + "emulate) plus the shadow fault's walk to the written frame and the zap of its shadow entries "
            + "(~1,000); no published per-write figure"),
    /** A guest MOV to CR3 under shadow paging: look up (or build) the shadow root and load it. */
    MONITOR_SHADOW_CR3(600, "Nominal: the minimal handler (MONITOR_HANDLER, 150) plus a hash lookup of the "
            + "root and a VMWRITE of GUEST_CR3 and an INVVPID (~450); no published figure"),
    /** Bringing one out-of-sync shadow leaf table back in sync: 512 guest entries compared with their shadows. */
    MONITOR_SHADOW_RESYNC(1_000, "Nominal: KVM's sync_page reads the 512 guest PTEs of the table and checks each "
            + "present SPTE against it (~2 cycles per entry when cached) plus the write-protection of the frame "
            + "through its reverse map; no published figure"),
    /** Allocating and clearing one 4 KiB shadow page (512 zero stores), linking it into its parent. */
    MONITOR_SHADOW_PAGE(300, "Nominal: 4 KiB of zero stores at 32 bytes per cycle plus bookkeeping (Agner Fog, "
            + "Skylake store throughput 1 x 32 B per cycle)");

    private final long defaultCycles;
    private final String source;

    Cost(long defaultCycles, String source) {
        this.defaultCycles = defaultCycles;
        this.source = source;
    }

    public long defaultCycles() {
        return defaultCycles;
    }

    public String source() {
        return source;
    }
}
