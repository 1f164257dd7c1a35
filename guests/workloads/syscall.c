/*
 * syscall: SYSCALL/SYSRET round trips from ring 3.  Each process runs in its own
 * address space with a private copy of the user data; the user loop calls a
 * mixing system call count times, then reports and exits.
 * Parameters: count (round trips per process, default 20000), procs (default 2).
 */
#include "kit.h"
#include "process.h"

#define SYS_MIX    (SYS_USER + 0)
#define SYS_REPORT (SYS_USER + 1)

static uint64_t reported[64];

/* user data: each process starts from this template and changes its own copy */
USER_DATA static uint64_t user_state = 0x5eed;

static uint64_t sys_mix(uint64_t a, uint64_t b, uint64_t c)
{
    (void)c;
    uint64_t x = (a ^ (b * 0x9E3779B97F4A7C15ull)) + 0x632BE59BD9B4E019ull;
    return x ^ (x >> 29);
}

static uint64_t sys_report(uint64_t pid, uint64_t value, uint64_t c)
{
    (void)c;
    if (pid < 64) reported[pid] = value;
    return 0;
}

USER_TEXT static void user_main(uint64_t count)
{
    uint64_t pid = user_syscall(SYS_GETPID, 0, 0, 0);
    user_state += pid;
    uint64_t acc = user_state;
    for (uint64_t i = 0; i < count; i++) acc = user_syscall(SYS_MIX, acc, i, 0);
    user_state = acc;
    user_syscall(SYS_REPORT, pid, acc, 0);
    user_syscall(SYS_EXIT, pid == 0 ? 0 : 0x40 + pid, 0, 0);
    for (;;) {}
}

int workload_main(void)
{
    uint64_t count = param_u64("count", 20000), procs = param_u64("procs", 2);
    if (procs < 1 || procs > 63) {
        kprintf("syscall: need procs in [1, 63]\n");
        return KIT_EXIT_BADARG;
    }
    kprintf("syscall: procs=%lu count=%lu\n", procs, count);
    syscall_register(SYS_MIX, sys_mix);
    syscall_register(SYS_REPORT, sys_report);
    struct process p;
    for (uint64_t pid = 1; pid <= procs; pid++) {
        if (process_create(&p, user_main, pid) != 0) {
            kprintf("syscall: out of memory\n");
            return KIT_EXIT_NOMEM;
        }
        uint64_t code = process_run(&p, count);
        process_destroy(&p);
        kprintf("syscall: pid %lu exit=%lx result=%016lx\n", pid, code, reported[pid]);
        if (code != 0x40 + pid) return KIT_EXIT_FAIL;
    }
    kprintf("syscall: template user_state=%lx\n", user_state);
    return KIT_EXIT_OK;
}
