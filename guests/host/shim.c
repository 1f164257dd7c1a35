/*
 * Host shim: runs a workload's C code as an ordinary Linux program so its output
 * can be compared with the guest's.  It supplies what the kit supplies in the
 * guest -- output, parameters, exit -- plus software stand-ins for the hardware:
 * a physical-memory arena for the page-table code, a model of the few I/O ports
 * the io workload uses, an immediate timer, and direct calls for system calls.
 *
 * Usage: <workload> [key=value ...]   (the words are joined like a command line)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include "kit.h"
#include "pmm.h"
#include "paging.h"
#include "process.h"
#include "timer.h"

void params_init(const char *cmdline);

#define ARENA_BYTES (256ull << 20)
uint8_t *host_phys_base;

void kputc(char c) { putchar(c); }

void kit_exit(int code)
{
    fflush(stdout);
    exit(code);
}

void *kit_map_region(uint64_t bytes, int large)
{
    uint64_t page = large ? PAGE_2M : PAGE_4K;
    uint64_t size = (bytes + page - 1) & ~(page - 1);
    void *p = aligned_alloc(page, size);
    if (!p) { kprintf("host: out of memory\n"); kit_exit(KIT_EXIT_NOMEM); }
    return p;
}

void kit_unmap_region(void *p, uint64_t bytes, int large) { (void)bytes; (void)large; free(p); }

/* The workloads' accesses through an address space go through the software walk here. */
volatile uint64_t *as_ptr64(uint64_t va)
{
    uint64_t pa;
    if (as_translate(as_current(), va, &pa) != 0) {
        kprintf("host: page fault at %lx\n", (unsigned long)va);
        kit_exit(KIT_EXIT_EXCEPTION);
    }
    return (volatile uint64_t *)phys_to_virt(pa);
}

/* Ports: 16550 scratch register, PIC mask registers, fw_cfg signature. */
static uint8_t scratch, pic_mask[2] = {0xff, 0xff};
static uint16_t fw_sel;
static uint32_t fw_off;

static void unknown_port(uint16_t port)
{
    kprintf("host: no model for port %x\n", port);
    kit_exit(KIT_EXIT_FAIL);
}

uint8_t host_inb(uint16_t port)
{
    switch (port) {
    case 0x3ff: return scratch;
    case 0x21: return pic_mask[0];
    case 0xa1: return pic_mask[1];
    case 0x511: return fw_sel == 0 && fw_off < 4 ? (uint8_t)"QEMU"[fw_off++] : 0;
    default: unknown_port(port); return 0;
    }
}
void host_outb(uint16_t port, uint8_t v)
{
    switch (port) {
    case 0x3ff: scratch = v; break;
    case 0x21: pic_mask[0] = v; break;
    case 0xa1: pic_mask[1] = v; break;
    default: unknown_port(port);
    }
}
uint16_t host_inw(uint16_t port) { unknown_port(port); return 0; }
uint32_t host_inl(uint16_t port) { unknown_port(port); return 0; }
void host_outw(uint16_t port, uint16_t v)
{
    if (port != 0x510) unknown_port(port);
    fw_sel = v;
    fw_off = 0;
}
void host_outl(uint16_t port, uint32_t v) { (void)v; unknown_port(port); }
void host_insb(uint16_t port, void *buf, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) ((uint8_t *)buf)[i] = host_inb(port);
}
void host_outsb(uint16_t port, const void *buf, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) host_outb(port, ((const uint8_t *)buf)[i]);
}

/* Timer: every wait takes exactly one tick. */
static uint64_t ticks;
void timer_start_pit(uint32_t hz) { (void)hz; }
void timer_start_apic(uint32_t c, uint32_t d) { (void)c; (void)d; }
void timer_stop(void) {}
uint64_t timer_ticks(void) { return ticks; }
void timer_wait_interrupt(void) { ticks++; }
void timer_poll(void) { ticks++; }

/* Processes: the entry is called directly; SYS_EXIT unwinds with longjmp.  The
 * user_data section is reset to its template around each run, as each guest
 * process gets a private copy of it. */
extern char __start_user_data[] __attribute__((weak)), __stop_user_data[] __attribute__((weak));
static char *user_template;
static syscall_fn table[SYS_MAX];
static struct process *running;
static jmp_buf exit_jump;
static uint64_t exit_code;

void syscall_register(unsigned nr, syscall_fn fn) { if (nr < SYS_MAX) table[nr] = fn; }

uint64_t host_syscall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
    switch (nr) {
    case SYS_EXIT: exit_code = a1; longjmp(exit_jump, 1);
    case SYS_GETPID: return running->pid;
    case SYS_PUTC: kputc((char)a1); return 0;
    default: return nr < SYS_MAX && table[nr] ? table[nr](a1, a2, a3) : (uint64_t)-1;
    }
}

int process_create(struct process *p, void (*entry)(uint64_t), uint64_t pid)
{
    if (as_create(&p->as) != 0) return -1;
    p->entry = entry;
    p->pid = pid;
    return 0;
}

uint64_t process_run(struct process *p, uint64_t arg)
{
    size_t len = (size_t)(__stop_user_data - __start_user_data);
    memcpy(__start_user_data, user_template, len);
    running = p;
    if (setjmp(exit_jump) == 0) {
        p->entry(arg);
        kprintf("host: process returned without SYS_EXIT\n");
        kit_exit(KIT_EXIT_FAIL);
    }
    running = 0;
    memcpy(__start_user_data, user_template, len);
    return exit_code;
}

void process_destroy(struct process *p) { as_destroy(&p->as, 1); }

int main(int argc, char **argv)
{
    char cmdline[1024] = "host";   /* stands in for the image path the loader puts first */
    for (int i = 1; i < argc; i++) {
        strncat(cmdline, " ", sizeof(cmdline) - strlen(cmdline) - 1);
        strncat(cmdline, argv[i], sizeof(cmdline) - strlen(cmdline) - 1);
    }
    params_init(cmdline);
    host_phys_base = aligned_alloc(PAGE_2M, ARENA_BYTES);
    if (!host_phys_base) return KIT_EXIT_NOMEM;
    pmm_add_range(0x400000, ARENA_BYTES - 0x400000);
    paging_init(pmm_alloc_zeroed());
    if (__start_user_data) {
        size_t len = (size_t)(__stop_user_data - __start_user_data);
        user_template = malloc(len ? len : 1);
        memcpy(user_template, __start_user_data, len);
    }
    int code = workload_main();
    fflush(stdout);
    return code;
}
