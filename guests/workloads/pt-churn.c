/*
 * pt-churn: page-table churn.  Each round builds an address space, maps pages,
 * writes them through the new mappings, makes a fork-like copy (new tables and
 * copied frames), checks copy semantics across CR3 switches, unmaps half the
 * pages with INVLPG and tears both spaces down.
 * Parameters: rounds (default 100), pages (per round, default 16), work
 * (default 0): passes of read-modify-write over the surviving pages per round,
 * work done between the page-table changes -- at a fixed number of rounds, more
 * work means a lower page-table churn rate (the study's churn-rate axis).
 * seed (default 0: the fixed pattern above): with a seed, each round is instead a
 * random sequence of `ops` (default 4 * pages) page-table operations over `pages`
 * slots -- map, unmap, remap to a new frame, write, verify, switch away and back
 * (CR3 loads) -- checked against the guest's own record of what each slot holds,
 * for property tests of memory virtualisation.
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

static uint64_t rng_state;

static uint64_t rng(void)
{
    /* xorshift64* (Vigna 2016) */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

#define MAX_SLOTS 4096
static uint64_t slot_frame[MAX_SLOTS];   /* 0: unmapped */
static uint64_t slot_value[MAX_SLOTS];

/* One round of random page-table operations; returns its checksum, or ~0 on a failed check. */
static uint64_t random_round(uint64_t r, uint64_t pages, uint64_t ops, struct aspace *home,
                             uint64_t *switches, uint64_t *unmaps)
{
    struct aspace as;
    if (as_create(&as) != 0) return ~0ull;
    as_switch(&as); (*switches)++;
    uint64_t sum = 0;
    for (uint64_t j = 0; j < pages; j++) slot_frame[j] = 0;
    for (uint64_t i = 0; i < ops; i++) {
        uint64_t j = rng() % pages, va = page_va(r, j), pa;
        switch (rng() % 6) {
        case 0: /* map (or write, if mapped) */
        case 1:
            if (!slot_frame[j]) {
                uint64_t f = pmm_alloc();
                if (!f || as_map(&as, va & ~0xfffull, f, PAGE_4K, PTE_W | PTE_U) != 0) return ~0ull;
                slot_frame[j] = f;
            }
            slot_value[j] = rng();
            *as_ptr64(va) = slot_value[j];
            break;
        case 2: /* unmap */
            if (slot_frame[j]) {
                if (as_unmap(&as, va, &pa) != PAGE_4K || pa != slot_frame[j]) return ~0ull;
                pmm_free(pa);
                slot_frame[j] = 0;
                (*unmaps)++;
                if (as_translate(&as, va, &pa) == 0) return ~0ull;
            }
            break;
        case 3: /* remap to a new frame, carrying the value over */
            if (slot_frame[j]) {
                uint64_t f = pmm_alloc();
                if (!f) return ~0ull;
                *(volatile uint64_t *)phys_to_virt(f + (va & 0xfff)) = slot_value[j];
                if (as_unmap(&as, va, &pa) != PAGE_4K) return ~0ull;
                pmm_free(pa);
                (*unmaps)++;
                if (as_map(&as, va & ~0xfffull, f, PAGE_4K, PTE_W | PTE_U) != 0) return ~0ull;
                slot_frame[j] = f;
            }
            break;
        case 4: /* verify */
            if (slot_frame[j] && *as_ptr64(va) != slot_value[j]) return ~0ull;
            sum = sum * 31 + (slot_frame[j] ? slot_value[j] : j);
            break;
        default: /* switch away and back: two CR3 loads */
            as_switch(home);
            as_switch(&as);
            *switches += 2;
            break;
        }
    }
    for (uint64_t j = 0; j < pages; j++) {
        if (slot_frame[j]) {
            if (*as_ptr64(page_va(r, j)) != slot_value[j]) return ~0ull;
            sum = sum * 31 + slot_value[j];
        }
    }
    as_switch(home); (*switches)++;
    as_destroy(&as, 1);
    return sum & ~1ull;
}

int workload_main(void)
{
    uint64_t rounds = param_u64("rounds", 100), pages = param_u64("pages", 16), work = param_u64("work", 0);
    if (pages < 2 || pages > 4096) {
        kprintf("pt-churn: need pages in [2, 4096]\n");
        return KIT_EXIT_BADARG;
    }
    uint64_t seed = param_u64("seed", 0), ops = param_u64("ops", 4 * pages);
    if (seed) kprintf("pt-churn: rounds=%lu pages=%lu seed=%lu ops=%lu\n", rounds, pages, seed, ops);
    else if (work) kprintf("pt-churn: rounds=%lu pages=%lu work=%lu\n", rounds, pages, work);
    else kprintf("pt-churn: rounds=%lu pages=%lu\n", rounds, pages);
    uint64_t free_before = pmm_free_frames();
    uint64_t sum = 0, tables = 0, switches = 0, unmaps = 0;
    struct aspace *home = as_current();
    if (seed) {
        rng_state = seed * 0x9E3779B97F4A7C15ull + 1;
        for (uint64_t r = 0; r < rounds; r++) {
            uint64_t s = random_round(r, pages, ops, home, &switches, &unmaps);
            if (s == ~0ull) return fail("random operation check", r, 0);
            sum = (sum * 0x100000001B3ull) ^ s;
        }
        uint64_t leaked = free_before - pmm_free_frames();
        kprintf("pt-churn: switches=%lu unmaps=%lu leaked=%lu checksum=%016lx\n", switches, unmaps, leaked, sum);
        return leaked ? KIT_EXIT_FAIL : KIT_EXIT_OK;
    }
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
