/* fc_cachesize.c - see fc_cachesize.h. */
#include "fc_cachesize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <cpuid.h>
#define FC_CPUID 1
#endif

#define FC_L2_DEFAULT ((size_t)1 << 20)
#define FC_L2_MIN ((size_t)64 << 10)
#define FC_L2_MAX ((size_t)64 << 20)

/* "1048576", "1024K", "1M" (case-insensitive suffix) -> bytes; 0 if not a size. */
static size_t fc_parse_size(const char *s)
{
    if (!s)
        return 0;
    char *end = NULL;
    const unsigned long long v = strtoull(s, &end, 10);
    if (end == s)
        return 0;
    unsigned long long mult = 1;
    if (*end == 'k' || *end == 'K')
        mult = 1024, end++;
    else if (*end == 'm' || *end == 'M')
        mult = 1024 * 1024, end++;
    while (*end == ' ' || *end == '\n')
        end++;
    if (*end != '\0' || v == 0 || v > (unsigned long long)FC_L2_MAX)
        return 0;
    return (size_t)(v * mult);
}

/* The level-2 data or unified cache of cpu0 in Linux's sysfs, or 0. */
static size_t fc_l2_sysfs(void)
{
    char path[96], buf[32];
    for (int i = 0; i < 8; i++) {
        int level = 0;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
        FILE *f = fopen(path, "r");
        if (!f)
            break;
        if (fscanf(f, "%d", &level) != 1)
            level = 0;
        fclose(f);
        if (level != 2)
            continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
        f = fopen(path, "r");
        if (!f)
            continue;
        const int instr = fgets(buf, sizeof buf, f) && strncmp(buf, "Instruction", 11) == 0;
        fclose(f);
        if (instr)
            continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
        f = fopen(path, "r");
        if (!f)
            continue;
        size_t got = fgets(buf, sizeof buf, f) ? fc_parse_size(buf) : 0;
        fclose(f);
        if (got)
            return got;
    }
    return 0;
}

static size_t fc_l2_detect(void)
{
    size_t got = fc_parse_size(getenv("FASTCONV_L2_BYTES"));
#if defined(_SC_LEVEL2_CACHE_SIZE)
    if (!got) {
        const long v = sysconf(_SC_LEVEL2_CACHE_SIZE);
        got = v > 0 ? (size_t)v : 0;
    }
#endif
    if (!got)
        got = fc_l2_sysfs();
#ifdef FC_CPUID
    if (!got) {
        unsigned a, b, c, d;
        /* (AMD and Intel: ECX[31:16] = L2 KiB per core) */
        if (__get_cpuid(0x80000000u, &a, &b, &c, &d) && a >= 0x80000006u &&
            __get_cpuid(0x80000006u, &a, &b, &c, &d))
            got = (size_t)(c >> 16) << 10;
    }
#endif
    if (!got)
        got = FC_L2_DEFAULT;
    return got < FC_L2_MIN ? FC_L2_MIN : got > FC_L2_MAX ? FC_L2_MAX : got;
}

/* (0: not found yet; a race finds the same value twice) */
static size_t fc_l2;

#if defined(__GNUC__) || defined(__clang__)
#define FC_L2_LOAD() __atomic_load_n(&fc_l2, __ATOMIC_RELAXED)
#define FC_L2_SWAP(v) __atomic_exchange_n(&fc_l2, (v), __ATOMIC_RELAXED)
#else
#define FC_L2_LOAD() (*(volatile size_t *)&fc_l2)
static size_t fc_l2_swap(size_t v) { size_t old = fc_l2; *(volatile size_t *)&fc_l2 = v; return old; }
#define FC_L2_SWAP(v) fc_l2_swap(v)
#endif

size_t fc_l2_bytes(void)
{
    size_t v = FC_L2_LOAD();
    if (!v) {
        v = fc_l2_detect();
        FC_L2_SWAP(v);
    }
    return v;
}

size_t fc_set_l2_bytes(size_t bytes)
{
    const size_t old = fc_l2_bytes();
    if (bytes)
        bytes = bytes < FC_L2_MIN ? FC_L2_MIN : bytes > FC_L2_MAX ? FC_L2_MAX : bytes;
    FC_L2_SWAP(bytes);
    return old;
}
