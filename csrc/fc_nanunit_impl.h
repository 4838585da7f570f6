/* fc_nanunit_impl.h - fc_nan_finish's body (see fc_nanunit.h) for one
 * instruction set, included by fc_nanunit.c with NAN_ISA (the names'
 * suffix) and, where it has a vector loop, NAN_VB (vector bytes) and
 * NAN_STREAM(p, v) (a streaming store of one vector at p, aligned to NAN_VB).
 * Every element gets the same operations in the same order on every path. */
#define NAN_CAT_(a, b) a##_##b
#define NAN_CAT(a, b) NAN_CAT_(a, b)
#define NAN_FN(name) NAN_CAT(name, NAN_ISA)

#ifdef NAN_STREAM
typedef double NAN_FN(nan_vd) __attribute__((vector_size(NAN_VB)));
typedef int64_t NAN_FN(nan_vi) __attribute__((vector_size(NAN_VB)));
#endif

/* dst[e] = top[e] / (wsum - def[e]) * scale (def NULL: no deficit) for
   e < n, by streaming stores where `stream` asks; returns how many weights
   are within tau of 0. */
static ptrdiff_t NAN_FN(nan_divide_row)(double *restrict dst, const double *restrict top,
                                        const double *restrict def, ptrdiff_t n, double wsum,
                                        double scale, double tau, int stream)
{
    ptrdiff_t count = 0, e = 0;
#ifdef NAN_STREAM
    if (stream && ((uintptr_t)dst & 7) == 0) {
        typedef NAN_FN(nan_vd) vd;
        typedef NAN_FN(nan_vi) vi;
        for (; e < n && ((uintptr_t)(dst + e) & (NAN_VB - 1)) != 0; e++) {
            const double v = def ? wsum - def[e] : wsum;
            count += fabs(v) <= tau;
            dst[e] = top[e] / v * scale;
        }
        const vd zero = {0.0};
        const vi sign = (vi){0} + INT64_MIN;
        vi cnt = {0};
        /* (the division's throughput hides the streamed stores) */
        for (; e + NAN_VB / 8 <= n; e += NAN_VB / 8) {
            vd t, v = zero + wsum;
            memcpy(&t, top + e, sizeof t);
            if (def) {
                vd d;
                memcpy(&d, def + e, sizeof d);
                v = wsum - d;
            }
            cnt -= (vi)((vd)((vi)v & ~sign) <= tau);   /* (true is -1) */
            NAN_STREAM(dst + e, t / v * scale);
        }
        for (int j = 0; j < NAN_VB / 8; j++)
            count += cnt[j];
    }
#else
    (void)stream;
#endif
    if (def)
        for (; e < n; e++) {
            const double v = wsum - def[e];
            count += fabs(v) <= tau;
            dst[e] = top[e] / v * scale;
        }
    else {
        count += fabs(wsum) <= tau ? n - e : 0;
        for (; e < n; e++)
            dst[e] = top[e] / wsum * scale;
    }
    return count;
}

static void NAN_FN(nan_finish)(const struct fc_nan_units *u, double *out, ptrdiff_t ldo,
                               const double *top, ptrdiff_t ldt, ptrdiff_t y0, ptrdiff_t y1,
                               ptrdiff_t x0, ptrdiff_t x1, ptrdiff_t sy, ptrdiff_t sx,
                               ptrdiff_t ldx, double *def, int tid)
{
    const ptrdiff_t n = x1 - x0, kh = u->kh, kw = u->kw;
    const ptrdiff_t kwp = (kw + 7) / 8 * 8 + 16;   /* kf's row pitch (fc_nanunit.h) */
    const double wsum = u->wsum, tau = u->tau;
    for (ptrdiff_t y = y0; y < y1; y++) {
        const double *t = top + (y - y0) * ldt;
        const ptrdiff_t rlo = y + sy > 0 ? y + sy : 0;
        const ptrdiff_t rhi = y + sy + kh < u->xrows ? y + sy + kh : u->xrows;
        const int some = rlo < rhi && u->rowptr[rhi] > u->rowptr[rlo];
        if (some) {
            /* the taps on the invalid samples of input rows [rlo, rhi) */
            memset(def, 0, (size_t)n * sizeof(double));
            for (ptrdiff_t r = rlo; r < rhi; r++) {
                /* kernel row i = r - y - sy; reversed: row kh - 1 - i */
                const double *kr = u->kf + (kh - 1 - (r - y - sy)) * kwp + 8;
                for (int64_t q = u->rowptr[r]; q < u->rowptr[r + 1]; q++) {
                    /* outputs x + sx + j = c: x = c - sx - kw + 1 + j' */
                    const ptrdiff_t o = (ptrdiff_t)(u->pts[q] - r * ldx) - sx - kw + 1 - x0;
#ifdef NAN_STREAM
                    /* whole vectors of def, at addresses aligned to them:
                       the sample's taps shifted into them, zeros around
                       (x + 0 is x; def is never -0), so every element's
                       sum is the same; the vectors of two samples then
                       overlap whole or not at all (measured: ~2 ms less
                       of 2048^2 9x9 1% NaN than the scalar loop) */
                    const ptrdiff_t sh =
                        (ptrdiff_t)((((uintptr_t)def + (uintptr_t)o * 8) & (NAN_VB - 1)) / 8);
                    if (o >= sh && o + kw + NAN_VB / 8 - 1 <= n) {
                        typedef NAN_FN(nan_vd) vd;
                        double *dd = def + o - sh;
                        for (ptrdiff_t c = 0; c < sh + kw; c += NAN_VB / 8) {
                            vd dv, kv;
                            memcpy(&dv, dd + c, sizeof dv);
                            memcpy(&kv, kr - sh + c, sizeof kv);
                            dv += kv;
                            memcpy(dd + c, &dv, sizeof dv);
                        }
                        continue;
                    }
#endif
                    const ptrdiff_t lo = o > 0 ? o : 0;
                    const ptrdiff_t hi = o + kw < n ? o + kw : n;
                    double *restrict dd = def + lo;
                    const double *restrict kk = kr + (lo - o);
                    for (ptrdiff_t e = 0; e < hi - lo; e++)
                        dd[e] += kk[e];
                }
            }
        }
        if (NAN_FN(nan_divide_row)(out + y * ldo + x0, t, some ? def : NULL, n, wsum,
                                   u->scale, tau, u->stream)) {
            /* (rare) list the outputs with |weight| <= tau */
            int64_t *list = u->doubt + (ptrdiff_t)tid * u->doubt_cap;
            for (ptrdiff_t e = 0; e < n; e++)
                if (fabs(some ? wsum - def[e] : wsum) <= tau) {
                    if (u->ndoubt[tid] < u->doubt_cap)
                        list[u->ndoubt[tid]] = (int64_t)(y * ldo + x0 + e);
                    u->ndoubt[tid]++;
                }
        }
    }
#ifdef NAN_STREAM
    if (u->stream)
        _mm_sfence();   /* (the streamed stores before any later store) */
#endif
}
