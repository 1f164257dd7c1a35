/*
 * compute: integer kernels with no I/O and no exits -- sort, hash table, CRC32,
 * matrix multiply, modular exponentiation -- each printing a checksum.
 * Parameters: iters (default 4), n (array length, default 2048),
 *             mat (matrix order, default 24), crc (CRC buffer bytes, default 16384).
 */
#include "kit.h"

#define MAX_N   16384
#define MAX_MAT 64
#define MAX_CRC 65536

static uint32_t data[MAX_N];
static uint32_t table_keys[2 * MAX_N];
static uint32_t table_vals[2 * MAX_N];
static uint8_t crcbuf[MAX_CRC];
static uint32_t crc_table[256];
static uint32_t ma[MAX_MAT * MAX_MAT], mb[MAX_MAT * MAX_MAT], mc[MAX_MAT * MAX_MAT];

static uint64_t rng;
static uint64_t next_random(void)
{
    /* xorshift64* (Vigna 2014) */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1Dull;
}

static void sift_down(uint32_t *a, uint32_t start, uint32_t end)
{
    uint32_t root = start;
    while (2 * root + 1 < end) {
        uint32_t child = 2 * root + 1;
        if (child + 1 < end && a[child] < a[child + 1]) child++;
        if (a[root] >= a[child]) return;
        uint32_t t = a[root]; a[root] = a[child]; a[child] = t;
        root = child;
    }
}

static uint64_t kernel_sort(uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) data[i] = (uint32_t)(next_random() >> 32);
    for (uint32_t i = n / 2; i-- > 0;) sift_down(data, i, n);
    for (uint32_t end = n; end > 1; end--) {
        uint32_t t = data[0]; data[0] = data[end - 1]; data[end - 1] = t;
        sift_down(data, 0, end - 1);
    }
    uint64_t sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (i && data[i - 1] > data[i]) return 0xbad0bad0bad0ull;   /* not sorted */
        sum = sum * 1000003u + data[i];
    }
    return sum;
}

/* Open-addressing hash table with linear probing; FNV-1a over the key bytes. */
static uint32_t fnv1a(uint32_t key)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < 4; i++) {
        h ^= (key >> (8 * i)) & 0xff;
        h *= 16777619u;
    }
    return h;
}

static uint64_t kernel_hash(uint32_t n)
{
    uint32_t size = 2 * n, mask = size - 1;   /* n is a power of two */
    for (uint32_t i = 0; i < size; i++) { table_keys[i] = 0; table_vals[i] = 0; }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t key = (uint32_t)(next_random() % (4 * n)) + 1;
        uint32_t slot = fnv1a(key) & mask;
        while (table_keys[slot] && table_keys[slot] != key) slot = (slot + 1) & mask;
        table_keys[slot] = key;
        table_vals[slot] += i;
    }
    uint64_t sum = 0, hits = 0;
    for (uint32_t k = 1; k <= 4 * n; k += 3) {
        uint32_t slot = fnv1a(k) & mask;
        while (table_keys[slot] && table_keys[slot] != k) slot = (slot + 1) & mask;
        if (table_keys[slot] == k) { hits++; sum += (uint64_t)table_vals[slot] * k; }
    }
    return sum ^ (hits << 48);
}

static uint32_t crc32_bitwise(const uint8_t *p, uint32_t len)
{
    uint32_t crc = 0xffffffffu;
    for (uint32_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

static uint64_t kernel_crc(uint32_t len)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int b = 0; b < 8; b++) c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        crc_table[i] = c;
    }
    for (uint32_t i = 0; i < len; i++) crcbuf[i] = (uint8_t)(next_random() >> 56);
    uint32_t crc = 0xffffffffu;
    for (uint32_t i = 0; i < len; i++) crc = crc_table[(crc ^ crcbuf[i]) & 0xff] ^ (crc >> 8);
    crc = ~crc;
    /* the table-driven and bitwise forms must agree (checked on a prefix) */
    uint32_t prefix = len < 1024 ? len : 1024, t = 0xffffffffu;
    for (uint32_t i = 0; i < prefix; i++) t = crc_table[(t ^ crcbuf[i]) & 0xff] ^ (t >> 8);
    if (~t != crc32_bitwise(crcbuf, prefix)) return 0xbad1bad1bad1ull;
    return crc;
}

static uint64_t kernel_matmul(uint32_t m)
{
    for (uint32_t i = 0; i < m * m; i++) {
        ma[i] = (uint32_t)next_random() & 0xffff;
        mb[i] = (uint32_t)(next_random() >> 40);
    }
    for (uint32_t i = 0; i < m; i++)
        for (uint32_t j = 0; j < m; j++) {
            uint32_t acc = 0;
            for (uint32_t k = 0; k < m; k++) acc += ma[i * m + k] * mb[k * m + j];
            mc[i * m + j] = acc;
        }
    uint64_t sum = 0;
    for (uint32_t i = 0; i < m * m; i++) sum = (sum << 7 | sum >> 57) ^ mc[i];
    return sum;
}

/* 64-bit multiply and divide: modular exponentiation with 32-bit moduli; also signed division. */
static uint64_t kernel_modexp(uint32_t rounds)
{
    uint64_t sum = 0;
    int64_t sdiv = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        uint64_t mod = (next_random() >> 33) | 1, base = next_random() % mod, e = next_random() >> 40;
        uint64_t result = 1 % mod;
        while (e) {
            if (e & 1) result = result * base % mod;
            base = base * base % mod;
            e >>= 1;
        }
        sum += result;
        int64_t a = (int64_t)next_random(), b = (int64_t)(next_random() >> 35) - (1ll << 28);
        if (b) sdiv += a / b + a % b;
    }
    return sum ^ (uint64_t)sdiv;
}

int workload_main(void)
{
    uint64_t iters = param_u64("iters", 4);
    uint64_t n = param_u64("n", 2048), m = param_u64("mat", 24), crclen = param_u64("crc", 16384);
    if (n < 2 || n > MAX_N || (n & (n - 1)) || m < 1 || m > MAX_MAT || crclen < 1 || crclen > MAX_CRC) {
        kprintf("compute: need n a power of two in [2, %d], mat in [1, %d], crc in [1, %d]\n",
                MAX_N, MAX_MAT, MAX_CRC);
        return KIT_EXIT_BADARG;
    }
    kprintf("compute: iters=%lu n=%lu mat=%lu crc=%lu\n", iters, n, m, crclen);
    uint64_t total = 0;
    for (uint64_t it = 0; it < iters; it++) {
        rng = 0x9E3779B97F4A7C15ull ^ (it * 0x100000001B3ull);
        uint64_t s = kernel_sort((uint32_t)n);
        uint64_t h = kernel_hash((uint32_t)n);
        uint64_t c = kernel_crc((uint32_t)crclen);
        uint64_t x = kernel_matmul((uint32_t)m);
        uint64_t e = kernel_modexp((uint32_t)n / 8);
        kprintf("iter %lu: sort=%016lx hash=%016lx crc32=%08lx matmul=%016lx modexp=%016lx\n",
                it, s, h, c, x, e);
        total ^= s ^ (h << 1) ^ (c << 2) ^ (x << 3) ^ (e << 4);
    }
    kprintf("compute: checksum=%016lx\n", total);
    return KIT_EXIT_OK;
}
