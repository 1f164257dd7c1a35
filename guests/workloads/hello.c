/*
 * hello: a greeting and the command-line parameters.
 * Parameter fault=ud|pf|de|gp|bp raises that exception on purpose, to check the
 * kit's exception report (guest only: the host build refuses it).
 */
#include "kit.h"

#ifndef KIT_HOST
static void raise_fault(const char *f)
{
    if (!kstrcmp(f, "ud")) __asm__ volatile("ud2");
    if (!kstrcmp(f, "pf")) (void)*(volatile uint64_t *)0x0000700000000000ull;
    if (!kstrcmp(f, "de")) { volatile uint32_t z = 0; __asm__ volatile("divl %0" :: "r"(z) : "eax", "edx"); }
    if (!kstrcmp(f, "gp")) __asm__ volatile("mov %0, %%ds" :: "r"(0x1234));
    if (!kstrcmp(f, "bp")) __asm__ volatile("int3");
}
#endif

int workload_main(void)
{
    kprintf("Hello from the vtsim guest kit!\n");
    kprintf("parameters: %d\n", param_count());
    for (int i = 0; i < param_count(); i++)
        kprintf("  %s = %s\n", param_key(i), param_value(i));
    kprintf("formatting: [%5d] [%-5d] [%05u] [%x] [%08lx] [%c] [%s] [%-6s] [%d]\n",
            42, -7, 123u, 0xbeefu, 0x1234abcdul, 'k', "vtsim", "x86", -2147483647 - 1);
    const char *fault = param_str("fault", 0);
    if (fault) {
#ifdef KIT_HOST
        kprintf("hello: fault= needs the guest\n");
        return KIT_EXIT_BADARG;
#else
        kprintf("hello: raising %s\n", fault);
        raise_fault(fault);
        kprintf("hello: unknown fault kind %s\n", fault);
        return KIT_EXIT_BADARG;
#endif
    }
    return KIT_EXIT_OK;
}
