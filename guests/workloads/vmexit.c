/*
 * vmexit: VM-exit microbenchmarks in the style of kvm-unit-tests' x86/vmexit.c.  Each test
 * runs one exiting instruction in a loop and measures cycles per operation with RDTSC:
 * (cycles of N calls of the operation - cycles of N calls of an empty function) / N, so the
 * loop and call overhead is subtracted.  Under a VMM each operation costs one VM exit (exit,
 * handler, entry); natively it costs what the instruction costs.
 *
 *   cpuid          CPUID leaf 0                       exit reason 10 (unconditional)
 *   vmcall         VMCALL with RAX = 0                 exit reason 18 (unconditional)
 *   out_0x80       OUT imm8 0x80 (POST code port)      exit reason 30 (I/O bitmap or unconditional I/O)
 *   in_0x3ff       IN from the 16550 scratch register  exit reason 30
 *   rdmsr_apic_base / wrmsr_apic_base
 *                  IA32_APIC_BASE (0x1b), written with the value read; KVM keeps it out of the
 *                  MSR-bitmap pass-through set, so it exits           exit reasons 31 / 32
 *   mov_to_cr8     MOV to CR8 of 0 (TPR)               exit reason 28 with CR8-load exiting
 *   hlt_apic_timer arm the local APIC timer (one-shot, hlt_count ticks), STI; HLT until its
 *                  interrupt; per wake-up, timer delay included     exit reason 12 (HLT exiting)
 *
 * VMCALL outside VMX non-root operation is #UD (SDM Vol. 2C VMCALL), and CPUID.1:ECX.VMX does not
 * tell a guest whether it runs under a VMM, so the test first issues one VMCALL with its own #UD
 * handler in the IDT: if it faults the test prints "vmcall: not in a VM".
 *
 * Parameters: iters (default 10000), hlt_iters (default 100), hlt_count (APIC initial count,
 * default 1000), hlt_div (APIC divide-configuration code, default 0xb = divide by 1),
 * only=NAME (run one test), quiet (omit the cycle figures, which depend on the CPU, the VMM and
 * vtsim's cost profile; images/vmexit.args sets it so the output is byte-comparable).
 *
 * The host build (KIT_HOST) runs the harness and real CPUID; the privileged operations are
 * no-ops there and VMCALL reports "not in a VM" (a Linux process sees SIGILL, or on a KVM host
 * -KVM_EPERM from user mode, never a measurable exit), so its quiet output equals the guest's.
 */
#include "kit.h"
#include "x86.h"

#define VEC_UD 6
#define VEC_TIMER 0x40
#define MSR_IA32_APIC_BASE 0x1b
#define UART_SCR 0x3ff
#define POST_PORT 0x80

/* xAPIC registers (SDM Vol. 3A 11.4.1, Table 11-1; timer 11.5.4) */
#define APIC_MMIO 0xfee00000ull
#define APIC_TPR 0x080
#define APIC_EOI 0x0b0
#define APIC_SVR 0x0f0
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_ICR 0x380
#define APIC_TIMER_DCR 0x3e0
#define LVT_MASKED (1u << 16)

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t msr_value;

static void op_nop(void) { __asm__ volatile("" ::: "memory"); }

static void op_cpuid(void)
{
    uint32_t a = 0, b, c = 0, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d) :: "memory");
}

#ifdef KIT_HOST
static void op_vmcall(void) {}
static void op_out(void) {}
static void op_in(void) {}
static void op_rdmsr(void) {}
static void op_wrmsr(void) {}
static void op_cr8(void) {}
static int vmcall_works(void) { return 0; }
static uint64_t hlt_run(uint64_t n, uint64_t count, uint64_t div) { (void)n; (void)count; (void)div; return 0; }
#else
/* KVM's hypercall convention: number in RAX, result in RAX; 0 is no hypercall KVM defines. */
static void op_vmcall(void)
{
    uint64_t a = 0;
    __asm__ volatile("vmcall" : "+a"(a) :: "memory");
}
static void op_out(void) { outb(POST_PORT, 0); }
static void op_in(void) { (void)inb(UART_SCR); }
static void op_rdmsr(void) { msr_value = rdmsr(MSR_IA32_APIC_BASE); }
static void op_wrmsr(void) { wrmsr(MSR_IA32_APIC_BASE, msr_value); }
static void op_cr8(void) { __asm__ volatile("mov %0, %%cr8" :: "r"(0ull) : "memory"); }

/* #UD handler for the VMCALL probe: skip the 3-byte VMCALL (0f 01 c1) and note the fault. */
volatile uint32_t vmexit_ud_seen;
void vmexit_ud_stub(void);
__asm__(".text\n"
        ".globl vmexit_ud_stub\n"
        "vmexit_ud_stub:\n"
        "    addq $3, (%rsp)\n"          /* the saved RIP: #UD pushes no error code */
        "    movl $1, vmexit_ud_seen(%rip)\n"
        "    iretq\n");

struct gate64 {
    uint16_t off_lo, sel;
    uint8_t ist, attr;
    uint16_t off_mid;
    uint32_t off_hi, zero;
} __attribute__((packed));

static int vmcall_works(void)
{
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) idtr;
    __asm__ volatile("sidt %0" : "=m"(idtr));
    struct gate64 *ud = (struct gate64 *)(uintptr_t)(idtr.base + VEC_UD * sizeof(struct gate64));
    struct gate64 saved = *ud;
    uint64_t a = (uint64_t)(uintptr_t)vmexit_ud_stub;
    ud->off_lo = (uint16_t)a;
    ud->off_mid = (uint16_t)(a >> 16);
    ud->off_hi = (uint32_t)(a >> 32);
    vmexit_ud_seen = 0;
    op_vmcall();
    *ud = saved;
    return !vmexit_ud_seen;
}

void idt_set_handler(int vector, void (*fn)(void));
static volatile uint64_t timer_ticks_seen;
static void apic_write(uint32_t reg, uint32_t v) { mmio_write32(APIC_MMIO + reg, v); }
static void timer_tick(void)
{
    timer_ticks_seen++;
    apic_write(APIC_EOI, 0);
}

/* n wake-ups from HLT by the one-shot APIC timer; returns the TSC cycles they took. */
static uint64_t hlt_run(uint64_t n, uint64_t count, uint64_t div)
{
    uint64_t base = rdmsr(MSR_IA32_APIC_BASE);
    if (!(base & (1u << 11)))   /* xAPIC global enable (SDM Vol. 3A 11.4.4) */
        wrmsr(MSR_IA32_APIC_BASE, APIC_MMIO | (1u << 11) | (base & 0x100));
    idt_set_handler(VEC_TIMER, timer_tick);
    apic_write(APIC_SVR, 0x100 | 0xff);
    apic_write(APIC_TPR, 0);
    apic_write(APIC_TIMER_DCR, (uint32_t)div);
    apic_write(APIC_LVT_TIMER, VEC_TIMER);   /* one-shot mode (bits 18:17 = 0), unmasked */
    uint64_t t1 = rdtsc();
    for (uint64_t i = 0; i < n; i++) {
        uint64_t want = timer_ticks_seen + 1;
        apic_write(APIC_TIMER_ICR, (uint32_t)count);
        while (timer_ticks_seen < want)
            __asm__ volatile("sti; hlt; cli" ::: "memory");   /* STI's shadow covers HLT */
    }
    uint64_t t2 = rdtsc();
    apic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
    apic_write(APIC_TIMER_ICR, 0);
    return t2 - t1;
}
#endif

/* Cycles of n calls through a pointer the compiler cannot see through. */
static uint64_t time_calls(void (*volatile fn)(void), uint64_t n)
{
    uint64_t t1 = rdtsc();
    for (uint64_t i = 0; i < n; i++)
        fn();
    return rdtsc() - t1;
}

struct test {
    const char *name;
    void (*fn)(void);
};

static const struct test tests[] = {
    {"cpuid", op_cpuid},
    {"vmcall", op_vmcall},
    {"out_0x80", op_out},
    {"in_0x3ff", op_in},
    {"rdmsr_apic_base", op_rdmsr},
    {"wrmsr_apic_base", op_wrmsr},
    {"mov_to_cr8", op_cr8},
    {"hlt_apic_timer", 0},
};
#define NTESTS (int)(sizeof(tests) / sizeof(tests[0]))

static void report(const char *name, uint64_t n, uint64_t cycles, int quiet)
{
    if (quiet)
        kprintf("%s: %lu iterations\n", name, n);
    else
        kprintf("%s: %lu iterations, %lu cycles/op\n", name, n, n ? cycles / n : 0);
}

int workload_main(void)
{
    uint64_t iters = param_u64("iters", 10000), hlt_iters = param_u64("hlt_iters", 100);
    uint64_t hlt_count = param_u64("hlt_count", 1000), hlt_div = param_u64("hlt_div", 0xb);
    int quiet = param_u64("quiet", 0) != 0;
    const char *only = param_str("only", "");
    int selected = -1;
    if (only[0]) {
        for (int i = 0; i < NTESTS; i++)
            if (kstrcmp(only, tests[i].name) == 0) selected = i;
        if (selected < 0) {
            kprintf("vmexit: no test named \"%s\"\n", only);
            return KIT_EXIT_BADARG;
        }
    }
    if (iters == 0 || hlt_iters == 0 || hlt_count == 0 || hlt_count > 0xffffffffu || (hlt_div & ~0xbull) != 0) {
        kprintf("vmexit: need iters > 0, hlt_iters > 0, 0 < hlt_count < 2^32, hlt_div an APIC DCR code\n");
        return KIT_EXIT_BADARG;
    }
    kprintf("vmexit: iters=%lu hlt_iters=%lu%s%s%s\n", iters, hlt_iters, only[0] ? " only=" : "", only,
            quiet ? " quiet" : "");
    int ran = 0;
    msr_value = 0;
    for (int i = 0; i < NTESTS; i++) {
        if (selected >= 0 && i != selected) continue;
        ran++;
        const struct test *t = &tests[i];
        if (t->fn == op_vmcall && !vmcall_works()) {
            kprintf("vmcall: not in a VM\n");
            continue;
        }
        if (!t->fn) {
            report(t->name, hlt_iters, hlt_run(hlt_iters, hlt_count, hlt_div), quiet);
            continue;
        }
        if (t->fn == op_wrmsr) op_rdmsr();   /* write back what the MSR holds */
        uint64_t op = time_calls(t->fn, iters), base = time_calls(op_nop, iters);
        report(t->name, iters, op > base ? op - base : 0, quiet);
    }
    kprintf("vmexit: %d tests\n", ran);
    return KIT_EXIT_OK;
}
