/* GDT/TSS and IDT set-up, exception reporting and interrupt dispatch. */
#include "kit.h"
#include "x86.h"
#include "timer.h"

#define SEL_TSS 0x30

/* 64-bit TSS (SDM Vol. 3A 8.7, Figure 8-11). */
struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

/* 64-bit interrupt gate (SDM Vol. 3A 6.14.1, Figure 6-8). */
struct gate64 {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
} __attribute__((packed));

/* Matches the push order in entry.S. */
struct isr_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

extern uint64_t gdt[];
extern const uint64_t isr_table[256];
static struct tss64 tss;
static struct gate64 idt[256];
static void (*handlers[256])(void);

static const char *const exception_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
    "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
    "#MC machine check", "#XM SIMD exception", "#VE virtualization exception",
    "#CP control protection", "reserved 22", "reserved 23", "reserved 24",
    "reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
    "#VC VMM communication", "#SX security exception", "reserved 31",
};

void gdt_init(void)
{
    uint64_t base = (uint64_t)(uintptr_t)&tss, limit = sizeof(tss) - 1;
    tss.iomap_base = sizeof(tss);   /* no I/O bitmap: ring 3 port access faults */
    gdt[SEL_TSS / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40
                     | ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
    gdt[SEL_TSS / 8 + 1] = base >> 32;
    __asm__ volatile("ltr %w0" :: "r"(SEL_TSS));
}

void tss_set_rsp0(uint64_t rsp0) { tss.rsp[0] = rsp0; }

void idt_init(void)
{
    for (int v = 0; v < 256; v++) {
        uint64_t a = isr_table[v];
        idt[v].offset_lo = (uint16_t)a;
        idt[v].selector = 0x08;
        idt[v].ist = 0;
        idt[v].type_attr = 0x8e;   /* present, DPL 0, 64-bit interrupt gate */
        idt[v].offset_mid = (uint16_t)(a >> 16);
        idt[v].offset_hi = (uint32_t)(a >> 32);
        idt[v].reserved = 0;
    }
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) ptr = {
        sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" :: "m"(ptr));
}

void idt_set_handler(int vector, void (*fn)(void)) { handlers[vector] = fn; }

void kit_isr(struct isr_frame *f)
{
    if (f->vector < 32) {
        kprintf("kit: exception %lu (%s) error=%lx rip=%lx cs=%lx rflags=%lx rsp=%lx cr2=%lx\n",
                f->vector, exception_names[f->vector], f->error, f->rip, f->cs,
                f->rflags, f->rsp, read_cr2());
        kit_exit(KIT_EXIT_EXCEPTION);
    }
    if (handlers[f->vector]) {
        handlers[f->vector]();
        return;
    }
    /* PIC IRQ7/IRQ15 and the APIC spurious vector need no EOI (SDM Vol. 3A 11.9) */
    if (f->vector == VEC_PIC_BASE + 7 || f->vector == VEC_PIC_BASE + 15 || f->vector == VEC_SPURIOUS)
        return;
    kprintf("kit: unexpected interrupt vector %lu at rip=%lx\n", f->vector, f->rip);
    kit_exit(KIT_EXIT_FAIL);
}

void kit_exit(int code)
{
    /* isa-debug-exit: the run ends with status (code << 1) | 1 */
    outl(0xf4, (uint32_t)code);
    for (;;)
        __asm__ volatile("cli; hlt");
}
