/*
 * Thin wrappers over the x86 instructions the kit uses.  In the host build
 * (KIT_HOST) port I/O goes to the shim's device model and the privileged
 * instructions become no-ops, so workload cores compile unchanged.
 */
#ifndef KIT_X86_H
#define KIT_X86_H

#include <stdint.h>

#ifdef KIT_HOST
uint8_t host_inb(uint16_t port);
uint16_t host_inw(uint16_t port);
uint32_t host_inl(uint16_t port);
void host_outb(uint16_t port, uint8_t v);
void host_outw(uint16_t port, uint16_t v);
void host_outl(uint16_t port, uint32_t v);
void host_insb(uint16_t port, void *buf, uint32_t n);
void host_outsb(uint16_t port, const void *buf, uint32_t n);
static inline uint8_t inb(uint16_t p) { return host_inb(p); }
static inline uint16_t inw(uint16_t p) { return host_inw(p); }
static inline uint32_t inl(uint16_t p) { return host_inl(p); }
static inline void outb(uint16_t p, uint8_t v) { host_outb(p, v); }
static inline void outw(uint16_t p, uint16_t v) { host_outw(p, v); }
static inline void outl(uint16_t p, uint32_t v) { host_outl(p, v); }
static inline void insb(uint16_t p, void *b, uint32_t n) { host_insb(p, b, n); }
static inline void outsb(uint16_t p, const void *b, uint32_t n) { host_outsb(p, b, n); }
static inline void invlpg(uint64_t va) { (void)va; }
static inline void write_cr3(uint64_t v) { (void)v; }
#else
static inline uint8_t inb(uint16_t p) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint16_t inw(uint16_t p) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint32_t inl(uint16_t p) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline void outb(uint16_t p, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(p)); }
static inline void outw(uint16_t p, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(p)); }
static inline void outl(uint16_t p, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(p)); }
/* INS/OUTS with REP (SDM Vol. 2B "INS/INSB", "OUTS/OUTSB"). */
static inline void insb(uint16_t p, void *b, uint32_t n)
{ __asm__ volatile("rep insb" : "+D"(b), "+c"(n) : "d"(p) : "memory"); }
static inline void outsb(uint16_t p, const void *b, uint32_t n)
{ __asm__ volatile("rep outsb" : "+S"(b), "+c"(n) : "d"(p) : "memory"); }
static inline void invlpg(uint64_t va) { __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory"); }
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" :: "r"(v) : "memory"); }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t rdmsr(uint32_t msr)
{ uint32_t lo, hi; __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr)); return ((uint64_t)hi << 32) | lo; }
static inline void wrmsr(uint32_t msr, uint64_t v)
{ __asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))); }
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{ __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub)); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
/* STI's interrupt shadow makes "sti; hlt" sleep without losing a wake-up (SDM Vol. 2B STI). */
static inline void sti_hlt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }
static inline uint32_t mmio_read32(uint64_t a) { return *(volatile uint32_t *)(uintptr_t)a; }
static inline void mmio_write32(uint64_t a, uint32_t v) { *(volatile uint32_t *)(uintptr_t)a = v; }

/* Architectural MSRs (SDM Vol. 4, Table 2-2). */
#define MSR_APIC_BASE      0x1b
#define MSR_EFER           0xc0000080
#define MSR_STAR           0xc0000081
#define MSR_LSTAR          0xc0000082
#define MSR_FMASK          0xc0000084
#define MSR_GS_BASE        0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define EFER_SCE 1u
#endif

#endif
