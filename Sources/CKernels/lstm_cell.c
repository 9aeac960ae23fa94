// The LSTM cell's pointwise forward for one row and a range of hidden units
// in one pass (LSTMCell.swift): each 16 units' four pre-activations are read
// once, activated, combined and written back in registers, where the
// unfused path makes five passes over the row (σ over i and f, tanh over g,
// σ over o, then c and tanh(c) and h). Same operations in the same order as
// that path — σ and tanh of activations.h, c = σ(f)·c_{t−1} + σ(i)·tanh(g)
// with separate roundings, h = σ(o)·tanh(c) — so the same bits.
#include "ckernels.h"
#include "activations.h"

#if defined(__x86_64__)
__attribute__((target("avx512f"))) void
s2s_lstm_forward_units(float *gates, long hidden, const float *cPrev, float *c, float *tanhC, float *h, long j0,
                       long n) {
    float *gi = gates + j0, *gf = gates + hidden + j0, *gg = gates + 2 * hidden + j0, *go = gates + 3 * hidden + j0;
    cPrev += j0; c += j0; tanhC += j0; h += j0;
    for (long k = 0; k < n; k += 16) {
        __mmask16 m = n - k >= 16 ? 0xFFFF : (__mmask16)((1u << (n - k)) - 1);
        __m512 i = sigmoid16(_mm512_maskz_loadu_ps(m, gi + k));
        __m512 f = sigmoid16(_mm512_maskz_loadu_ps(m, gf + k));
        __m512 g = tanh16(_mm512_maskz_loadu_ps(m, gg + k));
        __m512 o = sigmoid16(_mm512_maskz_loadu_ps(m, go + k));
        __m512 cj = _mm512_add_ps(_mm512_mul_ps(f, _mm512_maskz_loadu_ps(m, cPrev + k)), _mm512_mul_ps(i, g));
        __m512 tc = tanh16(cj);
        _mm512_mask_storeu_ps(gi + k, m, i);
        _mm512_mask_storeu_ps(gf + k, m, f);
        _mm512_mask_storeu_ps(gg + k, m, g);
        _mm512_mask_storeu_ps(go + k, m, o);
        _mm512_mask_storeu_ps(c + k, m, cj);
        _mm512_mask_storeu_ps(tanhC + k, m, tc);
        _mm512_mask_storeu_ps(h + k, m, _mm512_mul_ps(o, tc));
    }
}
#else
void s2s_lstm_forward_units(float *gates, long hidden, const float *cPrev, float *c, float *tanhC, float *h, long j0,
                            long n) {
    (void)gates; (void)hidden; (void)cPrev; (void)c; (void)tanhC; (void)h; (void)j0; (void)n;
}
#endif
