/*
 * memwalk: random read-modify-write touches over a working set, to stress the
 * TLBs and page walks.  Parameters: ws (KiB, default 8192), pages (4k|2m,
 * default 4k), touches (default 200000), seed (default 1), procs (address
 * spaces, default 1) and switch (touches between address-space switches,
 * default 1000).
 *
 * With procs > 1 the working set is mapped, with the same frames, in procs
 * address spaces (each with its own page tables, as processes sharing memory
 * have), and the touches move round-robin to the next space every `switch`
 * touches with a CR3 load: the context-switch rate of the study.  The data,
 * and so the output, do not depend on procs; the host build, whose memory is
 * not behind these tables, only counts the switches.
 */
#include "kit.h"
#include "pmm.h"
#include "paging.h"

#define MAX_PROCS 64

/* Maps [va, va + bytes) of the current address space, frame for frame, into `as`. */
static int share_region(struct aspace *as, uint64_t va, uint64_t bytes, int large)
{
#ifdef KIT_HOST
    (void)as; (void)va; (void)bytes; (void)large;
    return 0;
#else
    uint64_t page = large ? PAGE_2M : PAGE_4K;
    for (uint64_t off = 0; off < bytes; off += page) {
        uint64_t pa;
        if (as_translate(as_current(), va + off, &pa) != 0 ||
            as_map(as, va + off, pa, page, PTE_W) != 0)
            return -1;
    }
    return 0;
#endif
}

int workload_main(void)
{
    uint64_t ws_kib = param_u64("ws", 8192), touches = param_u64("touches", 200000);
    uint64_t seed = param_u64("seed", 1);
    uint64_t procs = param_u64("procs", 1), slice = param_u64("switch", 1000);
    const char *pages = param_str("pages", "4k");
    int large = kstrcmp(pages, "2m") == 0;
    if ((!large && kstrcmp(pages, "4k") != 0) || ws_kib < 4 || procs < 1 || procs > MAX_PROCS || slice < 1) {
        kprintf("memwalk: need pages=4k|2m, ws >= 4 (KiB), procs in [1, 64], switch >= 1\n");
        return KIT_EXIT_BADARG;
    }
    uint64_t bytes = ws_kib << 10, words = bytes / 8;
    kprintf("memwalk: ws=%luKiB pages=%s touches=%lu seed=%lu\n", ws_kib, large ? "2m" : "4k", touches, seed);
    uint64_t *mem = kit_map_region(bytes, large);
    for (uint64_t i = 0; i < words; i++) mem[i] = i * 0x9E3779B97F4A7C15ull;

    static struct aspace spaces[MAX_PROCS];
    struct aspace *home = as_current();
    for (uint64_t p = 1; p < procs; p++) {
        if (as_create(&spaces[p]) != 0 || share_region(&spaces[p], (uint64_t)(uintptr_t)mem, bytes, large) != 0) {
            kprintf("memwalk: out of memory for address space %lu\n", p);
            return KIT_EXIT_NOMEM;
        }
    }
    uint64_t cur = 0, switches = 0;

    uint64_t x = seed * 0x2545F4914F6CDD1Dull + 1, sum = 0;
    for (uint64_t t = 0; t < touches; t++) {
        if (procs > 1 && t % slice == slice - 1) {
            cur = (cur + 1) % procs;
            as_switch(cur == 0 ? home : &spaces[cur]);
            switches++;
        }
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;   /* xorshift64 (Marsaglia 2003) */
        uint64_t i = (x >> 3) % words;
        uint64_t v = mem[i];
        mem[i] = v + x;
        sum = (sum ^ v) * 0x100000001B3ull;
    }
    uint64_t fold = 0;
    for (uint64_t i = 0; i < words; i += 509) fold += mem[i];
    if (procs > 1) {
        as_switch(home);
        for (uint64_t p = 1; p < procs; p++) as_destroy(&spaces[p], 0);
        kprintf("memwalk: procs=%lu switch=%lu switches=%lu\n", procs, slice, switches);
    }
    kprintf("memwalk: checksum=%016lx fold=%016lx\n", sum, fold);
    kit_unmap_region(mem, bytes, large);
    return KIT_EXIT_OK;
}
