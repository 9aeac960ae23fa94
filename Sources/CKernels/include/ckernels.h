// Small-batch matrix products against weights packed once, for decoding.
// Plain C with AVX-512 code chosen at run time (the rest of s2s is portable
// Swift; OpenBLAS covers the large products).
#ifndef S2S_CKERNELS_H
#define S2S_CKERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Columns per packed panel.
enum { S2S_PANEL = 32 };

/// 1 when this CPU runs the AVX-512 kernel (AVX512F), else 0: then callers
/// use OpenBLAS instead.
int s2s_packed_available(void);

/// Packs a row-major (k, n) matrix B (row stride ldb) into panels of
/// S2S_PANEL columns: panel p holds rows 0..<k of columns p·32 ..< p·32+32,
/// row after row, 32 floats each, zero past column n. `out` has room for
/// ceil(n / 32) · k · 32 floats. `rowOffset` rows of the panels are skipped
/// first, so several matrices can be stacked along k ([W; U]) by packing each
/// at its row offset into panels of the total depth `depth`.
void s2s_pack_panels(const float *b, size_t ldb, int k, int n, float *out, int depth, int rowOffset);

/// C[0..<m, columns of panels p0..<p1] = (accumulate ? C : 0) + A · B, where
/// A is (m, depth) row-major with row stride lda and B is packed as above
/// (total depth `depth`, n columns). Only columns < n are written.
/// Requires s2s_packed_available().
void s2s_gemm_packed(int m, int n, int depth, const float *a, size_t lda, const float *packed,
                     float *c, size_t ldc, int accumulate, int p0, int p1);

#ifdef __cplusplus
}
#endif

#endif
