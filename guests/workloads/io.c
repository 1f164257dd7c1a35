/*
 * io: port I/O heavy.  Byte writes and reads of the 16550 scratch register
 * (0x3ff), REP OUTSB/INSB blocks on it, PIC mask register round trips (0xa1)
 * and fw_cfg signature reads (selector 0x510, data 0x511).
 * Parameters: count (loop iterations, default 50000), fwcfg (0|1, default 1).
 */
#include "kit.h"
#include "x86.h"

#define UART_SCR 0x3ff
#define PIC2_DATA 0xa1
#define FW_CFG_SEL 0x510
#define FW_CFG_DATA 0x511

int workload_main(void)
{
    uint64_t count = param_u64("count", 50000), fwcfg = param_u64("fwcfg", 1);
    kprintf("io: count=%lu fwcfg=%lu\n", count, fwcfg);
    if (fwcfg) {
        char sig[5];
        outw(FW_CFG_SEL, 0x0000);   /* FW_CFG_SIGNATURE */
        for (int i = 0; i < 4; i++) sig[i] = (char)inb(FW_CFG_DATA);
        sig[4] = 0;
        kprintf("io: fw_cfg signature \"%s\"\n", sig);
    }
    uint64_t sum = 0;
    uint8_t block[16];
    for (uint64_t i = 0; i < count; i++) {
        uint8_t v = (uint8_t)(i * 37u + 11u);
        outb(UART_SCR, v);
        sum = sum * 31 + inb(UART_SCR);
        if ((i & 63) == 0) {
            for (int k = 0; k < 16; k++) block[k] = (uint8_t)(i + (uint64_t)k * 7u);
            outsb(UART_SCR, block, 16);      /* the register keeps the last byte */
            insb(UART_SCR, block, 16);
            for (int k = 0; k < 16; k++) sum += block[k];
            outb(PIC2_DATA, (uint8_t)(i >> 6));
            sum ^= (uint64_t)inb(PIC2_DATA) << 32;
        }
    }
    outb(PIC2_DATA, 0xff);
    kprintf("io: checksum=%016lx\n", sum);
    return KIT_EXIT_OK;
}
