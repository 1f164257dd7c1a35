/*
 * 64-bit entry points: the 256 interrupt stubs, SYSCALL entry and the switch to
 * and from ring 3.
 */
    .code64
    .text

/* Vectors that push an error code (SDM Vol. 3A 6.15, Table 6-1). */
.macro STUB n
isr_\n:
    .if (\n == 8) || (\n == 10) || (\n == 11) || (\n == 12) || (\n == 13) || (\n == 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
    .else
    pushq $0
    .endif
    pushq $\n
    jmp isr_common
.endm

.macro ADDR n
    .quad isr_\n
.endm

    .altmacro
    .set vec, 0
    .rept 256
    STUB %vec
    .set vec, vec + 1
    .endr

/* Frame layout must match struct isr_frame in idt.c. */
isr_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, %rdi
    cld
    call kit_isr
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp
    iretq

    .section .rodata
    .balign 8
    .globl isr_table
isr_table:
    .set vec, 0
    .rept 256
    ADDR %vec
    .set vec, vec + 1
    .endr
    .noaltmacro

    .text
/*
 * SYSCALL entry (SDM Vol. 2B SYSCALL): RCX = user RIP, R11 = user RFLAGS, RSP is
 * still the user stack.  SWAPGS exchanges GS.base with IA32_KERNEL_GS_BASE, which
 * holds &kit_percpu: offset 0 kernel stack top, offset 8 user RSP scratch.
 * Preserves every register except RAX (result), RCX and R11.
 */
    .globl syscall_entry
syscall_entry:
    swapgs
    movq %rsp, %gs:8
    movq %gs:0, %rsp
    pushq %rcx
    pushq %r11
    pushq %rdi
    pushq %rsi
    pushq %rdx
    pushq %r8
    pushq %r9
    pushq %r10
    movq %rdx, %rcx
    movq %rsi, %rdx
    movq %rdi, %rsi
    movq %rax, %rdi
    call kit_syscall
    popq %r10
    popq %r9
    popq %r8
    popq %rdx
    popq %rsi
    popq %rdi
    popq %r11
    popq %rcx
    movq %gs:8, %rsp
    swapgs
    sysretq

/*
 * uint64_t kit_enter_user(uint64_t rip, uint64_t rsp, uint64_t arg, uint64_t *saved_rsp)
 * Saves the callee-saved registers, then IRETQ to ring 3 with IF = 0.  Returns
 * when the process calls kit_resume_kernel (its exit system call).
 */
    .globl kit_enter_user
kit_enter_user:
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rcx)
    pushq $0x23                 /* SS: user data, RPL 3 */
    pushq %rsi                  /* RSP */
    pushq $0x002                /* RFLAGS: IF = 0, IOPL = 0 */
    pushq $0x2b                 /* CS: user code64, RPL 3 */
    pushq %rdi                  /* RIP */
    movq %rdx, %rdi
    xorl %eax, %eax
    xorl %ebx, %ebx
    xorl %ecx, %ecx
    xorl %edx, %edx
    xorl %esi, %esi
    xorl %ebp, %ebp
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    xorl %r11d, %r11d
    xorl %r12d, %r12d
    xorl %r13d, %r13d
    xorl %r14d, %r14d
    xorl %r15d, %r15d
    iretq

/*
 * void kit_resume_kernel(uint64_t saved_rsp, uint64_t code): called from a system
 * call handler (GS.base = &kit_percpu); swaps GS back and returns from
 * kit_enter_user with RAX = code.
 */
    .globl kit_resume_kernel
kit_resume_kernel:
    movq %rsi, %rax
    movq %rdi, %rsp
    swapgs
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    ret

/*
 * Keeps the user segment non-empty in every image: an empty PT_LOAD would sit at
 * address 0 and make QEMU's multiboot loader load the image from address 0.
 */
    .section user_text, "ax"
    .globl user_text_marker
user_text_marker:
    ud2
