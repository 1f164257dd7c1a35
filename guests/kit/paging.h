/*
 * IA-32e 4-level page-table helpers (SDM Vol. 3A 4.5).  An address space shares
 * PML4 slot 0 (the kernel's identity map of 0-4 GiB) with the kernel and owns
 * slots 1-255 (user/workload space, 512 GiB - 128 TiB).
 */
#ifndef KIT_PAGING_H
#define KIT_PAGING_H
#include <stdint.h>

#define PTE_P   0x001ull
#define PTE_W   0x002ull
#define PTE_U   0x004ull
#define PTE_PWT 0x008ull
#define PTE_PCD 0x010ull
#define PTE_A   0x020ull
#define PTE_D   0x040ull
#define PTE_PS  0x080ull
#define PTE_G   0x100ull
#define PTE_ADDR 0x000ffffffffff000ull

#define AS_OWNED_BASE 0x0000008000000000ull   /* PML4 slot 1 */
#define AS_OWNED_END  0x0000800000000000ull   /* end of the lower canonical half */

struct aspace {
    uint64_t pml4;      /* physical address of the PML4 table */
    uint32_t tables;    /* paging-structure pages this space owns (PML4 included) */
};

void paging_init(uint64_t kernel_pml4);
struct aspace *as_kernel(void);
struct aspace *as_current(void);
int as_create(struct aspace *as);
/* size is PAGE_4K or PAGE_2M; returns 0, or -1 if va is taken or memory ran out */
int as_map(struct aspace *as, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags);
/* returns the size unmapped (0 if nothing was mapped); *pa gets the frame */
uint64_t as_unmap(struct aspace *as, uint64_t va, uint64_t *pa);
/* software walk; returns 0 and the physical address, or -1 if not present */
int as_translate(const struct aspace *as, uint64_t va, uint64_t *pa);
/* fork-like copy of the owned part: new tables and new frames holding copies */
int as_fork(struct aspace *child, const struct aspace *parent);
/* frees the owned tables (and the mapped frames too when free_frames) */
void as_destroy(struct aspace *as, int free_frames);
void as_switch(struct aspace *as);
uint64_t *pte_table(uint64_t table_pa);

/* A 64-bit word at va in the current address space: a plain pointer in the guest
 * (the MMU translates), a software walk in the host shim. */
#ifdef KIT_HOST
volatile uint64_t *as_ptr64(uint64_t va);
#else
static inline volatile uint64_t *as_ptr64(uint64_t va) { return (volatile uint64_t *)(uintptr_t)va; }
#endif
#endif
