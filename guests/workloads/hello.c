/* hello: a greeting and the command-line parameters. */
#include "kit.h"

int workload_main(void)
{
    kprintf("Hello from the vtsim guest kit!\n");
    kprintf("parameters: %d\n", param_count());
    for (int i = 0; i < param_count(); i++)
        kprintf("  %s = %s\n", param_key(i), param_value(i));
    kprintf("formatting: [%5d] [%-5d] [%05u] [%x] [%08lx] [%c] [%s] [%-6s] [%d]\n",
            42, -7, 123u, 0xbeefu, 0x1234abcdul, 'k', "vtsim", "x86", -2147483647 - 1);
    return KIT_EXIT_OK;
}
