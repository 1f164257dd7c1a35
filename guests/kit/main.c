/* kmain: brings up the kit, then runs the workload and exits with its status. */
#include "kit.h"
#include "x86.h"
#include "pmm.h"
#include "paging.h"

void serial_init(void);
void gdt_init(void);
void idt_init(void);
void pic_init(void);
void syscall_init(void);
void params_init(const char *cmdline);
extern char boot_pml4[];

#define RESERVED_BELOW 0x400000ull   /* BIOS area, kernel image, user region */

/* Multiboot information structure (Multiboot Specification 0.6.96, 3.3). */
struct mb_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
};
struct mb_mmap_entry {
    uint32_t size;
    uint64_t base, length;
    uint32_t type;
} __attribute__((packed));

static void memory_init(const struct mb_info *mb)
{
    if (mb->flags & (1u << 6)) {
        uint64_t p = mb->mmap_addr, end = p + mb->mmap_length;
        while (p < end) {
            const struct mb_mmap_entry *e = (const struct mb_mmap_entry *)(uintptr_t)p;
            if (e->type == 1) pmm_add_range(e->base, e->length);
            p += e->size + 4;
        }
    } else if (mb->flags & 1u) {
        pmm_add_range(0x100000, (uint64_t)mb->mem_upper << 10);
    }
    pmm_reserve(0, RESERVED_BELOW);
}

void kmain(uint32_t mb_addr)
{
    const struct mb_info *mb = (const struct mb_info *)(uintptr_t)mb_addr;
    serial_init();
    gdt_init();
    idt_init();
    pic_init();
    syscall_init();
    /* copy the command line before the allocator can hand out its page */
    params_init((mb->flags & (1u << 2)) ? (const char *)(uintptr_t)mb->cmdline : "");
    memory_init(mb);
    paging_init((uint64_t)(uintptr_t)boot_pml4);
    kit_exit(workload_main());
}
