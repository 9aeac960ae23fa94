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

/// C rows [0, MR) of the tile = (accumulate ? C : 0) + the accumulators.
__attribute__((target("avx512f"), always_inline)) static inline void
s2s_store_tile(const int MR, __m512 *acc0, __m512 *acc1, float *c, size_t ldc, int accumulate,
               __mmask16 m0, __mmask16 m1) {
    for (int r = 0; r < MR; r++) {
        float *row = c + (size_t)r * ldc;
        if (accumulate) {
            acc0[r] = _mm512_add_ps(acc0[r], _mm512_maskz_loadu_ps(m0, row));
            acc1[r] = _mm512_add_ps(acc1[r], _mm512_maskz_loadu_ps(m1, row + 16));
        }
        _mm512_mask_storeu_ps(row, m0, acc0[r]);
        _mm512_mask_storeu_ps(row + 16, m1, acc1[r]);
    }
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
