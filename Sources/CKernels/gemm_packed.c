// C += A·B for a few rows of A (the live hypotheses of a decoding step)
// against a weight matrix B packed once into 32-column panels.
//
// Why: at batch 1 a decoder step multiplies ~5 rows by ~40 MB of weights.
// That is memory-bound, and a general GEMM repacks the weights on every call
// (OpenBLAS spent ~47% of beam-5 batch-1 decoding copying them). Packed once,
// each panel is read as one sequential stream: 32 floats (two AVX-512
// vectors) per row of B, multiplied into up to 8 rows of A held in 16
// accumulators. Panels are visited in the outer loop so that a panel stays in
// L2 while every group of 8 rows passes over it.
#include "ckernels.h"
#include "panel_tile.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define S2S_HAVE_X86 1
#endif

void s2s_pack_panels(const float *b, size_t ldb, int k, int n, float *out, int depth, int rowOffset,
                     int p0, int p1) {
    for (int p = p0; p < p1; p++) {
        int c0 = p * S2S_PANEL;
        int width = n - c0 < S2S_PANEL ? n - c0 : S2S_PANEL;
        float *panel = out + (size_t)p * depth * S2S_PANEL;
        for (int r = 0; r < k; r++) {
            float *dst = panel + (size_t)(rowOffset + r) * S2S_PANEL;
            memcpy(dst, b + (size_t)r * ldb + c0, sizeof(float) * width);
            if (width < S2S_PANEL) memset(dst + width, 0, sizeof(float) * (S2S_PANEL - width));
        }
    }
}

// B = Mᵀ: column j of B is row j of M, read in order and scattered down the
// panel (stride 32 floats; a panel of depth 2048 is 256 KB and stays in L2).
void s2s_pack_panels_transposed(const float *m, size_t ldm, int k, int n, float *out, int depth, int rowOffset,
                                int p0, int p1) {
    for (int p = p0; p < p1; p++) {
        int c0 = p * S2S_PANEL;
        int width = n - c0 < S2S_PANEL ? n - c0 : S2S_PANEL;
        float *panel = out + (size_t)p * depth * S2S_PANEL + (size_t)rowOffset * S2S_PANEL;
        for (int j = 0; j < S2S_PANEL; j++) {
            if (j < width) {
                const float *row = m + (size_t)(c0 + j) * ldm;
                for (int r = 0; r < k; r++) panel[(size_t)r * S2S_PANEL + j] = row[r];
            } else {
                for (int r = 0; r < k; r++) panel[(size_t)r * S2S_PANEL + j] = 0;
            }
        }
    }
}

#if S2S_HAVE_X86
// One panel times MR rows (MR a constant after inlining: the accumulators
// stay in registers).
__attribute__((target("avx512f"), always_inline)) static inline void
tile(const int MR, int depth, const float *a, size_t lda, const float *panel, float *c, size_t ldc,
     int accumulate, const float *bias, __mmask16 m0, __mmask16 m1) {
    __m512 acc0[8], acc1[8];
    for (int r = 0; r < MR; r++) { acc0[r] = _mm512_setzero_ps(); acc1[r] = _mm512_setzero_ps(); }
    for (int k = 0; k < depth; k++) {
        __m512 w0 = _mm512_loadu_ps(panel + (size_t)k * S2S_PANEL);
        __m512 w1 = _mm512_loadu_ps(panel + (size_t)k * S2S_PANEL + 16);
        for (int r = 0; r < MR; r++) {
            __m512 x = _mm512_set1_ps(a[(size_t)r * lda + k]);
            acc0[r] = _mm512_fmadd_ps(x, w0, acc0[r]);
            acc1[r] = _mm512_fmadd_ps(x, w1, acc1[r]);
        }
    }
    s2s_store_tile(MR, acc0, acc1, c, ldc, accumulate, bias, m0, m1);
}

__attribute__((target("avx512f"))) void
s2s_gemm_packed(int m, int n, int depth, const float *a, size_t lda, const float *packed,
                float *c, size_t ldc, int accumulate, const float *bias, int p0, int p1) {
    for (int p = p0; p < p1; p++) {
        __mmask16 m0, m1;
        s2s_panel_masks(n, p, &m0, &m1);
        const float *panel = packed + (size_t)p * depth * S2S_PANEL;
        for (int r0 = 0; r0 < m; r0 += 8) {
            S2S_FOR_TILE_ROWS(m - r0, tile, depth, a + (size_t)r0 * lda, lda, panel,
                              c + (size_t)r0 * ldc + p * S2S_PANEL, ldc, accumulate,
                              bias ? bias + p * S2S_PANEL : NULL, m0, m1)
        }
    }
}
#else
void s2s_gemm_packed(int m, int n, int depth, const float *a, size_t lda, const float *packed,
                     float *c, size_t ldc, int accumulate, const float *bias, int p0, int p1) {
    (void)m; (void)n; (void)depth; (void)a; (void)lda; (void)packed; (void)c; (void)ldc;
    (void)accumulate; (void)bias; (void)p0; (void)p1;
}
#endif
