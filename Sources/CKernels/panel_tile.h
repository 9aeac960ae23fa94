// What the float and bfloat16 panel kernels share (private to CKernels):
// the column masks of a panel, the store of a tile's accumulators, and the
// dispatch on the row count of a tile (1 … 8, a constant in each case so
// that the accumulators stay in registers).
#ifndef S2S_PANEL_TILE_H
#define S2S_PANEL_TILE_H

#include "ckernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

/// Masks of the two 16-column halves of panel p for n columns in all.
__attribute__((target("avx512f"), always_inline)) static inline void
s2s_panel_masks(int n, int p, __mmask16 *m0, __mmask16 *m1) {
    int width = n - p * S2S_PANEL < S2S_PANEL ? n - p * S2S_PANEL : S2S_PANEL;
    *m0 = width >= 16 ? 0xFFFF : (__mmask16)((1u << width) - 1);
    *m1 = width >= 32 ? 0xFFFF : width <= 16 ? 0 : (__mmask16)((1u << (width - 16)) - 1);
}

/// C rows [0, MR) of the tile = (accumulate ? C : bias ? bias : 0) + the
/// accumulators; `bias` (NULL: none) is the tile's 32 columns of a row
/// vector added to every row (the output layer's b, which would otherwise
/// be copied into every row of C first).
__attribute__((target("avx512f"), always_inline)) static inline void
s2s_store_tile(const int MR, __m512 *acc0, __m512 *acc1, float *c, size_t ldc, int accumulate,
               const float *bias, __mmask16 m0, __mmask16 m1) {
    __m512 b0 = _mm512_setzero_ps(), b1 = _mm512_setzero_ps();
    if (!accumulate && bias) { b0 = _mm512_maskz_loadu_ps(m0, bias); b1 = _mm512_maskz_loadu_ps(m1, bias + 16); }
    for (int r = 0; r < MR; r++) {
        float *row = c + (size_t)r * ldc;
        if (accumulate) {
            acc0[r] = _mm512_add_ps(acc0[r], _mm512_maskz_loadu_ps(m0, row));
            acc1[r] = _mm512_add_ps(acc1[r], _mm512_maskz_loadu_ps(m1, row + 16));
        } else if (bias) {
            acc0[r] = _mm512_add_ps(acc0[r], b0);
            acc1[r] = _mm512_add_ps(acc1[r], b1);
        }
        _mm512_mask_storeu_ps(row, m0, acc0[r]);
        _mm512_mask_storeu_ps(row + 16, m1, acc1[r]);
    }
}

/// One panel of bfloat16 pairs times MR rows of A, products summed in float
/// by vdpbf16ps: the pair q of row r of A is the 32 bits at
/// a + r·aRow + q·aPair (rows: aRow = lda, aPair = 2; A given as panels
/// like B: aRow = 2, aPair = 2·S2S_PANEL). Each loop step takes one pair.
__attribute__((target("avx512f,avx512bf16"), always_inline)) static inline void
s2s_tile_bf16(const int MR, int pairs, const uint16_t *a, size_t aRow, size_t aPair, const uint16_t *panel,
              float *c, size_t ldc, int accumulate, const float *bias, __mmask16 m0, __mmask16 m1) {
    __m512 acc0[8], acc1[8];
    for (int r = 0; r < MR; r++) { acc0[r] = _mm512_setzero_ps(); acc1[r] = _mm512_setzero_ps(); }
    for (int q = 0; q < pairs; q++) {
        __m512bh w0 = (__m512bh)_mm512_loadu_si512(panel + (size_t)q * 2 * S2S_PANEL);
        __m512bh w1 = (__m512bh)_mm512_loadu_si512(panel + (size_t)q * 2 * S2S_PANEL + 32);
        for (int r = 0; r < MR; r++) {
            int32_t pair;
            __builtin_memcpy(&pair, a + (size_t)r * aRow + (size_t)q * aPair, sizeof pair);
            __m512bh x = (__m512bh)_mm512_set1_epi32(pair);
            acc0[r] = _mm512_dpbf16_ps(acc0[r], x, w0);
            acc1[r] = _mm512_dpbf16_ps(acc1[r], x, w1);
        }
    }
    s2s_store_tile(MR, acc0, acc1, c, ldc, accumulate, bias, m0, m1);
}

/// TILE(MR, ...) for the rows left from r0 (at most 8), MR a constant.
#define S2S_FOR_TILE_ROWS(rowsLeft, TILE, ...)          \
    switch ((rowsLeft) < 8 ? (rowsLeft) : 8) {          \
    case 1: TILE(1, __VA_ARGS__); break;                \
    case 2: TILE(2, __VA_ARGS__); break;                \
    case 3: TILE(3, __VA_ARGS__); break;                \
    case 4: TILE(4, __VA_ARGS__); break;                \
    case 5: TILE(5, __VA_ARGS__); break;                \
    case 6: TILE(6, __VA_ARGS__); break;                \
    case 7: TILE(7, __VA_ARGS__); break;                \
    default: TILE(8, __VA_ARGS__); break;               \
    }
#endif

#endif
