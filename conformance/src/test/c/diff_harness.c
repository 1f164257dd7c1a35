/*
 * Native side of the differential test (conformance/DIFFERENTIAL.md): runs x86-64 instruction
 * sequences on the host CPU and reports the resulting register file, RFLAGS and scratch memory.
 *
 * Protocol (little-endian, stdin -> stdout):
 *   on start the harness writes a 16-byte header: u32 CPUID.1:ECX, u32 CPUID.(7,0):EBX,
 *   u32 CPUID.80000001H:ECX, u32 magic 0x56544446 ("FDTV").
 *   per case in:  u32 magic 0x45534143 ("CASE"), u32 code length, u64 regs[16] (encoding order),
 *                 u64 rflags, u64 memory seed, code bytes.
 *   per case out: u32 status (0 = reached the end of the sequence, else the signal number),
 *                 u32 reserved, u64 regs[16], u64 rflags, u64 fault rip, DATA_SIZE memory bytes.
 *   End of input ends the run.
 *
 * The code page and the scratch data (+ stack) sit at fixed addresses so that absolute and
 * RIP-relative addresses mean the same thing here and in the model.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define CODE_BASE 0x40000000UL
#define CODE_SIZE 0x1000UL
#define DATA_BASE 0x40001000UL
#define DATA_SIZE 0x1000UL

uint64_t vt_in_regs[16], vt_in_rflags, vt_out_regs[16], vt_out_rflags, vt_host_rsp, vt_entry;

void vt_run(void);
extern char vt_after[];

/* Loads the case's registers and flags, jumps to the code page; the code ends with an absolute
 * jump back to vt_after, which stores the registers before touching any stack. */
__asm__(
    ".text\n"
    ".globl vt_run\n"
    "vt_run:\n"
    "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
    "  mov %rsp, vt_host_rsp(%rip)\n"
    "  pushq vt_in_rflags(%rip)\n"
    "  popfq\n"
    "  mov vt_in_regs+0(%rip), %rax\n"
    "  mov vt_in_regs+8(%rip), %rcx\n"
    "  mov vt_in_regs+16(%rip), %rdx\n"
    "  mov vt_in_regs+24(%rip), %rbx\n"
    "  mov vt_in_regs+40(%rip), %rbp\n"
    "  mov vt_in_regs+48(%rip), %rsi\n"
    "  mov vt_in_regs+56(%rip), %rdi\n"
    "  mov vt_in_regs+64(%rip), %r8\n"
    "  mov vt_in_regs+72(%rip), %r9\n"
    "  mov vt_in_regs+80(%rip), %r10\n"
    "  mov vt_in_regs+88(%rip), %r11\n"
    "  mov vt_in_regs+96(%rip), %r12\n"
    "  mov vt_in_regs+104(%rip), %r13\n"
    "  mov vt_in_regs+112(%rip), %r14\n"
    "  mov vt_in_regs+120(%rip), %r15\n"
    "  mov vt_in_regs+32(%rip), %rsp\n"
    "  jmp *vt_entry(%rip)\n"
    ".globl vt_after\n"
    "vt_after:\n"
    "  mov %rax, vt_out_regs+0(%rip)\n"
    "  mov %rcx, vt_out_regs+8(%rip)\n"
    "  mov %rdx, vt_out_regs+16(%rip)\n"
    "  mov %rbx, vt_out_regs+24(%rip)\n"
    "  mov %rsp, vt_out_regs+32(%rip)\n"
    "  mov %rbp, vt_out_regs+40(%rip)\n"
    "  mov %rsi, vt_out_regs+48(%rip)\n"
    "  mov %rdi, vt_out_regs+56(%rip)\n"
    "  mov %r8, vt_out_regs+64(%rip)\n"
    "  mov %r9, vt_out_regs+72(%rip)\n"
    "  mov %r10, vt_out_regs+80(%rip)\n"
    "  mov %r11, vt_out_regs+88(%rip)\n"
    "  mov %r12, vt_out_regs+96(%rip)\n"
    "  mov %r13, vt_out_regs+104(%rip)\n"
    "  mov %r14, vt_out_regs+112(%rip)\n"
    "  mov %r15, vt_out_regs+120(%rip)\n"
    "  mov vt_host_rsp(%rip), %rsp\n"
    "  pushfq\n"
    "  popq vt_out_rflags(%rip)\n"
    "  cld\n"
    "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n"
    "  ret\n");

static sigjmp_buf fault_jump;
static volatile int fault_signal;
static uint64_t fault_rip;

/* A fault inside the sequence: take the register file from the signal frame (it is the state at
 * the faulting instruction) and unwind to the case loop. Runs on the alternate stack so the
 * sequence's stack in the scratch area is not disturbed. */
static void on_fault(int sig, siginfo_t *info, void *ucv) {
    (void)info;
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    static const int order[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                                  REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};
    for (int i = 0; i < 16; i++) vt_out_regs[i] = (uint64_t)g[order[i]];
    vt_out_rflags = (uint64_t)g[REG_EFL];
    fault_rip = (uint64_t)g[REG_RIP];
    fault_signal = sig;
    siglongjmp(fault_jump, 1);
}

static uint64_t splitmix64(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int read_full(void *buf, size_t n) {
    return fread(buf, 1, n, stdin) == n;
}

static void write_full(const void *buf, size_t n) {
    if (fwrite(buf, 1, n, stdout) != n) exit(3);
}

int main(void) {
    static char altstack[1 << 16];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) { perror("sigaltstack"); return 2; }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);

    unsigned char *code = mmap((void *)CODE_BASE, CODE_SIZE + DATA_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (code != (unsigned char *)CODE_BASE) { perror("mmap of the fixed code/data window"); return 2; }
    unsigned char *data = (unsigned char *)DATA_BASE;
    vt_entry = CODE_BASE;

    unsigned a, b, c, d;
    uint32_t header[4] = {0, 0, 0, 0x56544446};
    if (__get_cpuid(1, &a, &b, &c, &d)) header[0] = c;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) header[1] = b;
    if (__get_cpuid(0x80000001, &a, &b, &c, &d)) header[2] = c;
    write_full(header, sizeof header);
    fflush(stdout);

    for (;;) {
        uint32_t head[2];
        if (!read_full(head, sizeof head)) break;
        if (head[0] != 0x45534143 || head[1] > CODE_SIZE - 16) { fprintf(stderr, "bad case header\n"); return 2; }
        uint64_t seed;
        if (!read_full(vt_in_regs, sizeof vt_in_regs) || !read_full(&vt_in_rflags, 8) || !read_full(&seed, 8)
            || !read_full(code, head[1])) {
            fprintf(stderr, "truncated case\n");
            return 2;
        }
        /* Return stub: jmp *0(%rip) followed by the absolute address of vt_after. */
        unsigned char *p = code + head[1];
        p[0] = 0xff; p[1] = 0x25; p[2] = p[3] = p[4] = p[5] = 0;
        uint64_t after = (uint64_t)(uintptr_t)vt_after;
        memcpy(p + 6, &after, 8);
        for (uint64_t i = 0, s = seed; i < DATA_SIZE; i += 8) {
            uint64_t v = splitmix64(&s);
            memcpy(data + i, &v, 8);
        }
        fault_signal = 0;
        fault_rip = 0;
        if (sigsetjmp(fault_jump, 1) == 0) vt_run();
        uint32_t status[2] = {(uint32_t)fault_signal, 0};
        write_full(status, sizeof status);
        write_full(vt_out_regs, sizeof vt_out_regs);
        write_full(&vt_out_rflags, 8);
        write_full(&fault_rip, 8);
        write_full(data, DATA_SIZE);
    }
    fflush(stdout);
    return 0;
}
