/*
 * pt-churn: page-table churn.  Each round builds an address space, maps pages,
 * writes them through the new mappings, makes a fork-like copy (new tables and
 * copied frames), checks copy semantics across CR3 switches, unmaps half the
 * pages with INVLPG and tears both spaces down.
 * Parameters: rounds (default 100), pages (per round, default 16), work
 * (default 0): passes of read-modify-write over the surviving pages per round,
 * work done between the page-table changes -- at a fixed number of rounds, more
 * work means a lower page-table churn rate (the study's churn-rate axis).
 */
#include "kit.h"
#include "pmm.h"
#include "paging.h"

#define CHURN_BASE 0x0000020000000000ull   /* 2 TiB: PML4 slot 4 */
#define SPAN_PAGES 262144u                 /* VAs spread over 1 GiB */


static uint64_t page_va(uint64_t round, uint64_t j)
{
    /* 977 is odd, so j -> slot is a bijection modulo 2^18: distinct pages */
    return CHURN_BASE + (((round * 131u + j * 977u) % SPAN_PAGES) << 12) + ((j * 104u) & 0xff8);
}

static int fail(const char *what, uint64_t round, uint64_t j)
{
    kprintf("pt-churn: FAILED %s (round %lu page %lu)\n", what, round, j);
    return KIT_EXIT_FAIL;
}

int workload_main(void)
{
    uint64_t rounds = param_u64("rounds", 100), pages = param_u64("pages", 16), work = param_u64("work", 0);
    if (pages < 2 || pages > 4096) {
        kprintf("pt-churn: need pages in [2, 4096]\n");
        return KIT_EXIT_BADARG;
    }
    if (work) kprintf("pt-churn: rounds=%lu pages=%lu work=%lu\n", rounds, pages, work);
    else kprintf("pt-churn: rounds=%lu pages=%lu\n", rounds, pages);
    uint64_t free_before = pmm_free_frames();
    uint64_t sum = 0, tables = 0, switches = 0, unmaps = 0;
    struct aspace *home = as_current();
    for (uint64_t r = 0; r < rounds; r++) {
        struct aspace parent, child;
        if (as_create(&parent) != 0) return fail("as_create", r, 0);
        for (uint64_t j = 0; j < pages; j++) {
            uint64_t f = pmm_alloc();
            if (!f || as_map(&parent, page_va(r, j) & ~0xfffull, f, PAGE_4K, PTE_W | PTE_U) != 0)
                return fail("map", r, j);
        }
        as_switch(&parent); switches++;
        for (uint64_t j = 0; j < pages; j++)
            *as_ptr64(page_va(r, j)) = r * 0x10001u + j * 0x9E3779B9u;
        /* the hardware walk and the software walk must agree */
        for (uint64_t j = 0; j < pages; j++) {
            uint64_t pa;
            if (as_translate(&parent, page_va(r, j), &pa) != 0 ||
                *(volatile uint64_t *)phys_to_virt(pa) != r * 0x10001u + j * 0x9E3779B9u)
                return fail("translate", r, j);
        }
        if (as_fork(&child, &parent) != 0) return fail("fork", r, 0);
        tables += parent.tables + child.tables;
        as_switch(&child); switches++;
        for (uint64_t j = 0; j < pages; j++) *as_ptr64(page_va(r, j)) += j + 1;
        uint64_t child_sum = 0;
        for (uint64_t j = 0; j < pages; j++) child_sum = child_sum * 31 + *as_ptr64(page_va(r, j));
        as_switch(&parent); switches++;
        for (uint64_t j = 0; j < pages; j++)
            if (*as_ptr64(page_va(r, j)) != r * 0x10001u + j * 0x9E3779B9u)
                return fail("fork isolation", r, j);
        /* unmap every other page, then touch the survivors again */
        for (uint64_t j = 0; j < pages; j += 2) {
            uint64_t pa;
            if (as_unmap(&parent, page_va(r, j), &pa) != PAGE_4K) return fail("unmap", r, j);
            pmm_free(pa);
            unmaps++;
            if (as_translate(&parent, page_va(r, j), &pa) == 0) return fail("still mapped", r, j);
        }
        for (uint64_t j = 1; j < pages; j += 2) *as_ptr64(page_va(r, j)) ^= child_sum;
        for (uint64_t w = 0; w < work; w++)
            for (uint64_t j = 1; j < pages; j += 2) *as_ptr64(page_va(r, j)) += w ^ j;
        uint64_t parent_sum = 0;
        for (uint64_t j = 1; j < pages; j += 2) parent_sum += *as_ptr64(page_va(r, j));
        as_switch(home); switches++;
        as_destroy(&child, 1);
        as_destroy(&parent, 1);
        if (parent.tables || child.tables) return fail("table accounting", r, 0);
        sum = (sum * 0x100000001B3ull) ^ child_sum ^ (parent_sum << 1);
    }
    uint64_t leaked = free_before - pmm_free_frames();
    kprintf("pt-churn: tables=%lu switches=%lu unmaps=%lu leaked=%lu checksum=%016lx\n",
            tables, switches, unmaps, leaked, sum);
    return leaked ? KIT_EXIT_FAIL : KIT_EXIT_OK;
}
