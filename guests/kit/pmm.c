/* Bitmap frame allocator; a set bit means the frame is free. */
#include "kit.h"
#include "pmm.h"

#define FRAMES (PMM_LIMIT / PAGE_4K)
static uint64_t bitmap[FRAMES / 64];
static uint64_t free_frames;
static uint64_t hint;   /* word index where the last search ended */

static void set_free(uint64_t f) { if (!(bitmap[f / 64] >> (f % 64) & 1)) { bitmap[f / 64] |= 1ull << (f % 64); free_frames++; } }
static void set_used(uint64_t f) { if (bitmap[f / 64] >> (f % 64) & 1) { bitmap[f / 64] &= ~(1ull << (f % 64)); free_frames--; } }

void pmm_add_range(uint64_t base, uint64_t len)
{
    uint64_t lo = (base + PAGE_4K - 1) / PAGE_4K, hi = (base + len) / PAGE_4K;
    if (hi > FRAMES) hi = FRAMES;
    for (uint64_t f = lo; f < hi; f++) set_free(f);
}

void pmm_reserve(uint64_t base, uint64_t len)
{
    uint64_t lo = base / PAGE_4K, hi = (base + len + PAGE_4K - 1) / PAGE_4K;
    if (hi > FRAMES) hi = FRAMES;
    for (uint64_t f = lo; f < hi; f++) set_used(f);
}

uint64_t pmm_alloc(void)
{
    for (uint64_t n = 0; n < FRAMES / 64; n++) {
        uint64_t w = (hint + n) % (FRAMES / 64);
        if (bitmap[w]) {
            uint64_t f = w * 64 + (uint64_t)__builtin_ctzll(bitmap[w]);
            set_used(f);
            hint = w;
            return f * PAGE_4K;
        }
    }
    return 0;
}

uint64_t pmm_alloc_zeroed(void)
{
    uint64_t pa = pmm_alloc();
    if (pa) memset(phys_to_virt(pa), 0, PAGE_4K);
    return pa;
}

uint64_t pmm_alloc_2m(void)
{
    /* 512 frames = 8 bitmap words, all ones, at a 2 MiB boundary */
    for (uint64_t w = 0; w + 8 <= FRAMES / 64; w += 8) {
        int ok = 1;
        for (int i = 0; i < 8; i++)
            if (bitmap[w + i] != ~0ull) { ok = 0; break; }
        if (ok) {
            for (int i = 0; i < 8; i++) bitmap[w + i] = 0;
            free_frames -= 512;
            return w * 64 * PAGE_4K;
        }
    }
    return 0;
}

void pmm_free(uint64_t pa) { set_free(pa / PAGE_4K); }

void pmm_free_2m(uint64_t pa)
{
    for (uint64_t i = 0; i < 512; i++) set_free(pa / PAGE_4K + i);
}

uint64_t pmm_free_frames(void) { return free_frames; }
