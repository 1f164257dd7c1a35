/* Portable page-table code: also compiled into the host shim over a fake physical arena. */
#include "kit.h"
#include "pmm.h"
#include "paging.h"
#include "x86.h"

static struct aspace kernel_space;
static struct aspace *current;

uint64_t *pte_table(uint64_t table_pa) { return (uint64_t *)phys_to_virt(table_pa); }

static unsigned index_at(uint64_t va, int level) { return (unsigned)(va >> (12 + 9 * (level - 1))) & 511; }

void paging_init(uint64_t kernel_pml4)
{
    kernel_space.pml4 = kernel_pml4;
    kernel_space.tables = 1;
    current = &kernel_space;
}

struct aspace *as_kernel(void) { return &kernel_space; }
struct aspace *as_current(void) { return current; }

int as_create(struct aspace *as)
{
    uint64_t pml4 = pmm_alloc_zeroed();
    if (!pml4) return -1;
    pte_table(pml4)[0] = pte_table(kernel_space.pml4)[0];
    as->pml4 = pml4;
    as->tables = 1;
    return 0;
}

/* Returns the entry for va at leaf_level (1: PTE, 2: PDE), creating tables on the way. */
static uint64_t *entry_for(struct aspace *as, uint64_t va, int leaf_level, int create)
{
    uint64_t table = as->pml4;
    for (int level = 4; level > leaf_level; level--) {
        uint64_t *e = &pte_table(table)[index_at(va, level)];
        if (!(*e & PTE_P)) {
            if (!create) return 0;
            uint64_t t = pmm_alloc_zeroed();
            if (!t) return 0;
            as->tables++;
            /* non-leaf entries permit everything; the leaf decides (SDM Vol. 3A 4.6) */
            *e = t | PTE_P | PTE_W | PTE_U;
        } else if (*e & PTE_PS) {
            return 0;   /* a large page covers va: no splitting */
        }
        table = *e & PTE_ADDR;
    }
    return &pte_table(table)[index_at(va, leaf_level)];
}

int as_map(struct aspace *as, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
    int large = size == PAGE_2M;
    uint64_t *e = entry_for(as, va, large ? 2 : 1, 1);
    if (!e || (*e & PTE_P)) return -1;
    *e = pa | flags | PTE_P | (large ? PTE_PS : 0);
    return 0;
}

uint64_t as_unmap(struct aspace *as, uint64_t va, uint64_t *pa)
{
    uint64_t table = as->pml4;
    for (int level = 4; level >= 1; level--) {
        uint64_t *e = &pte_table(table)[index_at(va, level)];
        if (!(*e & PTE_P)) return 0;
        if (level == 1 || (*e & PTE_PS)) {
            uint64_t size = level == 1 ? PAGE_4K : level == 2 ? PAGE_2M : 0x40000000ull;
            if (pa) *pa = *e & PTE_ADDR & ~(size - 1);
            *e = 0;
            /* the TLB may still hold the old translation until INVLPG (SDM Vol. 3A 4.10.4.1) */
            if (as == current) invlpg(va);
            return size;
        }
        table = *e & PTE_ADDR;
    }
    return 0;
}

int as_translate(const struct aspace *as, uint64_t va, uint64_t *pa)
{
    uint64_t table = as->pml4;
    for (int level = 4; level >= 1; level--) {
        uint64_t e = pte_table(table)[index_at(va, level)];
        if (!(e & PTE_P)) return -1;
        if (level == 1 || (e & PTE_PS)) {
            uint64_t size = 1ull << (12 + 9 * (level - 1));
            *pa = (e & PTE_ADDR & ~(size - 1)) | (va & (size - 1));
            return 0;
        }
        table = e & PTE_ADDR;
    }
    return -1;
}

static int fork_level(struct aspace *child, uint64_t table, int level, uint64_t va_base)
{
    uint64_t *t = pte_table(table);
    unsigned lo = 0, hi = 512;
    if (level == 4) { lo = 1; hi = 256; }
    for (unsigned i = lo; i < hi; i++) {
        uint64_t e = t[i];
        if (!(e & PTE_P)) continue;
        uint64_t va = va_base | ((uint64_t)i << (12 + 9 * (level - 1)));
        if (level == 1 || (e & PTE_PS)) {
            uint64_t size = level == 1 ? PAGE_4K : PAGE_2M;
            if (level > 2) return -1;   /* 1 GiB leaves are not used by the kit */
            uint64_t frame = size == PAGE_2M ? pmm_alloc_2m() : pmm_alloc();
            if (!frame) return -1;
            memcpy(phys_to_virt(frame), phys_to_virt(e & PTE_ADDR & ~(size - 1)), size);
            uint64_t flags = e & ~PTE_ADDR & ~(PTE_PS | PTE_A | PTE_D);
            if (as_map(child, va, frame, size, flags & 0xfff) != 0) return -1;
        } else if (fork_level(child, e & PTE_ADDR, level - 1, va) != 0) {
            return -1;
        }
    }
    return 0;
}

int as_fork(struct aspace *child, const struct aspace *parent)
{
    if (as_create(child) != 0) return -1;
    return fork_level(child, parent->pml4, 4, 0);
}

static void destroy_level(struct aspace *as, uint64_t table, int level, int free_frames)
{
    uint64_t *t = pte_table(table);
    unsigned lo = 0, hi = 512;
    if (level == 4) { lo = 1; hi = 256; }
    for (unsigned i = lo; i < hi; i++) {
        uint64_t e = t[i];
        if (!(e & PTE_P)) continue;
        if (level == 1 || (e & PTE_PS)) {
            if (free_frames) {
                if (level == 1) pmm_free(e & PTE_ADDR);
                else if (level == 2) pmm_free_2m(e & PTE_ADDR & ~(PAGE_2M - 1));
            }
        } else {
            destroy_level(as, e & PTE_ADDR, level - 1, free_frames);
        }
        t[i] = 0;
    }
    if (level != 4) { pmm_free(table); as->tables--; }
}

void as_destroy(struct aspace *as, int free_frames)
{
    if (as == current) as_switch(&kernel_space);
    destroy_level(as, as->pml4, 4, free_frames);
    pmm_free(as->pml4);
    as->tables--;
    as->pml4 = 0;
}

void as_switch(struct aspace *as)
{
    current = as;
    write_cr3(as->pml4);   /* flushes non-global TLB entries (SDM Vol. 3A 4.10.4.1) */
}
