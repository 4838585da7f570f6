/* kernel_ab.c - the timing harness of kernel_ab.py: two builds of one
 * micro-kernel (fc_corr2d_valid_<type>_<isa>, renamed kernel_a / kernel_b)
 * run on the band of an n x n 'same' correlation (the kernel computes the
 * zero-filled edge vectors, streaming stores as the core asks for them),
 * alternately, in thread CPU seconds; prints both medians, the median of
 * the per-round ratios a/b and how many outputs differ in their bits.
 *
 *     kernel_ab N KH KW [ROUNDS] [CHUNK]     (CHUNK: rows per call)
 *
 * Compiled by kernel_ab.py with -DS=<scalar type>.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fc_kernels.h"

void kernel_a(struct fc_band *b);
void kernel_b(struct fc_band *b);

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double run(void (*fn)(struct fc_band *), S *y, const S *x, const S *k, int n, int kh,
                  int kw, int chunk)
{
    const int rows = n - kh + 1, cols = n - kw + 1;
    const double t0 = now();
    for (int r0 = 0; r0 < rows; r0 += chunk) {
        struct fc_band b = {0};
        b.out = y + (size_t)(r0 + kh / 2) * n + kw / 2;
        b.ldo = n;
        b.in = x + (size_t)r0 * n;
        b.ldi = n;
        b.k = k;
        b.kh = kh;
        b.kw = kw;
        b.rows = rows - r0 < chunk ? rows - r0 : chunk;
        b.cols = cols;
        b.stream = 1;
        b.edge_before = b.row_start = kw / 2;
        b.edge_after = kw / 2;
        fn(&b);
    }
    return now() - t0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s N KH KW [ROUNDS] [CHUNK]\n", argv[0]);
        return 2;
    }
    const int n = atoi(argv[1]), kh = atoi(argv[2]), kw = atoi(argv[3]);
    const int rounds = argc > 4 ? atoi(argv[4]) : 9, chunk = argc > 5 ? atoi(argv[5]) : 96;
    if (n < kh || n < kw || kh < 1 || kw < 1 || rounds < 1 || chunk < 1) {
        fprintf(stderr, "bad arguments\n");
        return 2;
    }
    const size_t nn = (size_t)n * n, bytes = (nn * sizeof(S) + 63) / 64 * 64;
    S *x = aligned_alloc(64, bytes), *ya = aligned_alloc(64, bytes), *yb = aligned_alloc(64, bytes);
    S *k = malloc((size_t)kh * kw * sizeof(S));
    double *ta = malloc(3 * rounds * sizeof(double)), *tb = ta + rounds, *ratio = tb + rounds;
    if (!x || !ya || !yb || !k || !ta)
        return 1;
    srand(1);
    for (size_t i = 0; i < nn; i++)
        x[i] = (S)(rand() / (double)RAND_MAX - 0.5);
    for (int i = 0; i < kh * kw; i++)
        k[i] = (S)(rand() / (double)RAND_MAX - 0.5);
    memset(ya, 0, bytes);
    memset(yb, 0, bytes);
    run(kernel_a, ya, x, k, n, kh, kw, chunk);   /* (warm-up) */
    run(kernel_b, yb, x, k, n, kh, kw, chunk);
    for (int r = 0; r < rounds; r++) {
        ta[r] = run(kernel_a, ya, x, k, n, kh, kw, chunk);
        tb[r] = run(kernel_b, yb, x, k, n, kh, kw, chunk);
        ratio[r] = ta[r] / tb[r];
    }
    long diff = 0;
    for (size_t i = 0; i < nn; i++)
        diff += memcmp(&ya[i], &yb[i], sizeof(S)) != 0;
    qsort(ta, rounds, sizeof(double), cmp);
    qsort(tb, rounds, sizeof(double), cmp);
    qsort(ratio, rounds, sizeof(double), cmp);
    const double gf = 2.0 * (n - kh + 1) * (double)(n - kw + 1) * kh * kw / 1e9;
    printf("%4dx%-4d n=%-5d a %8.3f ms %6.1f GF/s   b %8.3f ms %6.1f GF/s   a/b %.3f [%.3f..%.3f]"
           "   outputs differing %ld\n",
           kh, kw, n, ta[rounds / 2] * 1e3, gf / ta[rounds / 2], tb[rounds / 2] * 1e3,
           gf / tb[rounds / 2], ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4], diff);
    return 0;
}
