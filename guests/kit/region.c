/* Workload memory regions: fresh frames mapped into the current address space. */
#include "kit.h"
#include "pmm.h"
#include "paging.h"

#define REGION_BASE 0x0000010000000000ull   /* 1 TiB, PML4 slot 2 */
static uint64_t next_va = REGION_BASE;

void *kit_map_region(uint64_t bytes, int large)
{
    uint64_t page = large ? PAGE_2M : PAGE_4K;
    uint64_t size = (bytes + page - 1) & ~(page - 1);
    uint64_t va = (next_va + PAGE_2M - 1) & ~(PAGE_2M - 1);
    for (uint64_t off = 0; off < size; off += page) {
        uint64_t f = large ? pmm_alloc_2m() : pmm_alloc();
        if (!f || as_map(as_current(), va + off, f, page, PTE_W) != 0) {
            kprintf("kit: out of memory mapping %lu KiB\n", size >> 10);
            kit_exit(KIT_EXIT_NOMEM);
        }
    }
    next_va = va + size;
    return (void *)(uintptr_t)va;
}

void kit_unmap_region(void *p, uint64_t bytes, int large)
{
    uint64_t page = large ? PAGE_2M : PAGE_4K;
    uint64_t size = (bytes + page - 1) & ~(page - 1);
    for (uint64_t off = 0; off < size; off += page) {
        uint64_t pa;
        if (as_unmap(as_current(), (uint64_t)(uintptr_t)p + off, &pa) == PAGE_2M) pmm_free_2m(pa);
        else pmm_free(pa);
    }
}
