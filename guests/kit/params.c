/*
 * Multiboot command-line parameters.  Like GRUB, QEMU's multiboot loader puts the
 * image path first ("path args..."); a first word without '=' is therefore taken as
 * the image name and skipped.  Every other word is key=value (or a bare key, whose
 * value is "1").
 */
#include "kit.h"

#define MAX_PARAMS 32
#define CMDLINE_MAX 1024

static char store[CMDLINE_MAX];
static const char *keys[MAX_PARAMS];
static const char *values[MAX_PARAMS];
static int count;

static int has_eq(const char *w, const char *end)
{
    for (; w < end; w++)
        if (*w == '=') return 1;
    return 0;
}

void params_init(const char *cmdline)
{
    size_t len = 0;
    count = 0;
    if (!cmdline) return;
    while (cmdline[len] && len < CMDLINE_MAX - 1) len++;
    memcpy(store, cmdline, len);
    store[len] = 0;
    char *p = store;
    int first = 1;
    while (*p) {
        while (*p == ' ' || *p == '\t') *p++ = 0;
        if (!*p) break;
        char *w = p;
        while (*p && *p != ' ' && *p != '\t') p++;
        int eq = has_eq(w, p);
        if (*p) *p++ = 0;
        if (first && !eq) { first = 0; continue; }
        first = 0;
        if (count == MAX_PARAMS) break;
        char *v = w;
        while (*v && *v != '=') v++;
        if (*v) { *v = 0; values[count] = v + 1; }
        else values[count] = "1";
        keys[count++] = w;
    }
}

int param_count(void) { return count; }
const char *param_key(int i) { return keys[i]; }
const char *param_value(int i) { return values[i]; }

const char *param_str(const char *key, const char *dflt)
{
    for (int i = count - 1; i >= 0; i--) /* the last occurrence wins */
        if (kstrcmp(keys[i], key) == 0) return values[i];
    return dflt;
}

/* Decimal or 0x-hex, with an optional k/m/g suffix (powers of 1024). */
uint64_t param_u64(const char *key, uint64_t dflt)
{
    const char *s = param_str(key, 0);
    if (!s) return dflt;
    uint64_t v = 0;
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) { base = 16; s += 2; }
    const char *start = s;
    for (;; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9') d = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f') d = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F') d = (unsigned)(*s - 'A' + 10);
        else break;
        v = v * base + d;
    }
    if (s == start) goto bad;
    switch (*s) {
    case 'k': case 'K': v <<= 10; s++; break;
    case 'm': case 'M': v <<= 20; s++; break;
    case 'g': case 'G': v <<= 30; s++; break;
    }
    if (*s) goto bad;
    return v;
bad:
    kprintf("kit: parameter %s=%s is not a number\n", key, param_str(key, ""));
    kit_exit(KIT_EXIT_BADARG);
}
