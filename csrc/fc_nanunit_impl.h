/* fc_nanunit_impl.h - the division's steps (nan_step: the pending
 * division of fc_nanunit.h) for one
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
   e < n, by streaming stores where `stream` asks, def[e] set to 0 once
   read (ready for the next rows: no pass of memset); returns how many
   weights are within tau of 0. */
static ptrdiff_t NAN_FN(nan_divide_row)(double *restrict dst, const double *restrict top,
                                        double *restrict def, ptrdiff_t n, double wsum,
                                        double scale, double tau, int stream)
{
    ptrdiff_t count = 0, e = 0;
#ifdef NAN_STREAM
    if (stream && ((uintptr_t)dst & 7) == 0) {
        typedef NAN_FN(nan_vd) vd;
        typedef NAN_FN(nan_vi) vi;
        for (; e < n && ((uintptr_t)(dst + e) & (NAN_VB - 1)) != 0; e++) {
            const double v = def ? wsum - def[e] : wsum;
            if (def)
                def[e] = 0.0;
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
                memcpy(def + e, &zero, sizeof zero);
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
            def[e] = 0.0;
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

/* def[e] += kr[e - o] for the e in [0, n) with e - o in [0, kw): one
   sample's kernel row added to a row of deficits, tap by tap. */
static inline void NAN_FN(nan_add_taps)(double *restrict def, const double *restrict kr,
                                        ptrdiff_t o, ptrdiff_t kw, ptrdiff_t n)
{
    const ptrdiff_t lo = o > 0 ? o : 0;
    const ptrdiff_t hi = o + kw < n ? o + kw : n;
    for (ptrdiff_t e = lo; e < hi; e++)
        def[e] += kr[e - o];
}

/* The taps of the listed samples pts[q0..q1) of one input row added to the
   deficit rows of the nr output rows that read it (d0: the first of them,
   pitch ldd, a whole number of vectors; kr: its kernel row in kf, the next
   rows' following at pitch kwp, the copy shifted by s columns s * sc
   doubles further on), the samples in their listed order; a sample's
   offset o in the rows (its first output) is its flat index less cbase.
   Where a sample's vectors lie inside the row, they are added whole, at
   addresses aligned to them, from the copy shifted by sh, o's offset in
   its vector (aligned loads: ~2x faster than from one copy at a shift,
   2048^2 9x9 1% NaN): zeros around the taps (x + 0 is x; def is never -0),
   so every element's sum is the same as tap by tap (nan_add_taps), and
   the vectors of two samples overlap whole or not at all.  (One tight
   loop per row of samples, two vectors a row for kernels up to 9 wide:
   nan_finish's time ~1.9 instead of ~3.0 ms on 2048^2 9x9 1% NaN, perf
   samples, against the per-sample call and branch of before.) */
static inline void NAN_FN(nan_row_taps)(double *d0, ptrdiff_t ldd, const double *kr,
                                        ptrdiff_t kwp, ptrdiff_t sc, ptrdiff_t nr,
                                        const int64_t *restrict pts, int64_t q0, int64_t q1,
                                        ptrdiff_t cbase, ptrdiff_t kw, ptrdiff_t n)
{
#ifdef NAN_STREAM
    typedef NAN_FN(nan_vd) vd;
    const ptrdiff_t vl = NAN_VB / 8;
    /* (def's rows are whole vectors apart: a sample's shift is that of
       its offset from the rows' aligned start) */
    const ptrdiff_t a0 = (ptrdiff_t)(((uintptr_t)d0 / 8) & (vl - 1));
    for (int64_t q = q0; q < q1; q++) {
        const ptrdiff_t o = (ptrdiff_t)pts[q] - cbase;
        const ptrdiff_t sh = (a0 + o) & (vl - 1);
        if (__builtin_expect(o < sh || o + kw + vl - 1 > n, 0)) {   /* (row ends) */
            const double *k = kr;
            double *d = d0;
            for (ptrdiff_t y = 0; y < nr; y++, k += kwp, d += ldd)
                NAN_FN(nan_add_taps)(d, k, o, kw, n);
            continue;
        }
        double *d = d0 + o - sh;
        const double *ks = kr + sh * sc;
        const ptrdiff_t nv = (sh + kw + vl - 1) / vl;
        if (nv == 2) {
            for (ptrdiff_t y = 0; y < nr; y++, ks += kwp, d += ldd) {
                vd a, b, ka, kb;
                memcpy(&a, d, sizeof a);
                memcpy(&b, d + vl, sizeof b);
                memcpy(&ka, ks, sizeof ka);
                memcpy(&kb, ks + vl, sizeof kb);
                a += ka;
                b += kb;
                memcpy(d, &a, sizeof a);
                memcpy(d + vl, &b, sizeof b);
            }
        } else {
            for (ptrdiff_t y = 0; y < nr; y++, ks += kwp, d += ldd)
                for (ptrdiff_t c = 0; c < nv * vl; c += vl) {
                    vd a, ka;
                    memcpy(&a, d + c, sizeof a);
                    memcpy(&ka, ks + c, sizeof ka);
                    a += ka;
                    memcpy(d + c, &a, sizeof a);
                }
        }
    }
#else
    (void)sc;
    for (int64_t q = q0; q < q1; q++) {
        const ptrdiff_t o = (ptrdiff_t)pts[q] - cbase;
        const double *k = kr;
        double *d = d0;
        for (ptrdiff_t y = 0; y < nr; y++, k += kwp, d += ldd)
            NAN_FN(nan_add_taps)(d, k, o, kw, n);
    }
#endif
}

/* Row r's listed samples: pts[*lo .. *hi) */
static inline void NAN_FN(nan_row_span)(const struct fc_nan_units *u, ptrdiff_t r,
                                        int64_t *lo, int64_t *hi)
{
    if (u->rowcnt) {
        *lo = (int64_t)((r - u->row0) * u->rowcap);
        *hi = *lo + u->rowcnt[r - u->row0];
    } else {
        *lo = u->rowptr[r];
        *hi = u->rowptr[r + 1];
    }
}

/* Whether rows [rlo, rhi) list any sample */
static inline int NAN_FN(nan_rows_any)(const struct fc_nan_units *u, ptrdiff_t rlo,
                                       ptrdiff_t rhi)
{
    if (rlo >= rhi)
        return 0;
    if (!u->rowcnt)
        return u->rowptr[rhi] > u->rowptr[rlo];
    for (ptrdiff_t r = rlo; r < rhi; r++)
        if (u->rowcnt[r - u->row0])
            return 1;
    return 0;
}

/* The work of p (fc_nanunit.h, struct fc_nan_pending) from where it
   stopped: deficit groups and divisions in their order, until about
   `budget` outputs were divided (the group's deficits count as a row of
   them) or, budget < 0, all of it.  Every output gets the operations of
   one whole pass, in the same order: the same bits however it is cut. */
static void NAN_FN(nan_step)(struct fc_nan_pending *p, ptrdiff_t budget)
{
    const struct fc_nan_units *u = p->u;
    const ptrdiff_t n = p->x1 - p->x0, kh = u->kh, kw = u->kw, xrows = u->xrows;
    const ptrdiff_t kwp = FC_NAN_KF_PITCH(kw);   /* kf's row pitch (fc_nanunit.h) */
    const ptrdiff_t ldd = FC_NAN_DEF_PITCH(n);
    const ptrdiff_t y0 = p->y0, y1 = p->y1, x0 = p->x0, sy = p->sy, sx = p->sx, ldx = p->ldx;
    const ptrdiff_t ldo = p->ldo, ldt = p->ldt;
    const int tid = p->tid;
    const double wsum = u->wsum, tau = u->tau;
    const int64_t *restrict pts = u->pts;
    const double *restrict kf = u->kf;
    double *const out = p->out, *const def = p->def;
    const double *const top = p->top;
    ptrdiff_t left = budget < 0 ? PTRDIFF_MAX : budget;
    /* FC_NAN_DEF_ROWS output rows at a time: each listed sample of the
       input rows they read is visited once, its taps added to the deficit
       rows of all of them it reaches (the samples in their listed order, so
       each output's taps are summed in that order, as one row at a time) */
    while (p->ya < y1) {
        const ptrdiff_t ya = p->ya;
        const ptrdiff_t yb = ya + FC_NAN_DEF_ROWS < y1 ? ya + FC_NAN_DEF_ROWS : y1;
        if (!p->dividing) {
            int any = 0;
            for (ptrdiff_t y = ya; y < yb; y++) {
                const ptrdiff_t rlo = y + sy > 0 ? y + sy : 0;
                const ptrdiff_t rhi = y + sy + kh < xrows ? y + sy + kh : xrows;
                p->some[y - ya] = NAN_FN(nan_rows_any)(u, rlo, rhi);
                any |= p->some[y - ya];
            }
            const ptrdiff_t ra = ya + sy > 0 ? ya + sy : 0;
            const ptrdiff_t rb = yb - 1 + sy + kh < xrows ? yb - 1 + sy + kh : xrows;
            for (ptrdiff_t r = any ? ra : rb; r < rb; r++) {
                /* the outputs y whose kernel row i = r - y - sy is in [0, kh)
                   (reversed in kf: row kh - 1 - i) */
                const ptrdiff_t ylo = r - sy - kh + 1 > ya ? r - sy - kh + 1 : ya;
                const ptrdiff_t yhi = r - sy + 1 < yb ? r - sy + 1 : yb;
                const double *kr = kf + (kh - 1 - (r - ylo - sy)) * kwp;
                double *d0 = def + (ylo - ya) * ldd;
                /* outputs x + sx + j = c: x = c - sx - kw + 1 + j' */
                int64_t q0, q1;
                NAN_FN(nan_row_span)(u, r, &q0, &q1);
                NAN_FN(nan_row_taps)(d0, ldd, kr, kwp, kh * kwp, yhi - ylo, pts, q0, q1,
                                     r * ldx + sx + kw - 1 + x0, kw, n);
            }
            p->dividing = 1;
            p->y = ya;
            p->e = 0;
            p->count = 0;
            left -= n;
            if (left <= 0)
                return;
        }
        while (p->y < yb) {
            const ptrdiff_t y = p->y;
            double *dy = p->some[y - ya] ? def + (y - ya) * ldd : NULL;
            double *dst = out + y * ldo + x0;
            /* up to `left` outputs, to a vector boundary of dst (the
               streamed part of the next piece starts whole) */
            ptrdiff_t e1 = n;
            if (left < n - p->e) {
                e1 = p->e + (left > 8 ? left : 8);
                e1 -= (ptrdiff_t)(((uintptr_t)(dst + e1) / 8) & 7);
                if (e1 <= p->e || e1 > n)
                    e1 = n;
            }
            p->count += NAN_FN(nan_divide_row)(dst + p->e, top + (y - y0) * ldt + p->e,
                                               dy ? dy + p->e : NULL, e1 - p->e, wsum,
                                               u->scale, tau, u->stream);
            left -= e1 - p->e;
            p->e = e1;
            if (e1 < n)
                return;
            if (p->count) {
                /* (rare) list the outputs with |weight| <= tau: the row's
                   deficits (zeroed by the division) summed again, in the
                   same order, then zeroed */
                int64_t *list = u->doubt + (ptrdiff_t)tid * u->doubt_cap;
                if (dy) {
                    const ptrdiff_t rlo = y + sy > 0 ? y + sy : 0;
                    const ptrdiff_t rhi = y + sy + kh < xrows ? y + sy + kh : xrows;
                    for (ptrdiff_t r = rlo; r < rhi; r++) {
                        int64_t q0, q1;
                        NAN_FN(nan_row_span)(u, r, &q0, &q1);
                        for (int64_t q = q0; q < q1; q++)
                            NAN_FN(nan_add_taps)(dy, kf + (kh - 1 - (r - y - sy)) * kwp,
                                                 (ptrdiff_t)(pts[q] - r * ldx) - sx - kw + 1 - x0,
                                                 kw, n);
                    }
                }
                for (ptrdiff_t e = 0; e < n; e++)
                    if (fabs(dy ? wsum - dy[e] : wsum) <= tau) {
                        if (u->ndoubt[tid] < u->doubt_cap)
                            list[u->ndoubt[tid]] = (int64_t)(y * ldo + x0 + e);
                        u->ndoubt[tid]++;
                    }
                if (dy)
                    memset(dy, 0, (size_t)n * sizeof(double));
            }
            p->y++;
            p->e = 0;
            p->count = 0;
            if (left <= 0 && p->y < yb)
                return;
        }
        p->ya += FC_NAN_DEF_ROWS;
        p->dividing = 0;
        if (left <= 0)
            break;
    }
    if (p->ya >= y1) {
#ifdef NAN_STREAM
        if (u->stream)
            _mm_sfence();   /* (the streamed stores before any later store) */
#endif
        p->active = 0;
    }
}
