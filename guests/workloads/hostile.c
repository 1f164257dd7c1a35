/*
 * hostile: a guest that tries to break out of its resources, for the monitor's resource-control
 * check (Popek and Goldberg: the VMM keeps complete control of the resources).  In order:
 *
 *   ports=1  writes garbage to every I/O port 0-0xffff (OUT byte, word, dword), reads each back;
 *            skips only the ports that would end or reset the machine on purpose (the exit
 *            device 0xf4-0xf7, the keyboard controller 0x64, the reset control 0xcf9, port 92
 *            fast reset): the guest wants to keep running, not to stop; then re-initialises
 *            the serial port and the 8259A pair (the kit's own set-up), so its report gets out
 *   msrs=1   RDMSR then WRMSR of a garbage value to MSRs 0-0x1fff, 0xc0000000-0xc0001fff and
 *            0x40000000-0x400000ff, catching #GP with its own handler in the kit's IDT (skips the
 *            2-byte instruction); a write that succeeded is undone with the value read, so the
 *            guest survives its own vandalism
 *   mem=1    every 2 MiB of guest-physical memory up to gib= GiB (default 64): maps the frame at
 *            a window (1 GiB above the owned-space base) with a 2 MiB page, reads its last
 *            64-bit word, writes garbage there, reads it back and restores it
 *
 * Then it loops forever: only an instruction bound stops it.  Prints one line per phase (counts
 * of #GP and of words that kept the garbage), so the output is deterministic up to the loop.
 * Guest only: there is no host build (ports, MSRs and physical memory are not a process's).
 */
#include "kit.h"
#include "x86.h"
#include "paging.h"
#include "pmm.h"

#define VEC_GP 13
#define WINDOW (AS_OWNED_BASE + (1ull << 30))
#define GARBAGE 0xdeadbeefcafef00dull

void serial_init(void);
void pic_init(void);

volatile uint32_t hostile_gp_seen;
void hostile_gp_stub(void);
/* #GP pushes an error code: drop it, skip the 2-byte RDMSR/WRMSR (0f 32 / 0f 30), count. */
__asm__(".text\n"
        ".globl hostile_gp_stub\n"
        "hostile_gp_stub:\n"
        "    addq $8, %rsp\n"
        "    addq $2, (%rsp)\n"
        "    incl hostile_gp_seen(%rip)\n"
        "    iretq\n");

struct gate64 {
    uint16_t off_lo, sel;
    uint8_t ist, attr;
    uint16_t off_mid;
    uint32_t off_hi, zero;
} __attribute__((packed));

static void set_gate(int vector, uint64_t a, struct gate64 *saved)
{
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) idtr;
    __asm__ volatile("sidt %0" : "=m"(idtr));
    struct gate64 *g = (struct gate64 *)(uintptr_t)(idtr.base + vector * sizeof(struct gate64));
    *saved = *g;
    g->off_lo = (uint16_t)a;
    g->off_mid = (uint16_t)(a >> 16);
    g->off_hi = (uint32_t)(a >> 32);
}

static int reserved_port(uint32_t p)
{
    return (p >= 0xf4 && p <= 0xf7) || p == 0x64 || p == 0xcf9 || p == 0x92;
}

static void ports(void)
{
    uint32_t n = 0;
    uint64_t sum = 0;
    for (uint32_t p = 0; p <= 0xffff; p++) {
        if (reserved_port(p) || reserved_port(p + 1) || reserved_port(p + 2) || reserved_port(p + 3))
            continue;
        outb((uint16_t)p, (uint8_t)(p * 0x9d + 0x5a));
        outw((uint16_t)p, (uint16_t)(p * 0x9e37 + 0xa5a5));
        outl((uint16_t)p, (uint32_t)(p * 0x9e3779b9u));
        sum += inb((uint16_t)p);
        n++;
    }
    (void)sum;   /* what reads return depends on the devices: not printed */
    serial_init();   /* the garbage reprogrammed the UART (divisor, loopback) and the PICs */
    pic_init();
    kprintf("hostile: garbage written to %u ports\n", n);
}

static uint64_t rdmsr_safe(uint32_t msr, int *ok)
{
    uint32_t lo = 0, hi = 0, before = hostile_gp_seen;
    __asm__ volatile("rdmsr" : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
    *ok = hostile_gp_seen == before;
    return ((uint64_t)hi << 32) | lo;
}

static int wrmsr_safe(uint32_t msr, uint64_t v)
{
    uint32_t before = hostile_gp_seen;
    __asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
    return hostile_gp_seen == before;
}

static void msr_range(uint32_t first, uint32_t count, uint32_t *readable, uint32_t *written)
{
    for (uint32_t m = first; m < first + count; m++) {
        int ok;
        uint64_t old = rdmsr_safe(m, &ok);
        if (!ok)
            continue;
        (*readable)++;
        if (wrmsr_safe(m, GARBAGE ^ m)) {
            (*written)++;
            wrmsr_safe(m, old);
        }
    }
}

static void msrs(void)
{
    struct gate64 saved;
    set_gate(VEC_GP, (uint64_t)(uintptr_t)hostile_gp_stub, &saved);
    uint32_t readable = 0, written = 0;
    hostile_gp_seen = 0;
    msr_range(0, 0x2000, &readable, &written);
    msr_range(0xc0000000u, 0x2000, &readable, &written);
    msr_range(0x40000000u, 0x100, &readable, &written);
    uint32_t gp = hostile_gp_seen;
    struct gate64 ignored;
    set_gate(VEC_GP, (uint64_t)saved.off_lo | ((uint64_t)saved.off_mid << 16) | ((uint64_t)saved.off_hi << 32),
             &ignored);
    kprintf("hostile: %u MSRs probed, %u readable, %u took garbage (undone), %u #GP\n",
            0x2000u + 0x2000u + 0x100u, readable, written, gp);
}

static void memory(uint64_t gib)
{
    struct aspace *as = as_kernel();
    uint64_t chunks = 0, kept = 0;
    for (uint64_t pa = 0; pa < (gib << 30); pa += PAGE_2M) {
        if (as_map(as, WINDOW, pa, PAGE_2M, PTE_P | PTE_W) != 0) {
            kprintf("hostile: cannot map the window\n");
            kit_exit(KIT_EXIT_NOMEM);
        }
        volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)(WINDOW + PAGE_2M - 8);
        uint64_t old = *w;
        *w = GARBAGE ^ pa;
        if (*w == (GARBAGE ^ pa))
            kept++;
        *w = old;
        uint64_t frame;
        as_unmap(as, WINDOW, &frame);
        invlpg(WINDOW);
        chunks++;
    }
    kprintf("hostile: %lu 2 MiB frames up to %lu GiB read and written, %lu kept the garbage\n", chunks, gib,
            kept);
}

int workload_main(void)
{
    uint64_t gib = param_u64("gib", 64);
    int do_ports = param_u64("ports", 1) != 0, do_msrs = param_u64("msrs", 1) != 0;
    int do_mem = param_u64("mem", 1) != 0;
    if (gib == 0 || gib > 256) {
        kprintf("hostile: need 0 < gib <= 256\n");
        return KIT_EXIT_BADARG;
    }
    kprintf("hostile: ports=%d msrs=%d mem=%d gib=%lu\n", do_ports, do_msrs, do_mem, gib);
    if (do_ports)
        ports();
    if (do_msrs)
        msrs();
    if (do_mem)
        memory(gib);
    kprintf("hostile: looping forever\n");
    for (;;)
        __asm__ volatile("" ::: "memory");
}
