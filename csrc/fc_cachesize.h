/*
 * fc_cachesize.h - the size of one core's L2 cache, which the FFT engine's
 * tile cost (fc_fft.c) measures a tile's working set against.
 *
 * fc_l2_bytes: FASTCONV_L2_BYTES from the environment when it holds a
 * size (bytes, or with a K/M suffix: 1048576, 1024K, 1M), else the
 * machine's (sysconf(_SC_LEVEL2_CACHE_SIZE), then
 * /sys/devices/system/cpu/cpu0/cache, then x86 cpuid leaf 0x80000006),
 * else 1 MiB; clamped to [64 KiB, 64 MiB].  Found once, on first use.
 * fc_set_l2_bytes sets it (tests; 0: find it again on next use) and
 * returns the old value.
 *
 * Tiles chosen against it, and so the last bits of FFT results, may differ
 * between machines with different L2 sizes (never with the thread count).
 */
#ifndef FC_CACHESIZE_H
#define FC_CACHESIZE_H
#include <stddef.h>

size_t fc_l2_bytes(void);
size_t fc_set_l2_bytes(size_t bytes);

#endif
