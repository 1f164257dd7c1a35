/*
 * The guest kit's workload-facing interface.  Everything declared here is
 * implemented twice: by the kit for the x86-64 guest (kit/ sources) and by the host
 * shim (host/shim.c), so a workload compiled for either prints the same text.
 */
#ifndef KIT_H
#define KIT_H

#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>

/* Exit-device convention (see README.md): the guest writes one of these codes
 * to the isa-debug-exit port 0xf4; QEMU and vtsim end with status (code<<1)|1. */
#define KIT_EXIT_OK        0   /* process status 1 */
#define KIT_EXIT_FAIL      1   /* process status 3: a workload self-check failed */
#define KIT_EXIT_EXCEPTION 2   /* process status 5: unexpected CPU exception */
#define KIT_EXIT_BADARG    3   /* process status 7: bad command-line parameter */
#define KIT_EXIT_NOMEM     4   /* process status 9: physical memory exhausted */

/* Formatted output: %d %i %u %x %X %s %c %p %%, length l/ll/z, flags '-' '0', width. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
void kputc(char c);

/* Multiboot command-line parameters (key=value words). */
const char *param_str(const char *key, const char *dflt);
uint64_t param_u64(const char *key, uint64_t dflt);
int param_count(void);
const char *param_key(int i);
const char *param_value(int i);

/* Ends the run through the exit device; never returns. */
void kit_exit(int code) __attribute__((noreturn));

/* Every workload defines this; its return value is the exit code. */
int workload_main(void);

/* Fresh memory mapped into the current address space at 1 TiB and up, with
 * 4 KiB or 2 MiB pages (the host shim returns plain heap memory). */
void *kit_map_region(uint64_t bytes, int large_pages);
void kit_unmap_region(void *p, uint64_t bytes, int large_pages);

/* freestanding string helpers (gcc -O2 may call the first four itself) */
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t kstrlen(const char *s);
int kstrcmp(const char *a, const char *b);

#endif
