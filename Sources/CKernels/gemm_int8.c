// The int8 variant of gemm_packed.c for decoding: C = A·B with B quantised
// once to int8 per output column (scale_j = max_r |B[r][j]| / 127) and each
// row of A quantised per call to unsigned 8 bits around 128 (scale_r =
// max_k |A[r][k]| / 127, q = round(A / scale_r) + 128), multiplied by
// AVX512-VNNI's vpdpbusd (four u8·s8 products summed into each 32-bit lane:
// 64 multiply-adds per instruction, twice vdpbf16ps's) in exact int32 sums.
// Then C[r][j] = scale_r · scale_j · (Σ_k q_a·q_b − 128·Σ_k q_b[k][j]), the
// column sums of the packed weights removing the offset.
//
// Error: each operand is rounded to a step of its scale (half a step, ≤
// max/254, at most), far coarser than bfloat16's relative 2⁻⁸ for small
// values: whether it translates as well is measured, not assumed.
//
// Packed layout: panels of 32 columns; in a panel, depth quad q (rows 4q ..
// 4q+3) is 32 lanes of 4 bytes, lane j = B[4q..4q+3][j] — 128 bytes, two
// vectors. Depth is padded to a multiple of 4 with zero rows.
#include "ckernels.h"
#include "panel_tile.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define S2S_HAVE_X86 1
#endif

void s2s_int8_pack_reference(const float *b, size_t ldb, int k, int n, const float *scale, int8_t *out, int depth,
                             int rowOffset) {
    int panels = (n + S2S_PANEL - 1) / S2S_PANEL;
    int quads = (depth + 3) / 4;
    for (int p = 0; p < panels; p++) {
        int c0 = p * S2S_PANEL;
        int width = n - c0 < S2S_PANEL ? n - c0 : S2S_PANEL;
        int8_t *panel = out + (size_t)p * quads * 4 * S2S_PANEL;
        for (int r = 0; r < k; r++) {
            int row = rowOffset + r;
            int8_t *dst = panel + (size_t)(row / 4) * 4 * S2S_PANEL + (row & 3);
            for (int j = 0; j < width; j++) {
                float s = scale[c0 + j];
                float q = s > 0 ? nearbyintf(b[(size_t)r * ldb + c0 + j] / s) : 0;
                dst[4 * j] = (int8_t)(q != q ? 0 : q > 127 ? 127 : q < -127 ? -127 : q);
            }
            for (int j = width; j < S2S_PANEL; j++) dst[4 * j] = 0;
        }
    }
}

#if S2S_HAVE_X86
// 16 columns at a time, a row across every panel before the next (B read
// in order; the four rows of a quad write the same lines): a row's byte of
// each column's 4-byte lane is merged into the lanes already there (the
// rows of a quad may come from two stacked parts).
__attribute__((target("avx512f,avx512bw"))) static void
pack_avx512(const float *b, size_t ldb, int k, int n, const float *scale, int8_t *out, int depth, int rowOffset) {
    int panels = (n + S2S_PANEL - 1) / S2S_PANEL;
    int quads = (depth + 3) / 4;
    const __m512 top = _mm512_set1_ps(127), bottom = _mm512_set1_ps(-127);
    const __m512i bytes = _mm512_set1_epi32(0xFF);
    for (int r = 0; r < k; r++) {
        int row = rowOffset + r, shift = 8 * (row & 3);
        for (int p = 0; p < panels; p++) {
            int c0 = p * S2S_PANEL;
            int32_t *dst = (int32_t *)(out + (size_t)p * quads * 4 * S2S_PANEL + (size_t)(row / 4) * 4 * S2S_PANEL);
            for (int half = 0; half < 2; half++) {
                int j0 = c0 + 16 * half, left = n - j0;
                __mmask16 m = left >= 16 ? 0xFFFF : left <= 0 ? 0 : (__mmask16)((1u << left) - 1);
                __m512 s = _mm512_maskz_loadu_ps(m, scale + j0);
                __m512 x = _mm512_maskz_loadu_ps(m, b + (size_t)r * ldb + j0);
                __mmask16 live = _mm512_mask_cmp_ps_mask(m, s, _mm512_setzero_ps(), _CMP_GT_OQ);
                __m512 q = _mm512_roundscale_ps(_mm512_div_ps(x, s), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
                live &= _mm512_cmp_ps_mask(q, q, _CMP_ORD_Q);  // NaN → 0
                // Clamped before the conversion (a quotient past ±2³¹ would convert to INT_MIN).
                q = _mm512_max_ps(_mm512_min_ps(q, top), bottom);
                __m512i v = _mm512_maskz_cvtps_epi32(live, q);
                __m512i lane = _mm512_loadu_si512(dst + 16 * half);
                lane = _mm512_andnot_si512(_mm512_slli_epi32(bytes, shift), lane);
                lane = _mm512_or_si512(lane, _mm512_slli_epi32(_mm512_and_si512(v, bytes), shift));
                _mm512_storeu_si512(dst + 16 * half, lane);
            }
        }
    }
}

__attribute__((target("avx512f"))) static void
column_abs_max_avx512(const float *b, size_t ldb, int k, int n, float *largest) {
    for (int r = 0; r < k; r++) {
        for (int j0 = 0; j0 < n; j0 += 16) {
            __mmask16 m = n - j0 >= 16 ? 0xFFFF : (__mmask16)((1u << (n - j0)) - 1);
            __m512 best = _mm512_maskz_loadu_ps(m, largest + j0);
            __m512 x = _mm512_abs_ps(_mm512_maskz_loadu_ps(m, b + (size_t)r * ldb + j0));
            // |b| ≥ best: taken (a NaN compares false and is never taken).
            _mm512_mask_storeu_ps(largest + j0, m, _mm512_mask_mov_ps(best, _mm512_cmp_ps_mask(x, best, _CMP_GE_OQ), x));
        }
    }
}
#endif

// The AVX-512 versions where the CPU has them (the int8 products' CPUs all
// do), else the scalar definitions.
void s2s_int8_pack(const float *b, size_t ldb, int k, int n, const float *scale, int8_t *out, int depth,
                   int rowOffset) {
#if S2S_HAVE_X86
    if (s2s_cpu_features() & S2S_CPU_VNNI) { pack_avx512(b, ldb, k, n, scale, out, depth, rowOffset); return; }
#endif
    s2s_int8_pack_reference(b, ldb, k, n, scale, out, depth, rowOffset);
}

void s2s_column_abs_max(const float *b, size_t ldb, int k, int n, float *largest) {
#if S2S_HAVE_X86
    if (s2s_cpu_features() & S2S_CPU_VNNI) { column_abs_max_avx512(b, ldb, k, n, largest); return; }
#endif
    for (int r = 0; r < k; r++)
        for (int j = 0; j < n; j++) {
            float x = fabsf(b[(size_t)r * ldb + j]);
            if (x >= largest[j]) largest[j] = x;  // a NaN is never taken
        }
}

#if S2S_HAVE_X86
// A lane's four bytes summed by vpdpbusd against ones: exact int32 sums.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) static void
column_sums_vnni(const int8_t *packed, int n, int depth, int32_t *sums) {
    int panels = (n + S2S_PANEL - 1) / S2S_PANEL;
    int quads = (depth + 3) / 4;
    const __m512i ones = _mm512_set1_epi8(1);
    for (int p = 0; p < panels; p++) {
        const int8_t *panel = packed + (size_t)p * quads * 4 * S2S_PANEL;
        __m512i s0 = _mm512_setzero_si512(), s1 = _mm512_setzero_si512();
        for (int q = 0; q < quads; q++) {
            s0 = _mm512_dpbusd_epi32(s0, ones, _mm512_loadu_si512(panel + (size_t)q * 4 * S2S_PANEL));
            s1 = _mm512_dpbusd_epi32(s1, ones, _mm512_loadu_si512(panel + (size_t)q * 4 * S2S_PANEL + 64));
        }
        __mmask16 m0, m1;
        s2s_panel_masks(n, p, &m0, &m1);
        _mm512_mask_storeu_epi32(sums + p * S2S_PANEL, m0, s0);
        _mm512_mask_storeu_epi32(sums + p * S2S_PANEL + 16, m1, s1);
    }
}
#endif

void s2s_int8_column_sums(const int8_t *packed, int n, int depth, int32_t *sums) {
#if S2S_HAVE_X86
    if (s2s_cpu_features() & S2S_CPU_VNNI) { column_sums_vnni(packed, n, depth, sums); return; }
#endif
    int panels = (n + S2S_PANEL - 1) / S2S_PANEL;
    int quads = (depth + 3) / 4;
    for (int p = 0; p < panels; p++) {
        const int8_t *panel = packed + (size_t)p * quads * 4 * S2S_PANEL;
        for (int j = 0; j < S2S_PANEL && p * S2S_PANEL + j < n; j++) {
            int32_t s = 0;
            for (int q = 0; q < quads; q++)
                for (int b = 0; b < 4; b++) s += panel[(size_t)q * 4 * S2S_PANEL + 4 * j + b];
            sums[p * S2S_PANEL + j] = s;
        }
    }
}

void s2s_int8_quantize_rows_reference(int m, int depth, const float *a, size_t lda, uint8_t *out, size_t ldo,
                                      float *scales) {
    for (int r = 0; r < m; r++) {
        const float *src = a + (size_t)r * lda;
        float largest = 0;
        for (int k = 0; k < depth; k++) largest = fabsf(src[k]) > largest ? fabsf(src[k]) : largest;
        float s = largest > 0 ? largest / 127 : 1;
        scales[r] = s;
        uint8_t *dst = out + (size_t)r * ldo;
        for (int k = 0; k < depth; k++) dst[k] = (uint8_t)(nearbyintf(src[k] / s) + 128);
        for (int k = depth; k < (depth + 3) / 4 * 4; k++) dst[k] = 128;  // zero
    }
}

#if S2S_HAVE_X86
// The reference's arithmetic 16 lanes at a time: the same division (not a
// reciprocal, so every lane rounds as the scalar code does) and
// vcvtps2dq's round-to-nearest-even, which is nearbyintf's in the default
// rounding mode; |A/s| ≤ 127, so q + 128 fits a byte. Bit for bit the
// reference (tested).
__attribute__((target("avx512f,avx512bw"))) static void
quantize_rows_avx512(int m, int depth, const float *a, size_t lda, uint8_t *out, size_t ldo, float *scales) {
    const __m512i offset = _mm512_set1_epi32(128);
    for (int r = 0; r < m; r++) {
        const float *src = a + (size_t)r * lda;
        __m512 largest = _mm512_setzero_ps();
        for (int k = 0; k < depth; k += 16) {
            __mmask16 mask = depth - k >= 16 ? 0xFFFF : (__mmask16)((1u << (depth - k)) - 1);
            largest = _mm512_max_ps(largest, _mm512_abs_ps(_mm512_maskz_loadu_ps(mask, src + k)));
        }
        float l = _mm512_reduce_max_ps(largest);
        float s = l > 0 ? l / 127 : 1;
        scales[r] = s;
        __m512 sv = _mm512_set1_ps(s);
        uint8_t *dst = out + (size_t)r * ldo;
        for (int k = 0; k < depth; k += 16) {
            __mmask16 mask = depth - k >= 16 ? 0xFFFF : (__mmask16)((1u << (depth - k)) - 1);
            __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(_mm512_div_ps(_mm512_maskz_loadu_ps(mask, src + k), sv)),
                                         offset);
            _mm512_mask_cvtepi32_storeu_epi8(dst + k, mask, q);
        }
        for (int k = depth; k < (depth + 3) / 4 * 4; k++) dst[k] = 128;  // zero
    }
}
#endif

void s2s_int8_quantize_rows(int m, int depth, const float *a, size_t lda, uint8_t *out, size_t ldo, float *scales) {
#if S2S_HAVE_X86
    if (s2s_cpu_features() & S2S_CPU_AVX512BW) { quantize_rows_avx512(m, depth, a, lda, out, ldo, scales); return; }
#endif
    s2s_int8_quantize_rows_reference(m, depth, a, lda, out, ldo, scales);
}

#if S2S_HAVE_X86
__attribute__((target("avx512f,avx512bw,avx512vnni"), always_inline)) static inline void
tile_int8(const int MR, int quads, const uint8_t *a, size_t lda, const float *aScale, const int8_t *panel,
          const float *bScale, const int32_t *colsum, float *c, size_t ldc, int accumulate, const float *bias,
          __mmask16 m0, __mmask16 m1) {
    __m512i acc0[8], acc1[8];
    for (int r = 0; r < MR; r++) { acc0[r] = _mm512_setzero_si512(); acc1[r] = _mm512_setzero_si512(); }
    for (int q = 0; q < quads; q++) {
        __m512i w0 = _mm512_loadu_si512(panel + (size_t)q * 4 * S2S_PANEL);
        __m512i w1 = _mm512_loadu_si512(panel + (size_t)q * 4 * S2S_PANEL + 64);
        for (int r = 0; r < MR; r++) {
            int32_t quad;
            memcpy(&quad, a + (size_t)r * lda + 4 * q, sizeof quad);
            __m512i x = _mm512_set1_epi32(quad);
            acc0[r] = _mm512_dpbusd_epi32(acc0[r], x, w0);
            acc1[r] = _mm512_dpbusd_epi32(acc1[r], x, w1);
        }
    }
    // scale_r · scale_j · (acc − 128·colsum_j)
    __m512i s0 = _mm512_slli_epi32(_mm512_maskz_loadu_epi32(m0, colsum), 7);
    __m512i s1 = _mm512_slli_epi32(_mm512_maskz_loadu_epi32(m1, colsum + 16), 7);
    __m512 b0 = _mm512_maskz_loadu_ps(m0, bScale), b1 = _mm512_maskz_loadu_ps(m1, bScale + 16);
    __m512 f0[8], f1[8];
    for (int r = 0; r < MR; r++) {
        __m512 ar = _mm512_set1_ps(aScale[r]);
        f0[r] = _mm512_mul_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(acc0[r], s0)), b0), ar);
        f1[r] = _mm512_mul_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(acc1[r], s1)), b1), ar);
    }
    s2s_store_tile(MR, f0, f1, c, ldc, accumulate, bias, m0, m1);
}

__attribute__((target("avx512f,avx512bw,avx512vnni"))) void
s2s_gemm_int8(int m, int n, int depth, const uint8_t *a, size_t lda, const float *aScale, const int8_t *packed,
              const float *bScale, const int32_t *colsum, float *c, size_t ldc, int accumulate, const float *bias,
              int p0, int p1) {
    int quads = (depth + 3) / 4;
    for (int p = p0; p < p1; p++) {
        __mmask16 m0, m1;
        s2s_panel_masks(n, p, &m0, &m1);
        const int8_t *panel = packed + (size_t)p * quads * 4 * S2S_PANEL;
        for (int r0 = 0; r0 < m; r0 += 8) {
            S2S_FOR_TILE_ROWS(m - r0, tile_int8, quads, a + (size_t)r0 * lda, lda, aScale + r0, panel,
                              bScale + p * S2S_PANEL, colsum + p * S2S_PANEL, c + (size_t)r0 * ldc + p * S2S_PANEL,
                              ldc, accumulate, bias ? bias + p * S2S_PANEL : NULL, m0, m1)
        }
    }
}
#else
void s2s_gemm_int8(int m, int n, int depth, const uint8_t *a, size_t lda, const float *aScale, const int8_t *packed,
                   const float *bScale, const int32_t *colsum, float *c, size_t ldc, int accumulate, const float *bias,
                   int p0, int p1) {
    (void)m; (void)n; (void)depth; (void)a; (void)lda; (void)aScale; (void)packed; (void)bScale; (void)colsum;
    (void)c; (void)ldc; (void)accumulate; (void)bias; (void)p0; (void)p1;
}
#endif
