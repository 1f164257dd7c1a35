/* 8259A PIC, 8254 PIT and local APIC timer. */
#include "kit.h"
#include "x86.h"
#include "timer.h"

void idt_set_handler(int vector, void (*fn)(void));

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI 0x20
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_HZ 1193182u

/* xAPIC register offsets (SDM Vol. 3A 11.4.1, Table 11-1) */
#define APIC_TPR  0x080
#define APIC_EOI  0x0b0
#define APIC_SVR  0x0f0
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_ICR 0x380
#define APIC_TIMER_DCR 0x3e0
#define LVT_MASKED   (1u << 16)
#define LVT_PERIODIC (1u << 17)

static volatile uint64_t ticks;
static int source;   /* 0 none, 1 PIT, 2 APIC */

static void apic_write(uint32_t reg, uint32_t v) { mmio_write32(APIC_BASE_ADDR + reg, v); }

/* ICW1-ICW4: edge triggered, cascade, vectors 0x20/0x28, 8086 mode; all lines masked. */
void pic_init(void)
{
    outb(PIC1_CMD, 0x11);
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, VEC_PIC_BASE);
    outb(PIC2_DATA, VEC_PIC_BASE + 8);
    outb(PIC1_DATA, 0x04);   /* slave on IRQ2 */
    outb(PIC2_DATA, 0x02);   /* slave identity */
    outb(PIC1_DATA, 0x01);
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, 0xff);
    outb(PIC2_DATA, 0xff);
}

static void pit_tick(void)
{
    ticks++;
    outb(PIC1_CMD, PIC_EOI);
}

static void apic_tick(void)
{
    ticks++;
    apic_write(APIC_EOI, 0);
}

void timer_start_pit(uint32_t hz)
{
    uint32_t divisor = PIT_HZ / (hz ? hz : 1);
    if (divisor < 1) divisor = 1;
    if (divisor > 65535) divisor = 65535;
    idt_set_handler(VEC_PIC_BASE, pit_tick);
    outb(PIT_CMD, 0x34);   /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
    outb(PIT_CH0, (uint8_t)divisor);
    outb(PIT_CH0, (uint8_t)(divisor >> 8));
    outb(PIC1_DATA, 0xfe); /* unmask IRQ0 only */
    source = 1;
}

void timer_start_apic(uint32_t initial_count, uint32_t divide_code)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);
    /* IA32_APIC_BASE bit 11: xAPIC global enable (SDM Vol. 3A 11.4.4) */
    if (!(base & (1u << 11)) || (base & 0xfffff000u) != APIC_BASE_ADDR)
        wrmsr(MSR_APIC_BASE, APIC_BASE_ADDR | (1u << 11) | (base & 0x100));
    idt_set_handler(VEC_APIC_TIMER, apic_tick);
    apic_write(APIC_SVR, 0x100 | VEC_SPURIOUS);   /* software enable */
    apic_write(APIC_TPR, 0);
    apic_write(APIC_TIMER_DCR, divide_code);
    apic_write(APIC_LVT_TIMER, VEC_APIC_TIMER | LVT_PERIODIC);
    apic_write(APIC_TIMER_ICR, initial_count);
    source = 2;
}

void timer_stop(void)
{
    cli();
    if (source == 1) {
        outb(PIC1_DATA, 0xff);
        outb(PIT_CMD, 0x30);   /* channel 0, mode 0, stops the periodic IRQ */
        outb(PIT_CH0, 0);
        outb(PIT_CH0, 0);
    } else if (source == 2) {
        apic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_APIC_TIMER);
        apic_write(APIC_TIMER_ICR, 0);
    }
    source = 0;
}

uint64_t timer_ticks(void) { return ticks; }

void timer_wait_interrupt(void)
{
    sti_hlt();
    cli();
}

void timer_poll(void)
{
    sti();
    __asm__ volatile("nop");
    cli();
}
