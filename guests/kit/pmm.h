/* Physical page allocator: a bitmap over the 4 KiB frames below 4 GiB (identity mapped). */
#ifndef KIT_PMM_H
#define KIT_PMM_H
#include <stdint.h>

#define PAGE_4K 0x1000ull
#define PAGE_2M 0x200000ull
#define PMM_LIMIT 0x100000000ull   /* frames above 4 GiB are not identity mapped; ignored */

#ifdef KIT_HOST
extern uint8_t *host_phys_base;
#define phys_to_virt(pa) ((void *)(host_phys_base + (pa)))
#else
#define phys_to_virt(pa) ((void *)(uintptr_t)(pa))
#endif

void pmm_add_range(uint64_t base, uint64_t len);   /* mark usable (whole frames inside) */
void pmm_reserve(uint64_t base, uint64_t len);     /* mark used (every frame touched) */
uint64_t pmm_alloc(void);          /* one 4 KiB frame, 0 when none is left */
uint64_t pmm_alloc_zeroed(void);
uint64_t pmm_alloc_2m(void);       /* 512 frames, 2 MiB aligned, 0 when none */
void pmm_free(uint64_t pa);
void pmm_free_2m(uint64_t pa);
uint64_t pmm_free_frames(void);
#endif
