/*
 * Ring-3 processes, each with its own address space, entered with IRETQ and
 * calling the kernel with SYSCALL (SDM Vol. 3A 5.8.8).  User code and data live
 * in the sections user_text / user_data (the 2 MiB user region at 2 MiB); each
 * process gets private copies of user_data and its own stack page.
 */
#ifndef KIT_PROCESS_H
#define KIT_PROCESS_H
#include <stdint.h>
#include "paging.h"

#define SYS_EXIT   0   /* (code): ends the process; process_run returns code */
#define SYS_GETPID 1
#define SYS_PUTC   2   /* (char) */
#define SYS_USER   8   /* first number a workload may register */
#define SYS_MAX    16

typedef uint64_t (*syscall_fn)(uint64_t a1, uint64_t a2, uint64_t a3);
void syscall_register(unsigned nr, syscall_fn fn);

struct process {
    struct aspace as;
    void (*entry)(uint64_t arg);
    uint64_t pid;
};

int process_create(struct process *p, void (*entry)(uint64_t), uint64_t pid);
uint64_t process_run(struct process *p, uint64_t arg);
void process_destroy(struct process *p);

#ifdef KIT_HOST
#define USER_TEXT __attribute__((noinline))
#define USER_DATA __attribute__((section("user_data")))
uint64_t host_syscall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3);
static inline uint64_t user_syscall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3)
{ return host_syscall(nr, a1, a2, a3); }
#else
#define USER_TEXT __attribute__((section("user_text"), noinline))
#define USER_DATA __attribute__((section("user_data")))
/* Everything a ring-3 function calls must be inlined into user_text. */
static inline __attribute__((always_inline)) uint64_t
user_syscall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
    uint64_t ret = nr;
    __asm__ volatile("syscall" : "+a"(ret) : "D"(a1), "S"(a2), "d"(a3) : "rcx", "r11", "memory");
    return ret;
}
#endif
#endif
