/*
 * timer: interrupt heavy.  Programs the 8254 PIT (through the 8259A PIC) or
 * the local APIC timer in periodic mode and counts interrupts.
 * Parameters: src (pit|apic, default pit), hz (PIT rate, default 10000),
 * count (APIC initial count, default 20000), div (APIC DCR code, default 3 = /16),
 * ticks (interrupts to take, default 500), wait (hlt|spin, default hlt).
 */
#include "kit.h"
#include "timer.h"

int workload_main(void)
{
    const char *src = param_str("src", "pit"), *wait = param_str("wait", "hlt");
    uint64_t hz = param_u64("hz", 10000), count = param_u64("count", 20000);
    uint64_t div = param_u64("div", 3), want = param_u64("ticks", 500);
    int apic = kstrcmp(src, "apic") == 0, spin = kstrcmp(wait, "spin") == 0;
    if ((!apic && kstrcmp(src, "pit") != 0) || (!spin && kstrcmp(wait, "hlt") != 0) || hz == 0 || count == 0) {
        kprintf("timer: need src=pit|apic, wait=hlt|spin, hz > 0, count > 0\n");
        return KIT_EXIT_BADARG;
    }
    kprintf("timer: src=%s wait=%s ticks=%lu\n", src, wait, want);
    if (apic) timer_start_apic((uint32_t)count, (uint32_t)div);
    else timer_start_pit((uint32_t)hz);
    uint64_t spins = 0;
    while (timer_ticks() < want) {
        if (spin) { timer_poll(); spins++; }
        else timer_wait_interrupt();
    }
    timer_stop();
    uint64_t got = timer_ticks();
    /* one more tick may land between the last check and timer_stop() */
    kprintf("timer: took %lu interrupts%s\n", want, got >= want && got <= want + 1 ? "" : " (count mismatch)");
    (void)spins;
    return got >= want && got <= want + 1 ? KIT_EXIT_OK : KIT_EXIT_FAIL;
}
