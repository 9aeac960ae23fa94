// The packed products of gemm_packed_bf16.c and gemm_int8.c on AMX tiles
// (Intel's Advanced Matrix Extensions), over the same packed panels and the
// same rows of A: bfloat16 for decoding (weights packed once) and training
// (BFloat16Gemm: both operands rounded per call), int8 for decoding.
//
// Why: on a CPU with AMX, vdpbf16ps runs no faster than float32's FMAs (one
// port), so the AVX512_BF16 kernel gains little there; one tdpbf16ps
// multiplies a 16×32 tile of A by a 32×16 tile of B into a 16×16 float tile,
// 8,192 multiply-adds, 16× a vector instruction's share of the core (and
// tdpbusd 16×64 by 64×16 bytes into int32, twice that).
//
// The tiles (8 registers, each 16 rows of 64 bytes, configured by
// ldtilecfg) read the packed panels directly. Both layouts group the depth
// in units of 4 bytes per column — a bfloat16 pair (B[2q][j], B[2q+1][j]) or
// an int8 quad B[4q..4q+3][j] — a unit being 128 bytes for a panel's 32
// columns: AMX's "VNNI" layout for B. 16 consecutive units at a stride of
// 128 bytes are one B tile (columns 0..15 of the panel, or 16..31 at byte
// 64). An A tile is 16 rows of 64 bytes: 16 units of the depth. Blocking:
// 2 A tiles × 2 B tiles (one panel) → 4 accumulator tiles of 16×16, i.e.
// 32 rows × 32 columns of C per pass over the depth; 32 rows of A (in L1)
// against every panel in turn (streamed from L2, prefetched).
//
// Edges: rows past m and depth past the last whole block of 16 units would
// read past A's rows or B's panel, so A is copied into zeroed rows of whole
// blocks (per call and thread) when m or the depth is not a multiple, and a
// panel's last partial block of B into a zeroed tile (zero weights: the
// copy's pad adds nothing, whatever A holds there); C's tiles go through a
// small buffer, so columns past n, bias and accumulation are handled by the
// same masked store as the vector kernels.
//
// Every value of C is one dot product over the depth, taken in the same
// order of tile blocks whatever the split over panels or rows: the results
// do not depend on the thread count. tdpbf16ps treats bfloat16 and float
// denormals as zero; the bound of BFloat16Gemm.swift holds otherwise. int8's
// int32 sums are exact, and the store scales them as gemm_int8.c does: the
// same bits as the AVX512-VNNI kernel.
//
// Linux gives a process the tile registers only after it asks
// (arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA)); s2s_cpu_features
// asks once (cpu_features.c). Each call loads its tile configuration on the calling thread
// and releases the tiles at the end.
#include "ckernels.h"
#include "panel_tile.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__linux__)
#include <immintrin.h>
#define S2S_HAVE_AMX 1
#endif

#if S2S_HAVE_AMX
// ldtilecfg's operand: palette 1, tiles 0..7 all 16 rows of 64 bytes.
typedef struct {
    uint8_t palette;
    uint8_t startRow;
    uint8_t reserved[14];
    uint16_t bytesPerRow[16];
    uint8_t rows[16];
} TileConfig;

__attribute__((target("amx-tile"))) static void load_tile_config(void) {
    _Alignas(64) TileConfig config;
    memset(&config, 0, sizeof config);
    config.palette = 1;
    for (int t = 0; t < 8; t++) { config.bytesPerRow[t] = 64; config.rows[t] = 16; }
    _tile_loadconfig(&config);
}

// A's zero-padded copy: a buffer per thread, grown as needed, freed with the thread.
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static __thread uint8_t *scratch_bytes;
static __thread size_t scratch_count;

static void scratch_make_key(void) { pthread_key_create(&scratch_key, free); }

static uint8_t *scratch(size_t count) {
    if (count > scratch_count) {
        pthread_once(&scratch_once, scratch_make_key);
        free(scratch_bytes);
        size_t bytes = (count + 63) / 64 * 64;
        scratch_bytes = aligned_alloc(64, bytes);
        scratch_count = scratch_bytes ? bytes : 0;
        pthread_setspecific(scratch_key, scratch_bytes);
        if (!scratch_bytes) abort();  // out of memory for a few hundred KB: nothing sensible to do
    }
    return scratch_bytes;
}

/// Rows [0, rows) of C's 16 columns at `c` from a stored 16×16 tile, as
/// s2s_store_tile does (accumulate, else bias, masked to the columns < n);
/// int8 (`sums` non-NULL: the tile is int32) first scales each sum as
/// gemm_int8.c's tile_int8 does, scale_r · scale_j · (Σ − 128·colsum_j).
__attribute__((target("avx512f"), always_inline)) static inline void
store_rows(const void *tile, int rows, float *c, size_t ldc, int accumulate, const float *bias, __mmask16 mask,
           const int32_t *colsum, const float *bScale, const float *aScale) {
    if (!mask) return;
    __m512 b = !accumulate && bias ? _mm512_maskz_loadu_ps(mask, bias) : _mm512_setzero_ps();
    __m512i offset = _mm512_setzero_si512();
    __m512 columnScale = _mm512_setzero_ps();
    if (colsum) {
        offset = _mm512_slli_epi32(_mm512_maskz_loadu_epi32(mask, colsum), 7);
        columnScale = _mm512_maskz_loadu_ps(mask, bScale);
    }
    for (int r = 0; r < rows; r++) {
        float *row = c + (size_t)r * ldc;
        __m512 v;
        if (colsum) {
            __m512i sum = _mm512_load_si512((const int32_t *)tile + 16 * r);
            v = _mm512_mul_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(sum, offset)), columnScale),
                              _mm512_set1_ps(aScale[r]));
        } else {
            v = _mm512_load_ps((const float *)tile + 16 * r);
        }
        v = _mm512_add_ps(v, accumulate ? _mm512_maskz_loadu_ps(mask, row) : b);
        _mm512_mask_storeu_ps(row, mask, v);
    }
}

enum { UNIT = 4, PANEL_UNIT = UNIT * S2S_PANEL, BLOCK = 16 };  // bytes: a unit of one column; of a panel; units per tile

/// The product of both kernels over `units` units of depth (INT8: tdpbusd
/// into int32 and the scales in the store; else tdpbf16ps into float). a:
/// rows of lda bytes; packed: panels of units·128 bytes.
__attribute__((target("avx512f,avx512bw,amx-tile,amx-bf16,amx-int8"), always_inline)) static inline void
amx_product(const int INT8, int m, int n, int units, const uint8_t *a, size_t lda, const uint8_t *packed, float *c,
            size_t ldc, int accumulate, const float *bias, const float *aScale, const float *bScale,
            const int32_t *colsum, int p0, int p1) {
    if (m <= 0 || p0 >= p1) return;
    const int blocks = (units + BLOCK - 1) / BLOCK, whole = units / BLOCK;
    const int rowTiles = (m + 15) / 16;
    // A as whole tiles: rowTiles·16 rows of blocks·64 bytes, zeros past m and the depth.
    const uint8_t *at = a;
    size_t ldat = lda;
    if (m % 16 || units % BLOCK) {
        ldat = (size_t)blocks * BLOCK * UNIT;
        uint8_t *copy = scratch((size_t)rowTiles * 16 * ldat);
        for (int r = 0; r < rowTiles * 16; r++) {
            uint8_t *dst = copy + (size_t)r * ldat;
            size_t kept = r < m ? (size_t)units * UNIT : 0;
            if (kept) memcpy(dst, a + (size_t)r * lda, kept);
            memset(dst + kept, 0, ldat - kept);
        }
        at = copy;
    }
    _Alignas(64) uint8_t lastBlock[BLOCK * PANEL_UNIT];  // a panel's partial last block, zero-padded
    _Alignas(64) int32_t out[16 * 16];                   // one accumulator tile: float or int32
    load_tile_config();
    for (int t = 0; t < rowTiles; t += 2) {
        const int two = t + 1 < rowTiles;
        const uint8_t *a0 = at + (size_t)t * 16 * ldat, *a1 = a0 + 16 * ldat;
        const int rows0 = m - t * 16 < 16 ? m - t * 16 : 16;
        const int rows1 = m - (t + 1) * 16 < 16 ? m - (t + 1) * 16 : 16;
        const float *s0 = aScale ? aScale + t * 16 : NULL, *s1 = aScale ? s0 + 16 : NULL;
        for (int p = p0; p < p1; p++) {
            __mmask16 m0, m1;
            s2s_panel_masks(n, p, &m0, &m1);
            const uint8_t *panel = packed + (size_t)p * units * PANEL_UNIT;
            if (whole < blocks) {
                size_t kept = (size_t)(units - whole * BLOCK) * PANEL_UNIT;
                memcpy(lastBlock, panel + (size_t)whole * BLOCK * PANEL_UNIT, kept);
                memset(lastBlock + kept, 0, sizeof lastBlock - kept);
            }
            _tile_zero(0); _tile_zero(1); _tile_zero(2); _tile_zero(3);
            for (int kb = 0; kb < blocks; kb++) {
                const uint8_t *b = kb < whole ? panel + (size_t)kb * BLOCK * PANEL_UNIT : lastBlock;
                // B streams from L2 (A stays in L1): fetch the block after next
                // ahead, 2 KB (a tile load waits for its data, and the tiles
                // it would overlap with are busy).
                const char *ahead = (const char *)(b + 2 * BLOCK * PANEL_UNIT);
                for (int line = 0; line < 32; line++) _mm_prefetch(ahead + 64 * line, _MM_HINT_T0);
                _tile_loadd(6, b, PANEL_UNIT);
                _tile_loadd(7, b + 64, PANEL_UNIT);
                _tile_loadd(4, a0 + (size_t)kb * 64, ldat);
                if (INT8) { _tile_dpbusd(0, 4, 6); _tile_dpbusd(1, 4, 7); }
                else { _tile_dpbf16ps(0, 4, 6); _tile_dpbf16ps(1, 4, 7); }
                if (two) {
                    _tile_loadd(5, a1 + (size_t)kb * 64, ldat);
                    if (INT8) { _tile_dpbusd(2, 5, 6); _tile_dpbusd(3, 5, 7); }
                    else { _tile_dpbf16ps(2, 5, 6); _tile_dpbf16ps(3, 5, 7); }
                }
            }
            const int col = p * S2S_PANEL;
            const float *pb = bias ? bias + col : NULL;
            const int32_t *cs = INT8 ? colsum + col : NULL;
            const float *bs = INT8 ? bScale + col : NULL;
            float *c0 = c + (size_t)t * 16 * ldc + col, *c1 = c0 + 16 * ldc;
            _tile_stored(0, out, 64);
            store_rows(out, rows0, c0, ldc, accumulate, pb, m0, cs, bs, s0);
            _tile_stored(1, out, 64);
            store_rows(out, rows0, c0 + 16, ldc, accumulate, pb ? pb + 16 : NULL, m1, cs ? cs + 16 : NULL,
                       bs ? bs + 16 : NULL, s0);
            if (two) {
                _tile_stored(2, out, 64);
                store_rows(out, rows1, c1, ldc, accumulate, pb, m0, cs, bs, s1);
                _tile_stored(3, out, 64);
                store_rows(out, rows1, c1 + 16, ldc, accumulate, pb ? pb + 16 : NULL, m1, cs ? cs + 16 : NULL,
                           bs ? bs + 16 : NULL, s1);
            }
        }
    }
    _tile_release();
}

__attribute__((target("avx512f,avx512bw,amx-tile,amx-bf16,amx-int8"))) void
s2s_gemm_amx_bf16(int m, int n, int depth, const uint16_t *a, size_t lda, const uint16_t *packed, float *c,
                  size_t ldc, int accumulate, const float *bias, int p0, int p1) {
    amx_product(0, m, n, (depth + 1) / 2, (const uint8_t *)a, lda * sizeof(uint16_t), (const uint8_t *)packed, c, ldc,
                accumulate, bias, NULL, NULL, NULL, p0, p1);
}

__attribute__((target("avx512f,avx512bw,amx-tile,amx-bf16,amx-int8"))) void
s2s_gemm_amx_int8(int m, int n, int depth, const uint8_t *a, size_t lda, const float *aScale, const int8_t *packed,
                  const float *bScale, const int32_t *colsum, float *c, size_t ldc, int accumulate, const float *bias,
                  int p0, int p1) {
    amx_product(1, m, n, (depth + 3) / 4, a, lda, (const uint8_t *)packed, c, ldc, accumulate, bias, aScale, bScale,
                colsum, p0, p1);
}

__attribute__((target("avx512f,avx512bw,avx512bf16"))) void
s2s_bf16_transpose_rows(const float *a, size_t lda, int k, uint16_t *out, size_t ldo, int r0, int r1) {
    // Row r of the result is column r of A: 32 values of it at a time, two
    // gathers 16 rows of A apart, rounded and stored as one 64-byte run.
    const int values = (k + 1) / 2 * 2;  // with the pad of an odd depth
    const __m512i rowsApart = _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                                                 _mm512_set1_epi32((int)lda));
    for (int q0 = 0; q0 < values; q0 += 32) {
        int left = k - q0;
        __mmask16 lo = left >= 16 ? 0xFFFF : (__mmask16)((1u << left) - 1);
        __mmask16 hi = left >= 32 ? 0xFFFF : left <= 16 ? 0 : (__mmask16)((1u << (left - 16)) - 1);
        int width = values - q0 < 32 ? values - q0 : 32;
        __mmask32 store = width == 32 ? 0xFFFFFFFFu : (__mmask32)((1u << width) - 1);
        for (int r = r0; r < r1; r++) {
            const float *column = a + (size_t)q0 * lda + r;
            __m512 x0 = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), lo, rowsApart, column, 4);
            __m512 x1 = hi ? _mm512_mask_i32gather_ps(_mm512_setzero_ps(), hi, rowsApart, column + 16 * lda, 4)
                           : _mm512_setzero_ps();
            __m512i h = (__m512i)_mm512_cvtne2ps_pbh(x1, x0);
            _mm512_mask_storeu_epi16(out + (size_t)r * ldo + q0, store, h);
        }
    }
}
#else
void s2s_gemm_amx_int8(int m, int n, int depth, const uint8_t *a, size_t lda, const float *aScale, const int8_t *packed,
                       const float *bScale, const int32_t *colsum, float *c, size_t ldc, int accumulate,
                       const float *bias, int p0, int p1) {
    (void)m; (void)n; (void)depth; (void)a; (void)lda; (void)aScale; (void)packed; (void)bScale; (void)colsum;
    (void)c; (void)ldc; (void)accumulate; (void)bias; (void)p0; (void)p1;
}
void s2s_gemm_amx_bf16(int m, int n, int depth, const uint16_t *a, size_t lda, const uint16_t *packed, float *c,
                       size_t ldc, int accumulate, const float *bias, int p0, int p1) {
    (void)m; (void)n; (void)depth; (void)a; (void)lda; (void)packed; (void)c; (void)ldc;
    (void)accumulate; (void)bias; (void)p0; (void)p1;
}
void s2s_bf16_transpose_rows(const float *a, size_t lda, int k, uint16_t *out, size_t ldo, int r0, int r1) {
    (void)a; (void)lda; (void)k; (void)out; (void)ldo; (void)r0; (void)r1;
}
#endif
