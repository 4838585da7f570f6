/*
 * fc_fft_part_impl.h - the kernel-partitioned FFT (1-D), for a few outputs
 * and a long kernel; included by fc_fft_impl.h (per scalar type and
 * instruction set, with its DFT plans, lanes <-> lines moves and FF_T, FV,
 * FW).
 *
 * The same contract as the overlap-save engine,
 *
 *     out[y] = sum_{j < K} k[j] x[y + s + j]     (0 <= y < L; x reads 0 outside)
 *
 * but the kernel, not the output, is cut into blocks: block b holds taps
 * [j0 + b B, j0 + b B + B) (B = N - L + 1; j0 skips the leading taps that
 * only ever meet zeros), and its share of the L outputs is the correlation
 * of the segment u_b[t] = x[s + j0 + b B + t], t < N, with the block
 * kb[t] (zero past the block), exact for y < L in a circular one of length
 * N.  With U = DFT(u_b), V = DFT(kb) (length N, w = e^{-2 pi i / N}),
 *
 *     out[y] = 1/N sum_f A_f e^{+2 pi i f y / N},   A_f = sum_b U_f V_{-f},
 *
 * so the blocks' products are summed in the frequency domain and one
 * inverse transform ends the call: about one length-N transform per block
 * (real data) where overlap-save would need tiles longer than the kernel.
 *
 * Real data: one complex transform per block, Z = DFT(u + i kb):
 * U_f = (Z_f + conj Z_-f) / 2, V_-f = (Z_-f - conj Z_f) / (2i), so
 *     U_f V_-f = Im(Z_f Z_-f) / 2 + i (|Z_f|^2 - |Z_-f|^2) / 4.
 * Complex data: two transforms per block (U and V), A_f += U_f V_-f.
 *
 * Vectorised across lines: a group is FW blocks, one per lane of the S
 * block (N rows x FW lanes; rows f and N - f are two vectors, so the
 * product above runs lane by lane).  The sums are kept per lane and per
 * chunk: the groups are cut into nchunk contiguous chunks (a number that
 * depends on the geometry only), each with its own accumulator, threads
 * take whole chunks, and the chunks and then the lanes are added in a
 * fixed order - so the result is bit-identical for every thread count.
 * Work memory: per thread the S block(s), the Stockham scratch and FW
 * staging lines (O(N FW)), plus nchunk accumulators of 2 N FW scalars.
 */

typedef struct {
    int cplx, es;
    ptrdiff_t nx, K, L, st;        /* x length, kernel taps, outputs, offset s */
    ptrdiff_t j0, Ke;              /* taps [j0, j0 + Ke) can meet x */
    ptrdiff_t N, B, nblk, ngroups, nchunk;
    FF(plan) plan;
    FF_T *k;                       /* the kernel's taps [j0, j0 + Ke) */
    size_t kbytes;                 /* > 0: k is the plan's copy, of this size */
    ptrdiff_t sizeS;               /* Stockham scratch, scalars */
} FF(pctx);

/* at most this many chunks (accumulators of 2 N FW scalars each) */
#define FF_PART_CHUNKS 4

void FF(fc_fft_part_free)(void *plan)
{
    FF(pctx) *c = (FF(pctx) *)plan;
    if (!c)
        return;
    if (c->kbytes)
        fc_fft_block_release(c->k, c->kbytes);
    FF(plan_free)(&c->plan);
    free(c);
}

/* The geometry, DFT plan and a copy of the kernel taps that can meet x
 * (borrow: k itself, which must then live as long as the plan; fc_fft.h:
 * fc_fft_plan_new_part); N 5-smooth, N >= L.  NULL when memory is short. */
void *FF(fc_fft_part_new)(int cplx, ptrdiff_t nx, ptrdiff_t K, const FF_T *k, ptrdiff_t st,
                          ptrdiff_t L, ptrdiff_t N, int borrow)
{
    FF(pctx) *c = (FF(pctx) *)calloc(1, sizeof(FF(pctx)));
    if (!c)
        return NULL;
    c->cplx = cplx;
    c->es = cplx ? 2 : 1;
    c->nx = nx;
    c->K = K;
    c->L = L;
    c->st = st;
    c->N = N;
    c->B = N - L + 1;
    /* tap j meets x[y + s + j] for some y < L iff -s - L < j < nx - s */
    c->j0 = ff_max(0, -st - L + 1);
    c->Ke = ff_max(0, ff_min(K, nx - st) - c->j0);
    c->nblk = (c->Ke + c->B - 1) / c->B;
    c->ngroups = (c->nblk + FW - 1) / FW;
    c->nchunk = ff_min(c->ngroups, FF_PART_CHUNKS);
    if (FF(plan_init)(&c->plan, N) != 0) {
        FF(fc_fft_part_free)(c);
        return NULL;
    }
    c->sizeS = 4 * N * c->plan.nvmax * FW;
    if (borrow) {   /* (a one-shot call: k lives until its run) */
        c->k = (FF_T *)(k + c->j0 * c->es);
        return c;
    }
    c->kbytes = (size_t)FF(span)(ff_max(1, c->Ke * c->es)) * sizeof(FF_T);
    c->k = (FF_T *)fc_fft_block_alloc(c->kbytes);
    if (!c->k) {
        FF(fc_fft_part_free)(c);
        return NULL;
    }
    memcpy(c->k, k + c->j0 * c->es, (size_t)(c->Ke * c->es) * sizeof(FF_T));
    return c;
}

/* A thread's buffers: the S block (re, im: N x FW; complex data a second
 * one for the kernel blocks), the scratch, FW staging lines for segments
 * that reach outside x and one for the last, short kernel block. */
typedef struct {
    FF_T *Sr, *Si, *Tr, *Ti, *scr, *xline, *kline;
} FF(pbufs);

/* Scalars of one thread's buffers. */
static ptrdiff_t FF(part_thread_size)(const FF(pctx) *c)
{
    const ptrdiff_t blk = FF(span)(c->N * FW);
    return (c->cplx ? 4 : 2) * blk + FF(span)(c->sizeS) + FW * FF(span)(c->N * c->es) +
           FF(span)(c->B * c->es);
}

static void FF(part_bufs)(const FF(pctx) *c, FF_T *p, FF(pbufs) *b)
{
    const ptrdiff_t blk = FF(span)(c->N * FW);
    b->Sr = p;
    b->Si = p + blk;
    p += 2 * blk;
    b->Tr = b->Ti = NULL;
    if (c->cplx) {
        b->Tr = p;
        b->Ti = p + blk;
        p += 2 * blk;
    }
    b->scr = p;
    p += FF(span)(c->sizeS);
    b->xline = p;
    p += FW * FF(span)(c->N * c->es);
    b->kline = p;
}

/* Real data: scale each lane's segment u (rows [0, nu) of su) by 2^a and
 * its kernel block v (rows [0, nv) of sv) by 2^-a, a power of two that
 * brings their energies within a factor 4 of each other: the product U V
 * is unchanged (exactly: powers of two), but the frequency-domain
 * separation of Z = U + i V (|Z_f|^2 - |Z_-f|^2) loses precision in
 * proportion to (|U|^2 + |V|^2) / |U V|, which a kernel at 10^-6 the scale
 * of x would otherwise make 10^6 times the usual FFT error.  A lane with a
 * zero or non-finite energy is left as it is. */
/* Per lane, the sum of squares of rows [0, n) (four chains: the sum is
 * bound by the FMA's latency, not its throughput). */
static FV FF(sumsq)(const FV *r, ptrdiff_t n)
{
    FV a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
    ptrdiff_t t = 0;
    for (; t + 4 <= n; t += 4) {
        a0 += r[t] * r[t];
        a1 += r[t + 1] * r[t + 1];
        a2 += r[t + 2] * r[t + 2];
        a3 += r[t + 3] * r[t + 3];
    }
    for (; t < n; t++)
        a0 += r[t] * r[t];
    return (a0 + a1) + (a2 + a3);
}

static void FF(part_balance)(FF_T *su, ptrdiff_t nu, FF_T *sv, ptrdiff_t nv)
{
    FV *u = (FV *)su, *v = (FV *)sv;
    FV eu = FF(sumsq)(u, nu), ev = FF(sumsq)(v, nv), fu, fv;
    int any = 0;
    for (ptrdiff_t l = 0; l < FW; l++) {
        const double r = (double)ev[l] / (double)eu[l];
        int e = 0;   /* |u| 2^a ~ |v| 2^-a: 2^(4a) ~ ev / eu */
        if (eu[l] > 0 && ev[l] > 0 && isfinite(r) && r > 0)
            e = (int)floor(log2(r) / 4.0 + 0.5);
        fu[l] = (FF_T)ldexp(1.0, e);
        fv[l] = (FF_T)ldexp(1.0, -e);
        any |= e != 0;
    }
    if (!any)
        return;
    for (ptrdiff_t t = 0; t < nu; t++)
        u[t] *= fu;
    for (ptrdiff_t t = 0; t < nv; t++)
        v[t] *= fv;
}

/* Load group g into the S block(s): lane l = block g FW + l (zeros past
 * the last block): the segment in (Sr, Si) (real data: Sr) and the kernel
 * block in (Tr, Ti) (real data: Si), transformed. */
static void FF(part_load)(const FF(pctx) *c, ptrdiff_t g, const FF(pbufs) *b, const FF_T *x,
                          const FF_T *zero)
{
    const int es = c->es;
    const ptrdiff_t N = c->N, B = c->B, lx = FF(span)(N * es);
    const FF_T *px[64], *pk[64];
    for (ptrdiff_t l = 0; l < FW; l++) {
        const ptrdiff_t blk = g * FW + l;
        px[l] = pk[l] = zero;
        if (blk >= c->nblk)
            continue;
        const ptrdiff_t j = blk * B, o = c->st + c->j0 + j;   /* segment origin in x */
        const ptrdiff_t nb = ff_min(B, c->Ke - j);           /* taps of this block */
        if (o >= 0 && o + N <= c->nx) {
            px[l] = x + o * es;
        } else {
            FF_T *line = b->xline + l * lx;
            const ptrdiff_t lo = ff_min(ff_max(0, -o), N), hi = ff_max(ff_min(N, c->nx - o), lo);
            memset(line, 0, (size_t)(N * es) * sizeof(FF_T));
            if (hi > lo)
                memcpy(line + lo * es, x + (o + lo) * es, (size_t)((hi - lo) * es) * sizeof(FF_T));
            px[l] = line;
        }
        if (nb == B) {
            pk[l] = c->k + j * es;
        } else {
            memset(b->kline, 0, (size_t)(B * es) * sizeof(FF_T));
            memcpy(b->kline, c->k + j * es, (size_t)(nb * es) * sizeof(FF_T));
            pk[l] = b->kline;
        }
    }
    if (c->cplx) {
        FF(load_lines)(px, 2, N, b->Sr, b->Si, FW);
        FF(load_lines)(pk, 2, B, b->Tr, b->Ti, FW);
        FF(zero_rows)(b->Tr, b->Ti, FW, B, N);
        FF(fft_cols)(&c->plan, b->Sr, b->Si, FW, FW, b->scr);
        FF(fft_cols)(&c->plan, b->Tr, b->Ti, FW, FW, b->scr);
    } else {
        FF(load_lines)(px, 1, N, b->Sr, NULL, FW);
        FF(load_lines)(pk, 1, B, b->Si, NULL, FW);
        FF(zero_rows)(b->Si, NULL, FW, B, N);
        FF(part_balance)(b->Sr, N, b->Si, B);
        FF(fft_cols)(&c->plan, b->Sr, b->Si, FW, FW, b->scr);
    }
}

/* Add the transformed group's products to the accumulator (ar, ai: N x FW):
 * real data Im(Z_f Z_-f) and |Z_f|^2 - |Z_-f|^2 (scaled by 1/2 and 1/4 at
 * the end), complex data U_f V_-f. */
static void FF(part_accumulate)(const FF(pctx) *c, const FF(pbufs) *b, FF_T *ar, FF_T *ai)
{
    const ptrdiff_t N = c->N;
    FV *wr = (FV *)ar, *wi = (FV *)ai;
    const FV *zr = (const FV *)b->Sr, *zi = (const FV *)b->Si;
    if (c->cplx) {
        const FV *vr = (const FV *)b->Tr, *vi = (const FV *)b->Ti;
        for (ptrdiff_t f = 0; f < N; f++) {
            const ptrdiff_t m = f ? N - f : 0;
            const FV ur = zr[f], ui = zi[f], qr = vr[m], qi = vi[m];
            wr[f] += ur * qr - ui * qi;
            wi[f] += ur * qi + ui * qr;
        }
        return;
    }
    for (ptrdiff_t f = 0; f < N; f++) {
        const ptrdiff_t m = f ? N - f : 0;
        const FV pr = zr[f], pi = zi[f], qr = zr[m], qi = zi[m];
        wr[f] += pr * qi + pi * qr;
        wi[f] += (pr * pr + pi * pi) - (qr * qr + qi * qi);
    }
}

/* The chunks [ch0, ..) of thread tid of nthr: each chunk's groups into its
 * own accumulator (acc + ch * 2 N FW: re, then im). */
static void FF(part_team)(const FF(pctx) *c, const FF_T *x, FF_T *acc, FF_T *work,
                          const FF_T *zero, int tid, int nthr)
{
    FF(pbufs) b;
    FF(part_bufs)(c, work + tid * FF(part_thread_size)(c), &b);
    memset(b.Sr, 0, (size_t)(c->N * FW) * sizeof(FF_T));
    memset(b.Si, 0, (size_t)(c->N * FW) * sizeof(FF_T));
    memset(b.scr, 0, (size_t)c->sizeS * sizeof(FF_T));
    const ptrdiff_t plane = c->N * FW;
    for (ptrdiff_t ch = tid; ch < c->nchunk; ch += nthr) {
        FF_T *ar = acc + ch * 2 * plane, *ai = ar + plane;
        memset(ar, 0, (size_t)(2 * plane) * sizeof(FF_T));
        const ptrdiff_t g0 = c->ngroups * ch / c->nchunk, g1 = c->ngroups * (ch + 1) / c->nchunk;
        for (ptrdiff_t g = g0; g < g1; g++) {
            FF(part_load)(c, g, &b, x, zero);
            FF(part_accumulate)(c, &b, ar, ai);
        }
    }
}

/* part_team's arguments, its thread numbers the worker team's units
 * (fc_team.h: a number no worker took in time runs on the caller's thread
 * after its own) */
typedef struct {
    const FF(pctx) *c;
    const FF_T *x, *zero;
    FF_T *acc, *work;
    int nthr;
} FF(pjob);

static void FF(part_role)(void *ctx, int64_t tid, int slot)
{
    const FF(pjob) *j = (const FF(pjob) *)ctx;
    (void)slot;
    FF(part_team)(j->c, j->x, j->acc, j->work, j->zero, (int)tid, j->nthr);
}

/* out = the window (fc_fft.h's contract); 0 when every output is finite,
 * 1 when some may not be, -1 when memory is short. */
int FF(fc_fft_part_run)(void *plan, const FF_T *x, FF_T *out, int nthreads)
{
    const FF(pctx) *c = (const FF(pctx) *)plan;
    const int es = c->es;
    const ptrdiff_t N = c->N, L = c->L, plane = N * FW;
    if (c->nblk == 0) {
        memset(out, 0, (size_t)(L * es) * sizeof(FF_T));
        return 0;
    }
    if (nthreads < 1)
        nthreads = 1;
    if (nthreads > c->nchunk)
        nthreads = (int)c->nchunk;
    const ptrdiff_t per = FF(part_thread_size)(c), zlen = FF(span)(N * es);
    const ptrdiff_t accn = c->nchunk * 2 * plane;
    const size_t bytes = (size_t)(accn + zlen + nthreads * per) * sizeof(FF_T);
    FF_T *mem = (FF_T *)fc_fft_block_alloc(bytes);
    if (!mem)
        return -1;
    FF_T *acc = mem, *zero = mem + accn, *work = zero + zlen;
    memset(zero, 0, (size_t)zlen * sizeof(FF_T));
    FF(pjob) job = {c, x, zero, acc, work, nthreads};
    fc_team_run(FF(part_role), &job, nthreads, nthreads, NULL);
    /* chunks in order, then lanes in order; scaled (1/N; real data 1/2 and
       1/4 of the two sums) into lane 0 of thread 0's S block, the other
       lanes zero; the inverse DFT (forward with re and im swapped) */
    FF(pbufs) b;
    FF(part_bufs)(c, work, &b);
    FV *sr = (FV *)b.Sr, *si = (FV *)b.Si;
    const FV *wr = (const FV *)acc, *wi = (const FV *)(acc + plane);
    const double inv = 1.0 / (double)N;
    const FF_T fr = (FF_T)(c->cplx ? inv : 0.5 * inv), fi = (FF_T)(c->cplx ? inv : 0.25 * inv);
    for (ptrdiff_t f = 0; f < N; f++) {
        FV vr = wr[f], vi = wi[f];
        for (ptrdiff_t ch = 1; ch < c->nchunk; ch++) {
            vr += wr[ch * 2 * N + f];
            vi += wi[ch * 2 * N + f];
        }
        FF_T tr = 0, ti = 0;
        for (ptrdiff_t l = 0; l < FW; l++) {
            tr += vr[l];
            ti += vi[l];
        }
        const FV z = {0};
        sr[f] = z;
        si[f] = z;
        b.Sr[f * FW] = tr * fr;
        b.Si[f * FW] = ti * fi;
    }
    FF(fft_cols)(&c->plan, b.Si, b.Sr, FW, FW, b.scr);
    FF_T chk = 0;
    for (ptrdiff_t y = 0; y < L; y++) {
        out[y * es] = b.Sr[y * FW];
        chk += b.Sr[y * FW] * (FF_T)0;
        if (es == 2) {
            out[y * es + 1] = b.Si[y * FW];
            chk += b.Si[y * FW] * (FF_T)0;
        }
    }
    fc_fft_block_release(mem, bytes);
    return chk != 0;   /* NaN != 0 */
}

#undef FF_PART_CHUNKS
