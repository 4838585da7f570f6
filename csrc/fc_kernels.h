/*
 * fc_kernels.h - interior micro-kernels and their run-time dispatch.
 *
 * fc_corr2d_valid(type, b) computes, with b a struct fc_band,
 *
 *     out[r*ldo + x] (+)= sum_{i<kh, j<kw} k[i*kw + j] * in[(r+i)*ldi + x + j]
 *
 * for r < rows, x < cols: added when b->accumulate, else stored (and with
 * b->stream, stored with streaming stores where the ISA has them); every
 * read inside `in` (see fc_simd_impl.h).  `type` is an enum fc_type
 * (fc_types.h: f32, f64, c64 / c128 - interleaved complex, strides and
 * sizes count elements - and the unsigned integers, wrapping); FC_NONE or
 * a type without a kernel does nothing.
 *
 * Zero-filled edge columns: b->edge_before (b->edge_after) is how many
 * output columns before column 0 (after column cols - 1) the kernel may
 * also compute, reading the input columns outside [0, cols + kw - 1) of
 * each row as zero, and b->row_start is where column 0 is in its row
 * (vectors are laid out from the row's start); the caller promises that
 * those columns exist in `out` and that zero is the right value for the
 * reads outside (a zero-filled border whose first input column is in[0]).
 * On return b->done_before and b->done_after hold how many it computed,
 * for every row: all that are allowed, when they include the columns that
 * share the first (last) output's vector and the rows an edge vector reads
 * fit its buffer (stored, not accumulated; see fc_corr2d_valid in
 * fc_simd_impl.h); else 0.  That depends only on the arguments, not on the
 * addresses; a band of no rows computes nothing but reports it.
 *
 * Missing input rows (a zero-filled border above and below the band, the
 * rows a plane's top and bottom outputs read past its ends): the first
 * b->zero_before and the last b->zero_after of the rows + kh - 1 input rows
 * the band spans are never read, and the taps that fall there are left out
 * of the sums (kh > 1 only).  Stored sums then have the values of sums over
 * zeros in those rows, bit for bit: they start from +0, which adding
 * products never turns into -0, and adding a zero product to anything else
 * changes nothing.  `in` still points at the band's input row 0 (which may
 * lie before the array: it is never dereferenced).  The rows whose taps
 * reach a missing row get no edge columns (done_before / done_after hold
 * for the others).
 *
 * Planes: with b->plane_rows > 0 (rows a whole number of them), the band
 * is a stack of planes of plane_rows rows each, their input rows stacked
 * the same way (plane p's row r is the band's row p * plane_rows + r, in
 * and out), and zero_before / zero_after are each plane's own missing
 * rows: every plane's outputs are those of a call on that plane alone,
 * bit for bit, without a call per plane (a batch of small images).
 *
 * The same source is compiled for several instruction sets; fc_select_isa()
 * picks the best one the CPU supports, or the one named by the environment
 * variable FASTCONV_ISA ("baseline", "avx2", "avx512"; an unsupported or
 * unknown name falls back to the best supported one and is reported by
 * fc_isa_name()).
 */
#ifndef FC_KERNELS_H
#define FC_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "fc_types.h"

/* Work-unit shapes, read by _direct.pyx (and through it by _window.py):
   FC_UNIT_ROWS: work units come in multiples of this many rows, the least
   common multiple of every ISA's row-block heights (3, 4, 6; checked in
   fc_simd_unit.h) so a unit is whole SIMD row blocks.  FC_UNIT_MIN_COLS:
   the narrowest column block of a row split into units.
   FC_PAD_MIN_COLS: the kernel computes zero-filled edge columns only for
   bands of at least this many columns, each border at most
   min(row, FC_UNIT_MIN_COLS) - FC_PAD_MIN_COLS wide (so the unit that has a
   row's first or last column always has the whole border). */
#define FC_UNIT_ROWS 12
#define FC_UNIT_MIN_COLS 2048
#define FC_PAD_MIN_COLS 64
/* Wide kernels, those whose rows have at least FC_WIDE_KW taps, go through
   lane segments where the instruction set has them (fc_wide_impl.h);
   float32 kernels of FC_WIDE_KH_MIN to FC_WIDE_KH_MAX rows only in bands
   of at least FC_WIDE_KH_ROWS x kh rows (each input row a band reads is
   rearranged once per band), and their work units get that many rows
   (_window._units). */
#define FC_WIDE_KW 15
#define FC_WIDE_KH_MIN 15
#define FC_WIDE_KH_MAX 23
#define FC_WIDE_KH_ROWS 2
/* the rows those float32 bands need (0: none of them) */
#define FC_WIDE_F32_MIN_ROWS(kh, kw)                                            \
    ((kw) >= FC_WIDE_KW && (kh) >= FC_WIDE_KH_MIN && (kh) <= FC_WIDE_KH_MAX     \
         ? FC_WIDE_KH_ROWS * (kh) : 0)

struct fc_band {
    void *out;                /* output column 0 of row 0 */
    ptrdiff_t ldo;            /* output row pitch (elements) */
    const void *in;           /* input column 0 of row 0 */
    ptrdiff_t ldi;            /* input row pitch (elements) */
    const void *k;            /* kh x kw taps, row-major */
    ptrdiff_t kh, kw, rows, cols;
    int accumulate;           /* add to out (else store; out not read) */
    int stream;               /* streaming stores allowed (not with accumulate) */
    ptrdiff_t edge_before;    /* zero-filled edge columns allowed before column 0 */
    ptrdiff_t edge_after;     /* ... and after column cols - 1 */
    ptrdiff_t row_start;      /* where column 0 is in its row (>= 0) */
    ptrdiff_t done_before;    /* out: edge columns computed before column 0 */
    ptrdiff_t done_after;     /* out: ... and after column cols - 1 */
    ptrdiff_t zero_before;    /* missing (zero) input rows before the first one read */
    ptrdiff_t zero_after;     /* ... and after the last */
    ptrdiff_t plane_rows;     /* rows per plane of a stack of planes (0: one plane) */
    void (*hook)(void *);     /* NULL, or called with hook_ctx after each full-size block
                                 of the band's rows, or each block of its lane segments
                                 (fc_wide_impl.h) (other work to interleave with the
                                 arithmetic: nanconvolve's pending division) */
    void *hook_ctx;
};

typedef void (*fc_corr2d_fn)(struct fc_band *);

enum fc_isa { FC_ISA_BASELINE = 0, FC_ISA_AVX2 = 1, FC_ISA_AVX512 = 2 };

/* Element types of the micro-kernel (FC_NONE: no kernel for that type). */
#define FC_ENUM_ROW(ID, tn, S, T, LB, KIND) FC_##ID,
enum fc_type { FC_NONE = 0, FC_TYPES(FC_ENUM_ROW) FC_NTYPES };
#undef FC_ENUM_ROW

/* The fc_type of arrays of elements of `bytes` bytes of kind `kind`
   (FC_K_REAL, FC_K_COMPLEX, FC_K_UINT), or FC_NONE (folded to a constant
   for constant arguments). */
#define FC_TYPE_MATCH(ID, tn, S, T, LB, KIND)                                       \
    (kind == (KIND) && bytes == sizeof(S) * ((KIND) == FC_K_COMPLEX ? 2 : 1) ? FC_##ID : 0) +
static inline int fc_type_for(int kind, size_t bytes)
{
    return FC_TYPES(FC_TYPE_MATCH) 0;
}
#undef FC_TYPE_MATCH

/* The micro-kernel in use for element type `type` (one of enum fc_type;
   FC_NONE does nothing). */
void fc_corr2d_valid(int type, struct fc_band *b);
/* Bytes per vector of the kernel fc_corr2d_valid runs for a band of
   element type `type` with `cols` columns of a kernel `kw` wide, with
   (`edges`) or without zero-filled edge columns allowed (integer bands too
   narrow for the ISA in use go to a narrower one's), 0 for FC_NONE; and in
   *fills whether the band's columns between its edges fill one of those
   vectors (else the kernel computes them element by element; integer
   types, the only ones that change kernels: others report any column). */
int fc_band_vector_bytes(int type, ptrdiff_t cols, ptrdiff_t kw, int edges, int *fills);

/* Choose the kernels (once, at import).  `requested` is a name or NULL/""
   for automatic; returns the ISA in use. */
int fc_select_isa(const char *requested);
/* Name of the ISA in use, and a comma-separated list of those compiled in
   and supported by this CPU. */
const char *fc_isa_name(void);
const char *fc_isa_available(void);
/* The ISA in use (enum fc_isa), and whether the CPU has AVX512_VNNI (and
   the AVX-512 variant is compiled in and supported). */
int fc_isa_current(void);
int fc_cpu_has_vnni(void);

#endif
