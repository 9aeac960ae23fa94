// General products in bfloat16 for training: C = (accumulate ? C : 0) +
// op(A)·op(B), both operands rounded to bfloat16 on every call (training's
// weights change at every update, its activations at every step), products
// accumulated in float by vdpbf16ps as in gemm_packed_bf16.c, whose panel
// layout B takes here: panels of 32 columns, depth pairs (B[2q][j],
// B[2q+1][j]) as one 32-bit lane j, depth padded to even with zeros.
//
// op(A) comes either as rows (s2s_to_bf16, then s2s_gemm_packed_bf16) or,
// for op(A) = Aᵀ (the weight gradients xᵀ·∂y), as panels of the stored
// (k, m) matrix packed like B: the pair (Aᵀ[r][2q], Aᵀ[r][2q+1]) is then
// lane r of pair q, so the kernel reads A's pairs at a stride of one panel
// row instead of two values. Both ways every value of C is one dot product
// over all of the depth, computed in the same order whatever the split over
// panels: the results do not depend on the thread count.
#include "ckernels.h"
#include "panel_tile.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

// Lane j of the result: (bf16(lo[j]), bf16(hi[j])) for 16 columns, masked.
__attribute__((target("avx512f,avx512bf16"), always_inline)) static inline __m512i
pair_lanes(const float *lo, const float *hi, __mmask16 mask) {
    __m256i l = (__m256i)_mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, lo));
    __m512i lw = _mm512_cvtepu16_epi32(l);
    if (!hi) return lw;
    __m256i h = (__m256i)_mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, hi));
    return _mm512_or_si512(lw, _mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}

__attribute__((target("avx512f,avx512bf16"))) void
s2s_bf16_pack_rows(const float *b, size_t ldb, int k, int n, uint16_t *out, int p0, int p1) {
    int pairs = (k + 1) / 2;
    for (int p = p0; p < p1; p++) {
        int c0 = p * S2S_PANEL;
        __mmask16 m0, m1;
        s2s_panel_masks(n, p, &m0, &m1);
        uint32_t *panel = (uint32_t *)(out + (size_t)p * pairs * 2 * S2S_PANEL);
        for (int q = 0; q < pairs; q++) {
            const float *lo = b + (size_t)(2 * q) * ldb + c0;
            const float *hi = 2 * q + 1 < k ? lo + ldb : NULL;  // the pad row of an odd depth is zero
            _mm512_storeu_si512(panel + (size_t)q * S2S_PANEL, pair_lanes(lo, hi, m0));
            _mm512_storeu_si512(panel + (size_t)q * S2S_PANEL + 16, pair_lanes(lo + 16, hi ? hi + 16 : NULL, m1));
        }
    }
}

__attribute__((target("avx512f,avx512bf16"))) void
s2s_bf16_pack_transposed(const float *mat, size_t ldm, int k, int n, uint16_t *out, int p0, int p1) {
    int pairs = (k + 1) / 2;
    const __m512i lane = _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                                            _mm512_set1_epi32(S2S_PANEL));
    for (int p = p0; p < p1; p++) {
        int c0 = p * S2S_PANEL;
        int width = n - c0 < S2S_PANEL ? n - c0 : S2S_PANEL;
        uint32_t *panel = (uint32_t *)(out + (size_t)p * pairs * 2 * S2S_PANEL);
        if (width < S2S_PANEL) memset(panel, 0, (size_t)pairs * S2S_PANEL * sizeof(uint32_t));
        for (int j = 0; j < width; j++) {
            // Row c0 + j of M is column j of B: its depth pairs are adjacent
            // values, rounded 32 at a time and scattered to lane j of 16 pairs.
            const float *row = mat + (size_t)(c0 + j) * ldm;
            int q = 0;
            for (; 2 * q + 32 <= k; q += 16) {
                __m512i h = (__m512i)_mm512_cvtne2ps_pbh(_mm512_loadu_ps(row + 2 * q + 16), _mm512_loadu_ps(row + 2 * q));
                _mm512_i32scatter_epi32(panel + (size_t)q * S2S_PANEL + j, lane, h, 4);
            }
            for (; q < pairs; q++) {
                uint32_t lo = s2s_float_to_bf16(row[2 * q]);
                uint32_t hi = 2 * q + 1 < k ? s2s_float_to_bf16(row[2 * q + 1]) : 0;
                panel[(size_t)q * S2S_PANEL + j] = lo | hi << 16;
            }
        }
    }
}

__attribute__((target("avx512f,avx512bf16"))) void
s2s_gemm_bf16_apanels(int m, int n, int depth, const uint16_t *apanels, const uint16_t *packed, float *c,
                      size_t ldc, int accumulate, int p0, int p1) {
    int pairs = (depth + 1) / 2;
    for (int p = p0; p < p1; p++) {
        __mmask16 m0, m1;
        s2s_panel_masks(n, p, &m0, &m1);
        const uint16_t *panel = packed + (size_t)p * pairs * 2 * S2S_PANEL;
        for (int r0 = 0; r0 < m; r0 += 8) {
            const uint16_t *a = apanels + (size_t)(r0 / S2S_PANEL) * pairs * 2 * S2S_PANEL + 2 * (r0 % S2S_PANEL);
            S2S_FOR_TILE_ROWS(m - r0, s2s_tile_bf16, pairs, a, 2, 2 * S2S_PANEL, panel,
                              c + (size_t)r0 * ldc + p * S2S_PANEL, ldc, accumulate, NULL, m0, m1)
        }
    }
}
#else
void s2s_bf16_pack_rows(const float *b, size_t ldb, int k, int n, uint16_t *out, int p0, int p1) {
    (void)b; (void)ldb; (void)k; (void)n; (void)out; (void)p0; (void)p1;
}
void s2s_bf16_pack_transposed(const float *mat, size_t ldm, int k, int n, uint16_t *out, int p0, int p1) {
    (void)mat; (void)ldm; (void)k; (void)n; (void)out; (void)p0; (void)p1;
}
void s2s_gemm_bf16_apanels(int m, int n, int depth, const uint16_t *apanels, const uint16_t *packed, float *c,
                           size_t ldc, int accumulate, int p0, int p1) {
    (void)m; (void)n; (void)depth; (void)apanels; (void)packed; (void)c; (void)ldc; (void)accumulate;
    (void)p0; (void)p1;
}
#endif
