/* Timer interrupts: the 8254 PIT through the 8259A PIC, or the local APIC timer. */
#ifndef KIT_TIMER_H
#define KIT_TIMER_H
#include <stdint.h>

#define VEC_PIC_BASE   0x20   /* IRQ0-15 -> vectors 0x20-0x2f after the remap */
#define VEC_APIC_TIMER 0x40
#define VEC_SPURIOUS   0xff
#define APIC_BASE_ADDR 0xfee00000ull

void timer_start_pit(uint32_t hz);
/* divide_code: the APIC DCR encoding (0xb: /1, 0x0: /2, 0x1: /4, 0x2: /8, 0x3: /16 ...) */
void timer_start_apic(uint32_t initial_count, uint32_t divide_code);
void timer_stop(void);
uint64_t timer_ticks(void);
/* Sleeps until the next interrupt (STI; HLT), then returns with interrupts off. */
void timer_wait_interrupt(void);
/* Enables interrupts briefly so a pending tick can be taken while spinning. */
void timer_poll(void);
#endif
