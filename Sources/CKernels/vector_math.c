// The elementwise and reduction kernels of S2SKernels' VectorFloat (exp, σ,
// tanh, dot, sums, max/argmax, Σ_j w_j·row_j, a row's k largest) in AVX-512,
// chosen at run time. s2s is built for the baseline x86-64 (nothing may
// assume a CPU feature at build time), so Swift's 16-lane SIMD types lower
// to four SSE operations each; here one AVX-512 operation does the 16 lanes.
//
// Each function computes bit for bit what the portable Swift version
// computes (VectorMath.swift: the same operations in the same order, lane by
// lane, no fused multiply-adds), so a model trains and translates the same
// on either path; tests compare the two on the same inputs.
#include "ckernels.h"
#include "activations.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define S2S_HAVE_X86 1
#endif

// Lane-for-lane equality with the Swift code needs separate roundings.
#pragma clang fp contract(off)

#if S2S_HAVE_X86
#define AVX512 __attribute__((target("avx512f")))
#define AVX512_INLINE __attribute__((target("avx512f"), always_inline)) static inline

// The mask of the first n < 16 lanes.
AVX512_INLINE __mmask16 first_lanes(long n) { return (__mmask16)((1u << n) - 1); }

// x ← f(x) over n values; the tail through a masked load and store.
#define ELEMENTWISE(name, f)                                                              \
    AVX512 void name(float *x, long n) {                                                  \
        long k = 0;                                                                       \
        for (; k + 16 <= n; k += 16) _mm512_storeu_ps(x + k, f(_mm512_loadu_ps(x + k)));  \
        if (k < n) {                                                                      \
            __mmask16 m = first_lanes(n - k);                                             \
            _mm512_mask_storeu_ps(x + k, m, f(_mm512_maskz_loadu_ps(m, x + k)));          \
        }                                                                                 \
    }
ELEMENTWISE(s2s_vec_exp, exp16)
ELEMENTWISE(s2s_vec_sigmoid, sigmoid16)
ELEMENTWISE(s2s_vec_tanh, tanh16)

// The 16 lanes of acc added in order into a Float from −0 (Swift's SIMD sum()).
AVX512_INLINE float lanes_sum_float(__m512 acc) {
    float lanes[16];
    _mm512_storeu_ps(lanes, acc);
    float s = -0.0f;
    for (int i = 0; i < 16; i++) s += lanes[i];
    return s;
}

// The 16 lanes of acc added in order into a Double from 0.
AVX512_INLINE double lanes_sum_double(__m512 acc) {
    float lanes[16];
    _mm512_storeu_ps(lanes, acc);
    double s = 0;
    for (int i = 0; i < 16; i++) s += (double)lanes[i];
    return s;
}

AVX512 float s2s_vec_dot(const float *a, const float *b, long n) {
    __m512 acc = _mm512_setzero_ps();
    long k = 0;
    for (; k + 16 <= n; k += 16) acc = _mm512_add_ps(acc, _mm512_mul_ps(_mm512_loadu_ps(a + k), _mm512_loadu_ps(b + k)));
    float s = lanes_sum_float(acc);
    for (; k < n; k++) s += a[k] * b[k];
    return s;
}

AVX512 double s2s_vec_sum(const float *x, long n) {
    __m512 acc = _mm512_setzero_ps();
    long k = 0;
    for (; k + 16 <= n; k += 16) acc = _mm512_add_ps(acc, _mm512_loadu_ps(x + k));
    double s = lanes_sum_double(acc);
    for (; k < n; k++) s += (double)x[k];
    return s;
}

AVX512 double s2s_vec_sum_exp(const float *x, float shift, long n) {
    __m512 acc = _mm512_setzero_ps();
    const __m512 s = _mm512_set1_ps(shift);
    long k = 0;
    for (; k + 16 <= n; k += 16) acc = _mm512_add_ps(acc, exp16(_mm512_sub_ps(_mm512_loadu_ps(x + k), s)));
    double total = lanes_sum_double(acc);
    if (k < n) {
        float e[16];
        __mmask16 m = first_lanes(n - k);
        _mm512_storeu_ps(e, exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + k), s)));
        for (long i = 0; i < n - k; i++) total += (double)e[i];
    }
    return total;
}

AVX512 double s2s_vec_sum_of_squares(const float *x, long n) {
    __m512 acc = _mm512_setzero_ps();
    long k = 0;
    for (; k + 16 <= n; k += 16) {
        __m512 v = _mm512_loadu_ps(x + k);
        acc = _mm512_add_ps(acc, _mm512_mul_ps(v, v));
    }
    double total = lanes_sum_double(acc);
    for (; k < n; k++) total += (double)x[k] * (double)x[k];
    return total;
}

AVX512 long s2s_vec_max_argmax(const float *x, long n, float *max) {
    long k = 0;
    float best = x[0];
    if (n >= 16) {
        __m512 m = _mm512_loadu_ps(x);
        for (k = 16; k + 16 <= n; k += 16) {
            __m512 v = _mm512_loadu_ps(x + k);
            m = _mm512_mask_mov_ps(m, _mm512_cmp_ps_mask(v, m, _CMP_GT_OQ), v);
        }
        float lanes[16];
        _mm512_storeu_ps(lanes, m);
        for (int i = 0; i < 16; i++) best = lanes[i] >= best ? lanes[i] : best;  // Swift.max(best, lane)
    }
    for (; k < n; k++) best = x[k] >= best ? x[k] : best;
    *max = best;
    // The first index holding the maximum (none for NaN: index 0).
    const __m512 b = _mm512_set1_ps(best);
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        __mmask16 eq = _mm512_cmp_ps_mask(_mm512_loadu_ps(x + i), b, _CMP_EQ_OQ);
        if (eq) return i + __builtin_ctz(eq);
    }
    for (; i < n; i++) if (x[i] == best) return i;
    return 0;
}

AVX512 void s2s_vec_weighted_sum(float *out, const float *w, const float *rows, long n, long d) {
    // Blocks of 128 outputs stay in registers over the n rows; each output
    // adds w_j·row_j in the order j = 0, 1, … as the Swift loop does.
    long p = 0;
    for (; p + 128 <= d; p += 128) {
        __m512 acc[8];
        for (int i = 0; i < 8; i++) acc[i] = _mm512_setzero_ps();
        for (long j = 0; j < n; j++) {
            const __m512 wj = _mm512_set1_ps(w[j]);
            const float *r = rows + j * d + p;
            for (int i = 0; i < 8; i++) acc[i] = _mm512_add_ps(acc[i], _mm512_mul_ps(wj, _mm512_loadu_ps(r + 16 * i)));
        }
        for (int i = 0; i < 8; i++) _mm512_storeu_ps(out + p + 16 * i, acc[i]);
    }
    for (; p < d; p += 16) {
        __mmask16 m = d - p >= 16 ? (__mmask16)0xFFFF : first_lanes(d - p);
        __m512 acc = _mm512_setzero_ps();
        for (long j = 0; j < n; j++)
            acc = _mm512_add_ps(acc, _mm512_mul_ps(_mm512_set1_ps(w[j]), _mm512_maskz_loadu_ps(m, rows + j * d + p)));
        _mm512_mask_storeu_ps(out + p, m, acc);
    }
}

// Inserts (v, x) into the best-first list of `*count` ≤ k items after the
// items ≥ x; the (k+1)-th falls off.
static inline void top_k_insert(int32_t *tokens, float *values, int *count, int k, int32_t v, float x) {
    int i = *count;
    while (i > 0 && values[i - 1] < x) i--;
    int last = *count < k ? *count : k - 1;
    for (int j = last; j > i; j--) { tokens[j] = tokens[j - 1]; values[j] = values[j - 1]; }
    if (i < k) { tokens[i] = v; values[i] = x; }
    if (*count < k) (*count)++;
}

static inline int skipped(int32_t v, const int32_t *skip, int skips) {
    for (int s = 0; s < skips; s++) if (skip[s] == v) return 1;
    return 0;
}

AVX512 int s2s_vec_top_k(const float *x, long n, int k, const int32_t *skip, int skips, int32_t *tokens, float *values) {
    int count = 0;
    long v = 0;
    // Until the list is full every value enters (NaN and −∞ included), as in the Swift scan.
    for (; v < n && count < k; v++) {
        if (skipped((int32_t)v, skip, skips)) continue;
        top_k_insert(tokens, values, &count, k, (int32_t)v, x[v]);
    }
    // Then only values above the k-th best: whole blocks of 16 are passed over
    // unless a lane beats it (NaN never does).
    for (; v < n && (v & 15); v++) {
        if (!(x[v] > values[k - 1]) || skipped((int32_t)v, skip, skips)) continue;
        top_k_insert(tokens, values, &count, k, (int32_t)v, x[v]);
    }
    for (; v + 16 <= n; v += 16) {
        __mmask16 above = _mm512_cmp_ps_mask(_mm512_loadu_ps(x + v), _mm512_set1_ps(values[k - 1]), _CMP_GT_OQ);
        while (above) {
            long u = v + __builtin_ctz(above);
            above &= above - 1;
            if (!(x[u] > values[k - 1]) || skipped((int32_t)u, skip, skips)) continue;
            top_k_insert(tokens, values, &count, k, (int32_t)u, x[u]);
        }
    }
    for (; v < n; v++) {
        if (!(x[v] > values[k - 1]) || skipped((int32_t)v, skip, skips)) continue;
        top_k_insert(tokens, values, &count, k, (int32_t)v, x[v]);
    }
    return count;
}

#else
// Never called off x86-64 (S2S_CPU_AVX512F is never set there).
void s2s_vec_exp(float *x, long n) { (void)x; (void)n; }
void s2s_vec_sigmoid(float *x, long n) { (void)x; (void)n; }
void s2s_vec_tanh(float *x, long n) { (void)x; (void)n; }
float s2s_vec_dot(const float *a, const float *b, long n) { (void)a; (void)b; (void)n; return 0; }
double s2s_vec_sum(const float *x, long n) { (void)x; (void)n; return 0; }
double s2s_vec_sum_exp(const float *x, float shift, long n) { (void)x; (void)shift; (void)n; return 0; }
double s2s_vec_sum_of_squares(const float *x, long n) { (void)x; (void)n; return 0; }
long s2s_vec_max_argmax(const float *x, long n, float *max) { (void)n; *max = x[0]; return 0; }
void s2s_vec_weighted_sum(float *out, const float *w, const float *rows, long n, long d) {
    (void)out; (void)w; (void)rows; (void)n; (void)d;
}
int s2s_vec_top_k(const float *x, long n, int k, const int32_t *skip, int skips, int32_t *tokens, float *values) {
    (void)x; (void)n; (void)k; (void)skip; (void)skips; (void)tokens; (void)values; return 0;
}
#endif
