/* Ring-3 processes and the SYSCALL/SYSRET set-up. */
#include "kit.h"
#include "x86.h"
#include "pmm.h"
#include "paging.h"
#include "process.h"

#define USER_REGION   0x200000ull          /* the 2 MiB page the user sections live in */
#define USER_STACK_VA 0x3ff000ull          /* last 4 KiB page of the user region */
#define SEL_KERNEL_CS 0x08
#define SEL_SYSRET_BASE 0x18               /* SYSRET: CS = base + 16, SS = base + 8 */

extern char __user_start[], __user_data_start[], __user_end[];
extern void syscall_entry(void);
uint64_t kit_enter_user(uint64_t rip, uint64_t rsp, uint64_t arg, uint64_t *saved_rsp);
void kit_resume_kernel(uint64_t saved_rsp, uint64_t code) __attribute__((noreturn));
void tss_set_rsp0(uint64_t rsp0);

/* GS.base while in a system call (via SWAPGS); offsets are used by entry.S */
struct percpu {
    uint64_t kernel_rsp;
    uint64_t user_rsp;
};
static struct percpu kit_percpu;
static uint8_t kernel_stack[16384] __attribute__((aligned(16)));
static syscall_fn table[SYS_MAX];
static struct process *running;
static uint64_t saved_rsp;

void syscall_init(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    wrmsr(MSR_STAR, (uint64_t)SEL_SYSRET_BASE << 48 | (uint64_t)SEL_KERNEL_CS << 32);
    wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
    wrmsr(MSR_FMASK, 0x47700);   /* clear TF, IF, DF, IOPL, NT, AC on entry */
    kit_percpu.kernel_rsp = (uint64_t)(uintptr_t)(kernel_stack + sizeof(kernel_stack));
    tss_set_rsp0(kit_percpu.kernel_rsp);
    /* the kernel runs with GS.base = 0; SWAPGS in syscall_entry brings in &kit_percpu */
    wrmsr(MSR_GS_BASE, 0);
    wrmsr(MSR_KERNEL_GS_BASE, (uint64_t)(uintptr_t)&kit_percpu);
}

void syscall_register(unsigned nr, syscall_fn fn)
{
    if (nr < SYS_MAX) table[nr] = fn;
}

uint64_t kit_syscall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
    switch (nr) {
    case SYS_EXIT:
        kit_resume_kernel(saved_rsp, a1);
    case SYS_GETPID:
        return running->pid;
    case SYS_PUTC:
        kputc((char)a1);
        return 0;
    default:
        if (nr < SYS_MAX && table[nr]) return table[nr](a1, a2, a3);
        return (uint64_t)-1;   /* ENOSYS */
    }
}

/*
 * The process shares the kernel's identity map except for the user region, which
 * gets its own PDPT -> PD -> PT path: user_text pages mapped read-only for ring 3,
 * user_data pages copied into private frames, and a private stack page.
 */
int process_create(struct process *p, void (*entry)(uint64_t), uint64_t pid)
{
    if (as_create(&p->as) != 0) return -1;
    uint64_t *kpml4 = pte_table(as_kernel()->pml4);
    uint64_t pdpt = pmm_alloc(), pd = pmm_alloc(), pt = pmm_alloc_zeroed();
    if (!pdpt || !pd || !pt) return -1;
    memcpy(pte_table(pdpt), pte_table(kpml4[0] & PTE_ADDR), PAGE_4K);
    memcpy(pte_table(pd), pte_table(pte_table(pdpt)[0] & PTE_ADDR), PAGE_4K);
    uint64_t *ptes = pte_table(pt);
    for (unsigned i = 0; i < 512; i++)
        ptes[i] = (USER_REGION + i * PAGE_4K) | PTE_P | PTE_W;
    for (uint64_t va = (uint64_t)(uintptr_t)__user_start; va < (uint64_t)(uintptr_t)__user_data_start; va += PAGE_4K)
        ptes[(va - USER_REGION) / PAGE_4K] = va | PTE_P | PTE_U;
    for (uint64_t va = (uint64_t)(uintptr_t)__user_data_start; va < (uint64_t)(uintptr_t)__user_end; va += PAGE_4K) {
        uint64_t f = pmm_alloc();
        if (!f) return -1;
        memcpy(phys_to_virt(f), (void *)(uintptr_t)va, PAGE_4K);
        ptes[(va - USER_REGION) / PAGE_4K] = f | PTE_P | PTE_W | PTE_U;
    }
    uint64_t stack = pmm_alloc_zeroed();
    if (!stack) return -1;
    ptes[(USER_STACK_VA - USER_REGION) / PAGE_4K] = stack | PTE_P | PTE_W | PTE_U;
    pte_table(pd)[USER_REGION >> 21] = pt | PTE_P | PTE_W | PTE_U;
    pte_table(pdpt)[0] = pd | PTE_P | PTE_W | PTE_U;
    pte_table(p->as.pml4)[0] = pdpt | PTE_P | PTE_W | PTE_U;
    p->as.tables += 3;
    p->entry = entry;
    p->pid = pid;
    return 0;
}

uint64_t process_run(struct process *p, uint64_t arg)
{
    struct aspace *prev = as_current();
    running = p;
    as_switch(&p->as);
    uint64_t code = kit_enter_user((uint64_t)(uintptr_t)p->entry, USER_STACK_VA + PAGE_4K - 8, arg, &saved_rsp);
    as_switch(prev);
    running = 0;
    return code;
}

void process_destroy(struct process *p)
{
    uint64_t pdpt = pte_table(p->as.pml4)[0] & PTE_ADDR;
    uint64_t pd = pte_table(pdpt)[0] & PTE_ADDR;
    uint64_t pt = pte_table(pd)[USER_REGION >> 21] & PTE_ADDR;
    uint64_t *ptes = pte_table(pt);
    for (uint64_t va = (uint64_t)(uintptr_t)__user_data_start; va < (uint64_t)(uintptr_t)__user_end; va += PAGE_4K)
        pmm_free(ptes[(va - USER_REGION) / PAGE_4K] & PTE_ADDR);
    pmm_free(ptes[(USER_STACK_VA - USER_REGION) / PAGE_4K] & PTE_ADDR);
    pmm_free(pt);
    pmm_free(pd);
    pmm_free(pdpt);
    p->as.tables -= 3;
    pte_table(p->as.pml4)[0] = 0;
    as_destroy(&p->as, 1);
}
