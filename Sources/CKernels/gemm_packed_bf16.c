// The bfloat16 variant of gemm_packed.c: C = A·B with B packed once as
// bfloat16 (8-bit mantissa, float's exponent) and A rounded to bfloat16 per
// call, products accumulated in float by AVX512_BF16's vdpbf16ps, which
// multiplies two pairs of bfloat16 per 32-bit lane.
//
// Why: decoding is ~70% these products (beam 5, batch 32: compute-bound;
// batch 1: memory-bound). vdpbf16ps does 32 multiply-adds per instruction
// against vfmadd's 16, and the packed weights take half the bytes.
// The cost is precision: each operand keeps 8 significant bits (relative
// rounding error ≤ 2⁻⁸), the sums keep float's 24.
//
// Packed layout: panels of 32 columns; in a panel, depth pair q (rows 2q and
// 2q+1) is 32 lanes of 32 bits, lane j = (B[2q][j], B[2q+1][j]) — 128 bytes,
// two vectors. Depth is padded to even with zero rows.
#include "ckernels.h"
#include "panel_tile.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define S2S_HAVE_X86 1
#endif

uint16_t s2s_float_to_bf16(float x) {
    // Round to nearest, ties to even (what vcvtneps2bf16 does); NaN stays NaN.
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40);
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

float s2s_bf16_to_float(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

void s2s_pack_panels_bf16(const float *b, size_t ldb, int k, int n, uint16_t *out, int depth, int rowOffset) {
    int panels = (n + S2S_PANEL - 1) / S2S_PANEL;
    int pairs = (depth + 1) / 2;
    for (int p = 0; p < panels; p++) {
        int c0 = p * S2S_PANEL;
        int width = n - c0 < S2S_PANEL ? n - c0 : S2S_PANEL;
        uint16_t *panel = out + (size_t)p * pairs * 2 * S2S_PANEL;
        for (int r = 0; r < k; r++) {
            int row = rowOffset + r;
            uint16_t *dst = panel + (size_t)(row / 2) * 2 * S2S_PANEL + (row & 1);
            for (int j = 0; j < width; j++) dst[2 * j] = s2s_float_to_bf16(b[(size_t)r * ldb + c0 + j]);
            for (int j = width; j < S2S_PANEL; j++) dst[2 * j] = 0;
        }
    }
}

#if S2S_HAVE_X86
__attribute__((target("avx512f,avx512bf16"))) void
s2s_to_bf16(int m, int depth, const float *a, size_t lda, uint16_t *out, size_t ldo) {
    for (int r = 0; r < m; r++) {
        const float *src = a + (size_t)r * lda;
        uint16_t *dst = out + (size_t)r * ldo;
        int k = 0;
        for (; k + 16 <= depth; k += 16) {
            __m256bh h = _mm512_cvtneps_pbh(_mm512_loadu_ps(src + k));
            _mm256_storeu_si256((__m256i *)(dst + k), (__m256i)h);
        }
        for (; k < depth; k++) dst[k] = s2s_float_to_bf16(src[k]);
        if (depth & 1) dst[depth] = 0;  // the pad of the last pair
    }
}

__attribute__((target("avx512f,avx512bf16"))) void
s2s_gemm_packed_bf16(int m, int n, int depth, const uint16_t *a, size_t lda, const uint16_t *packed,
                     float *c, size_t ldc, int accumulate, const float *bias, int p0, int p1) {
    int pairs = (depth + 1) / 2;
    for (int p = p0; p < p1; p++) {
        __mmask16 m0, m1;
        s2s_panel_masks(n, p, &m0, &m1);
        const uint16_t *panel = packed + (size_t)p * pairs * 2 * S2S_PANEL;
        for (int r0 = 0; r0 < m; r0 += 8) {
            S2S_FOR_TILE_ROWS(m - r0, s2s_tile_bf16, pairs, a + (size_t)r0 * lda, lda, 2, panel,
                              c + (size_t)r0 * ldc + p * S2S_PANEL, ldc, accumulate,
                              bias ? bias + p * S2S_PANEL : NULL, m0, m1)
        }
    }
}
#else
void s2s_to_bf16(int m, int depth, const float *a, size_t lda, uint16_t *out, size_t ldo) {
    (void)m; (void)depth; (void)a; (void)lda; (void)out; (void)ldo;
}
void s2s_gemm_packed_bf16(int m, int n, int depth, const uint16_t *a, size_t lda, const uint16_t *packed,
                          float *c, size_t ldc, int accumulate, const float *bias, int p0, int p1) {
    (void)m; (void)n; (void)depth; (void)a; (void)lda; (void)packed; (void)c; (void)ldc;
    (void)accumulate; (void)bias; (void)p0; (void)p1;
}
#endif
