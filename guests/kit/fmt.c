/*
 * printf-like formatting, shared by the guest and the host shim so that both
 * builds format numbers identically.  Output goes through kputc().
 */
#include "kit.h"

static int put_str(const char *s, int width, int left)
{
    int n = 0, len = (int)kstrlen(s);
    if (!left)
        for (; len + n < width; n++) kputc(' ');
    for (const char *p = s; *p; p++, n++) kputc(*p);
    if (left)
        for (int i = len; i < width; i++, n++) kputc(' ');
    return n;
}

static int put_num(uint64_t v, int neg, unsigned base, int upper, int width,
                   int zero, int left)
{
    char buf[24];
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int i = 0, n = 0;
    do {
        buf[i++] = digits[v % base];
        v /= base;
    } while (v);
    int len = i + (neg ? 1 : 0);
    if (!left && !zero)
        for (; len + n < width; n++) kputc(' ');
    if (neg) { kputc('-'); n++; }
    if (!left && zero)
        for (int pad = len; pad < width; pad++, n++) kputc('0');
    while (i) { kputc(buf[--i]); n++; }
    if (left)
        for (; n < width; n++) kputc(' ');
    return n;
}

int kvprintf(const char *fmt, va_list ap)
{
    int n = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') { kputc(*p); n++; continue; }
        p++;
        int left = 0, zero = 0, width = 0, lng = 0;
        for (;; p++) {
            if (*p == '-') left = 1;
            else if (*p == '0') zero = 1;
            else break;
        }
        while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
        while (*p == 'l' || *p == 'z') { lng++; p++; }
        switch (*p) {
        case 'd': case 'i': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            n += put_num(mag, v < 0, 10, 0, width, zero, left);
            break;
        }
        case 'u': case 'x': case 'X': {
            uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            unsigned base = *p == 'u' ? 10 : 16;
            n += put_num(v, 0, base, *p == 'X', width, zero, left);
            break;
        }
        case 'p':
            kputc('0'); kputc('x'); n += 2;
            n += put_num((uint64_t)(uintptr_t)va_arg(ap, void *), 0, 16, 0, width, zero, left);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            n += put_str(s ? s : "(null)", width, left);
            break;
        }
        case 'c':
            kputc((char)va_arg(ap, int)); n++;
            break;
        case '%':
            kputc('%'); n++;
            break;
        case 0:
            return n;
        default: /* unknown conversion: print it verbatim so the mistake shows */
            kputc('%'); kputc(*p); n += 2;
        }
    }
    return n;
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}
