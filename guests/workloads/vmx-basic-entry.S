/*
 * vmx-basic: the world switch and the nested guest's code.
 *
 * vmx_enter(resume) saves the host's callee-saved registers, records RSP in the VMCS
 * host-state area (HOST_RSP, SDM Vol. 3C 24.5), loads the guest's general-purpose
 * registers from vmx_guest_regs and executes VMLAUNCH (resume = 0) or VMRESUME.
 * A successful VM entry never falls through: every VM exit, and every VM-entry failure
 * that loads host state (SDM 26.8), arrives at vmx_exit_stub (HOST_RIP) with RSP =
 * HOST_RSP. The stub saves the guest registers, calls vmx_handle_exit() and either
 * resumes the guest (it returned 0) or unwinds vmx_enter's frame and returns that value.
 * A VMLAUNCH/VMRESUME that fails as an instruction (VMfailInvalid: CF = 1, VMfailValid:
 * ZF = 1; SDM 31.2) falls through to vmx_fail, which returns -1 or -2.
 *
 * Encodings are GNU as AT&T: "vmwrite value, field" and "vmread field, dest".
 */
    .code64
    .text

#define HOST_RSP 0x6c14

/* offsets into struct guest_regs (vmx-basic.c) */
#define R_RAX 0
#define R_RBX 8
#define R_RCX 16
#define R_RDX 24
#define R_RSI 32
#define R_RDI 40
#define R_RBP 48
#define R_R8  56
#define R_R9  64
#define R_R10 72
#define R_R11 80
#define R_R12 88
#define R_R13 96
#define R_R14 104
#define R_R15 112

.macro LOAD_GUEST_REGS
    movq vmx_guest_regs+R_RBX(%rip), %rbx
    movq vmx_guest_regs+R_RCX(%rip), %rcx
    movq vmx_guest_regs+R_RDX(%rip), %rdx
    movq vmx_guest_regs+R_RSI(%rip), %rsi
    movq vmx_guest_regs+R_RDI(%rip), %rdi
    movq vmx_guest_regs+R_RBP(%rip), %rbp
    movq vmx_guest_regs+R_R8(%rip), %r8
    movq vmx_guest_regs+R_R9(%rip), %r9
    movq vmx_guest_regs+R_R10(%rip), %r10
    movq vmx_guest_regs+R_R11(%rip), %r11
    movq vmx_guest_regs+R_R12(%rip), %r12
    movq vmx_guest_regs+R_R13(%rip), %r13
    movq vmx_guest_regs+R_R14(%rip), %r14
    movq vmx_guest_regs+R_R15(%rip), %r15
    movq vmx_guest_regs+R_RAX(%rip), %rax
.endm

/* long vmx_enter(int resume) */
    .globl vmx_enter
vmx_enter:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp                   /* RSP = 0 mod 16 at the handler call below */
    movl $HOST_RSP, %eax
    vmwrite %rsp, %rax
    jbe vmx_fail                    /* VMWRITE failed: CF or ZF set */
    testl %edi, %edi                /* MOVs below leave the flags alone */
    LOAD_GUEST_REGS
    jnz 1f
    vmlaunch
    jmp vmx_fail
1:  vmresume
vmx_fail:
    movq $-1, %rax
    jc 2f
    movq $-2, %rax
2:  addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

    .globl vmx_exit_stub
vmx_exit_stub:
    movq %rax, vmx_guest_regs+R_RAX(%rip)
    movq %rbx, vmx_guest_regs+R_RBX(%rip)
    movq %rcx, vmx_guest_regs+R_RCX(%rip)
    movq %rdx, vmx_guest_regs+R_RDX(%rip)
    movq %rsi, vmx_guest_regs+R_RSI(%rip)
    movq %rdi, vmx_guest_regs+R_RDI(%rip)
    movq %rbp, vmx_guest_regs+R_RBP(%rip)
    movq %r8, vmx_guest_regs+R_R8(%rip)
    movq %r9, vmx_guest_regs+R_R9(%rip)
    movq %r10, vmx_guest_regs+R_R10(%rip)
    movq %r11, vmx_guest_regs+R_R11(%rip)
    movq %r12, vmx_guest_regs+R_R12(%rip)
    movq %r13, vmx_guest_regs+R_R13(%rip)
    movq %r14, vmx_guest_regs+R_R14(%rip)
    movq %r15, vmx_guest_regs+R_R15(%rip)
    cld                             /* a VM exit clears RFLAGS except bit 1 (SDM 27.5.3) */
    call vmx_handle_exit
    testq %rax, %rax
    jnz 3f
    LOAD_GUEST_REGS
    vmresume
    jmp vmx_fail                    /* VMRESUME failed as an instruction */
3:  addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

/*
 * The nested guest: 64-bit, CPL 0, the host's page tables, its own stack. The host prints
 * guest RIP as an offset from guest_entry; each offset below is the sum of the lengths of
 * the encodings before it (GNU as picks these; objdump -d shows the same bytes):
 *   +0x04 CPUID 0f a2 (2)        +0x0b VMCALL 0f 01 c1 (3)     +0x10 OUT e6 80 (2)
 *   +0x1c RDMSR 0f 32 (2)        +0x2e MOV CR3 41 0f 22 dc (4) +0x32 HLT f4 (1)
 *   +0x33 UD2 0f 0b (2)          +0x35 RDTSC 0f 31 (2)         +0x40 VMCALL 0f 01 c1 (3)
 * The IN at +0x16 and the RDMSR at +0x29 must not exit (their bitmap bits are clear).
 */
    .globl guest_entry, guest_end
guest_entry:
    xorl %eax, %eax                 /* +0x00  31 c0 */
    xorl %ecx, %ecx                 /* +0x02  31 c9 */
    cpuid                           /* +0x04  exit 10 (unconditional) */
    movl $1, %eax                   /* +0x06  b8 01 00 00 00: VMCALL 1 = "report CPUID" */
    vmcall                          /* +0x0b  exit 18; EBX, EDX, ECX still hold CPUID's */
    movb $0x5a, %al                 /* +0x0e  b0 5a */
    outb %al, $0x80                 /* +0x10  exit 30: port 0x80 is set in I/O bitmap A */
    movw $0x3ff, %dx                /* +0x12  66 ba ff 03 */
    inb %dx, %al                    /* +0x16  ec: no exit, port 0x3ff is clear in bitmap A */
    movl $0x1b, %ecx                /* +0x17  b9 1b 00 00 00 */
    rdmsr                           /* +0x1c  exit 31: MSR 0x1b is set in the read bitmap */
    movl %eax, %r8d                 /* +0x1e  41 89 c0 */
    movl %edx, %r9d                 /* +0x21  41 89 d1 */
    movl $0xc0000080, %ecx          /* +0x24  b9 80 00 00 c0 */
    rdmsr                           /* +0x29  no exit: IA32_EFER is clear in the read bitmap */
    movl %eax, %r10d                /* +0x2b  41 89 c2 */
    movq %r12, %cr3                 /* +0x2e  exit 28: CR3-load exiting, CR3-target count 0 */
    hlt                             /* +0x32  exit 12: HLT exiting */
    ud2                             /* +0x33  exit 0: #UD, bit 6 of the exception bitmap */
    rdtsc                           /* +0x35  exit 16: RDTSC exiting */
    movl %eax, %esi                 /* +0x37  89 c6 */
    movl %edx, %edi                 /* +0x39  89 d7 */
    movl $2, %eax                   /* +0x3b  b8 02 00 00 00: VMCALL 2 = "stop" */
    vmcall                          /* +0x40  exit 18 */
4:  hlt                             /* never resumed after VMCALL 2 */
    jmp 4b
guest_end:
