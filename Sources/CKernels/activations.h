// exp, σ and tanh over 16 lanes (AVX-512), private to CKernels: the
// elementwise kernels of vector_math.c and the fused cell of lstm_cell.c
// compute them the same way, bit for bit what VectorMath.swift's portable
// versions compute (the same operations in the same order, no fused
// multiply-adds: every includer compiles with fp contract off).
#ifndef S2S_ACTIVATIONS_H
#define S2S_ACTIVATIONS_H

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang fp contract(off)

// e^v: v clamped to [−87.3, 88.7] (NaN kept), v = n·ln2 + r with n rounded
// by adding 1.5·2^23, e^r by its degree-6 Taylor polynomial, 2^n built in
// the exponent bits.
__attribute__((target("avx512f"), always_inline)) static inline __m512 exp16(__m512 v) {
    const __m512 lo = _mm512_set1_ps(-87.3f), hi = _mm512_set1_ps(88.7f);
    __m512 x = _mm512_mask_mov_ps(v, _mm512_cmp_ps_mask(v, lo, _CMP_LT_OQ), lo);
    x = _mm512_mask_mov_ps(x, _mm512_cmp_ps_mask(x, hi, _CMP_GT_OQ), hi);
    const __m512 magic = _mm512_set1_ps(12582912.0f);
    __m512 t = _mm512_add_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504f)), magic);
    __m512 n = _mm512_sub_ps(t, magic);
    __m512 r = _mm512_sub_ps(_mm512_sub_ps(x, _mm512_mul_ps(n, _mm512_set1_ps(0.69314575f))),
                             _mm512_mul_ps(n, _mm512_set1_ps(1.4286068e-6f)));
    __m512 p = _mm512_set1_ps(1.0f / 720);
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.0f / 120));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.0f / 24));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.0f / 6));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(0.5f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.0f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.0f));
    __m512i ni = _mm512_sub_epi32(_mm512_castps_si512(t), _mm512_castps_si512(magic));
    __m512i e = _mm512_slli_epi32(_mm512_add_epi32(ni, _mm512_set1_epi32(127)), 23);
    return _mm512_mul_ps(p, _mm512_castsi512_ps(e));
}

// σ(v) = 1/(1 + e^(−v)); tanh(v) = 1 − 2/(1 + e^(2v)).
__attribute__((target("avx512f"), always_inline)) static inline __m512 sigmoid16(__m512 v) {
    const __m512 one = _mm512_set1_ps(1.0f);
    __m512 neg = _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(v), _mm512_set1_epi32((int)0x80000000u)));
    return _mm512_div_ps(one, _mm512_add_ps(one, exp16(neg)));
}

__attribute__((target("avx512f"), always_inline)) static inline __m512 tanh16(__m512 v) {
    const __m512 one = _mm512_set1_ps(1.0f);
    __m512 e = exp16(_mm512_add_ps(v, v));
    return _mm512_sub_ps(one, _mm512_div_ps(_mm512_set1_ps(2.0f), _mm512_add_ps(one, e)));
}

#endif
#endif
