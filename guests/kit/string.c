/* Freestanding string helpers; gcc -O2 emits calls to memcpy/memset/memmove/memcmp itself. */
#include "kit.h"

#ifndef KIT_HOST /* the host build uses its C library's versions */
/* REP MOVS/STOS as kernels use them: 8-byte moves, then the byte tail (SDM Vol. 2B MOVS, STOS). */
void *memcpy(void *d, const void *s, size_t n)
{
    void *ret = d;
    size_t q = n / 8, r = n % 8;
    __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(q) :: "memory");
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(r) :: "memory");
    return ret;
}

void *memset(void *d, int c, size_t n)
{
    void *ret = d;
    uint64_t pattern = (uint8_t)c * 0x0101010101010101ull;
    size_t q = n / 8, r = n % 8;
    __asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(pattern) : "memory");
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(r) : "a"(pattern) : "memory");
    return ret;
}

void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if (dp < sp) {
        while (n--) *dp++ = *sp++;
    } else {
        while (n--) dp[n] = sp[n];
    }
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y) return *x < *y ? -1 : 1;
    return 0;
}
#endif

size_t kstrlen(const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

int kstrcmp(const char *a, const char *b)
{
    while (*a && *a == *b) { a++; b++; }
    return (unsigned char)*a - (unsigned char)*b;
}
