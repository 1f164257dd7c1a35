/*
 * Multiboot v1 entry.  The loader enters in 32-bit protected mode with flat
 * segments, paging off, EAX = 0x2BADB002 and EBX = the multiboot information
 * (Multiboot Specification 0.6.96, 3.2).  This stub zeroes .bss, checks CPUID for
 * long mode, identity-maps 0-4 GiB with 2 MiB pages, enables PAE, EFER.LME and
 * paging, and far-jumps into 64-bit code (SDM Vol. 3A 10.8.5).
 */
#define MB_MAGIC  0x1BADB002
#define MB_FLAGS  0x00000003          /* bit 0: page-align modules, bit 1: memory info */
#define KIT_EXIT_FAIL 1

    .section .multiboot, "a"
    .balign 4
multiboot_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .section .boot.text, "ax"
    .code32
    .globl _start
_start:
    cli
    cld
    cmpl $0x2BADB002, %eax
    jne no_multiboot
    movl %ebx, %esi
    movl $boot_stack_top, %esp

    /* zero .bss (page tables, stacks, the frame bitmap) */
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    shrl $2, %ecx
    xorl %eax, %eax
    rep stosl
    movl %esi, multiboot_info

    /* CPUID.80000001H:EDX.LM[bit 29] (SDM Vol. 2A CPUID) */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    btl $29, %edx
    jnc no_long_mode

    /* PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB pages */
    movl $boot_pdpt, %eax
    orl $0x3, %eax
    movl %eax, boot_pml4
    movl $boot_pd, %eax
    orl $0x3, %eax
    movl $boot_pdpt, %edi
    movl $4, %ecx
1:  movl %eax, (%edi)
    addl $0x1000, %eax
    addl $8, %edi
    decl %ecx
    jnz 1b

    movl $boot_pd, %edi
    movl $0x83, %eax                  /* P | R/W | PS */
    xorl %ecx, %ecx
2:  movl %eax, (%edi,%ecx,8)
    addl $0x200000, %eax
    incl %ecx
    cmpl $2048, %ecx
    jb 2b
    /* the local APIC page must not be cached: PCD | PWT (SDM Vol. 3A 11.4.1) */
    orl $0x18, boot_pd + (0xfee00000 >> 21) * 8

    lgdt gdt_pointer
    movl %cr4, %eax
    orl $0x20, %eax                   /* CR4.PAE */
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $0xC0000080, %ecx            /* IA32_EFER */
    rdmsr
    orl $0x101, %eax                  /* LME | SCE */
    wrmsr
    movl %cr0, %eax
    orl $0x80010021, %eax             /* PG | WP | NE | PE */
    movl %eax, %cr0
    ljmp $0x08, $long_mode_entry

no_multiboot:
    /* print EAX in hex after the message, to show what the loader passed */
    movl %eax, %ebx
    movl $msg_no_multiboot, %esi
    movw $0x3f8, %dx
7:  lodsb
    testb %al, %al
    jz 8f
    outb %al, %dx
    jmp 7b
8:  movl $8, %ecx
9:  roll $4, %ebx
    movl %ebx, %eax
    andl $15, %eax
    movb hex_digits(%eax), %al
    outb %al, %dx
    decl %ecx
    jnz 9b
    movl $msg_newline, %esi
    jmp fail32
no_long_mode:
    movl $msg_no_long_mode, %esi
fail32:
    movw $0x3f8, %dx
3:  lodsb
    testb %al, %al
    jz 4f
    outb %al, %dx
    jmp 3b
4:  movw $0xf4, %dx
    movl $KIT_EXIT_FAIL, %eax
    outl %eax, %dx
5:  hlt
    jmp 5b

    .code64
long_mode_entry:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorl %eax, %eax
    movw %ax, %fs
    movw %ax, %gs
    movq $boot_stack_top, %rsp
    xorl %ebp, %ebp
    movl multiboot_info, %edi
    call kmain
6:  cli
    hlt
    jmp 6b

    .section .rodata
msg_no_multiboot: .asciz "kit: not started by a multiboot loader, EAX="
msg_newline: .asciz "\n"
hex_digits: .ascii "0123456789abcdef"
msg_no_long_mode: .asciz "kit: CPU lacks long mode (CPUID 80000001H:EDX.LM)\n"

    .data
    .balign 8
    .globl multiboot_info
multiboot_info: .long 0
    .balign 16
    .globl gdt
/* GDT layout (selectors): 0x08 kernel code64, 0x10 kernel data, 0x18 user code32
 * (SYSRET base), 0x20 user data, 0x28 user code64, 0x30 64-bit TSS (16 bytes).
 * SDM Vol. 3A 3.4.5 (descriptor format), 5.8.8 (SYSCALL/SYSRET selector rules). */
gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF
    .quad 0x00CF92000000FFFF
    .quad 0x00CFFA000000FFFF
    .quad 0x00CFF2000000FFFF
    .quad 0x00AFFA000000FFFF
    .quad 0, 0                         /* TSS, filled in by gdt_init() */
gdt_end:
    .globl gdt_pointer
gdt_pointer:
    .word gdt_end - gdt - 1
    .quad gdt

    .bss
    .balign 4096
    .globl boot_pml4
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
boot_pd:   .skip 4 * 4096
boot_stack: .skip 32768
boot_stack_top:
