/*
 * memwalk: random read-modify-write touches over a working set, to stress the
 * TLBs and page walks.  Parameters: ws (KiB, default 8192), pages (4k|2m,
 * default 4k), touches (default 200000), seed (default 1).
 */
#include "kit.h"

int workload_main(void)
{
    uint64_t ws_kib = param_u64("ws", 8192), touches = param_u64("touches", 200000);
    uint64_t seed = param_u64("seed", 1);
    const char *pages = param_str("pages", "4k");
    int large = kstrcmp(pages, "2m") == 0;
    if ((!large && kstrcmp(pages, "4k") != 0) || ws_kib < 4) {
        kprintf("memwalk: need pages=4k|2m and ws >= 4 (KiB)\n");
        return KIT_EXIT_BADARG;
    }
    uint64_t bytes = ws_kib << 10, words = bytes / 8;
    kprintf("memwalk: ws=%luKiB pages=%s touches=%lu seed=%lu\n", ws_kib, large ? "2m" : "4k", touches, seed);
    uint64_t *mem = kit_map_region(bytes, large);
    for (uint64_t i = 0; i < words; i++) mem[i] = i * 0x9E3779B97F4A7C15ull;

    uint64_t x = seed * 0x2545F4914F6CDD1Dull + 1, sum = 0;
    for (uint64_t t = 0; t < touches; t++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;   /* xorshift64 (Marsaglia 2003) */
        uint64_t i = (x >> 3) % words;
        uint64_t v = mem[i];
        mem[i] = v + x;
        sum = (sum ^ v) * 0x100000001B3ull;
    }
    uint64_t fold = 0;
    for (uint64_t i = 0; i < words; i += 509) fold += mem[i];
    kprintf("memwalk: checksum=%016lx fold=%016lx\n", sum, fold);
    kit_unmap_region(mem, bytes, large);
    return KIT_EXIT_OK;
}
