// Small-batch matrix products against weights packed once, for decoding.
// Plain C with AVX-512 code chosen at run time (the rest of s2s is portable
// Swift; OpenBLAS covers the large products).
#ifndef S2S_CKERNELS_H
#define S2S_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Columns per packed panel.
enum { S2S_PANEL = 32 };

/// What this CPU runs (cpu_features.c, the one place that reads its flags).
enum {
    S2S_CPU_AVX512F = 1 << 0,   ///< the packed float32 kernels and the vector math
    S2S_CPU_AVX512BW = 1 << 1,  ///< with AVX512F: int8 quantising
    S2S_CPU_VNNI = 1 << 2,      ///< with AVX512F and BW: int8 products
    S2S_CPU_BF16 = 1 << 3,      ///< with AVX512F: bfloat16 products
    S2S_CPU_AMX = 1 << 4,       ///< AMX-TILE, -BF16 and -INT8 with all the above, the tiles
                                ///< granted by Linux, and S2S_NO_AMX unset (or 0)
};

/// The S2S_CPU_* flags of this CPU, probed on the first call (which asks
/// Linux for the AMX tiles).
unsigned s2s_cpu_features(void);

// The packed float32 kernel (gemm_packed.c). Requires S2S_CPU_AVX512F; else
// callers use OpenBLAS.

/// Packs a row-major (k, n) matrix B (row stride ldb) into panels of
/// S2S_PANEL columns: panel p holds rows 0..<k of columns p·32 ..< p·32+32,
/// row after row, 32 floats each, zero past column n. `out` has room for
/// ceil(n / 32) · k · 32 floats. `rowOffset` rows of the panels are skipped
/// first, so several matrices can be stacked along k ([W; U]) by packing each
/// at its row offset into panels of the total depth `depth`. Only panels
/// p0 ..< p1 are written (threads pack disjoint ranges).
void s2s_pack_panels(const float *b, size_t ldb, int k, int n, float *out, int depth, int rowOffset,
                     int p0, int p1);

/// The same for B = Mᵀ, with M (n, k) row-major, row stride ldm: packs the
/// transpose without forming it (training multiplies ∂gates by Uᵀ).
void s2s_pack_panels_transposed(const float *m, size_t ldm, int k, int n, float *out, int depth, int rowOffset,
                                int p0, int p1);

/// C[0..<m, columns of panels p0..<p1] = (accumulate ? C : bias ? bias : 0)
/// + A · B, where A is (m, depth) row-major with row stride lda, B is packed
/// as above (total depth `depth`, n columns) and bias (NULL: none) is a row
/// vector of n added to every row. Only columns < n are written.
/// Requires S2S_CPU_AVX512F.
void s2s_gemm_packed(int m, int n, int depth, const float *a, size_t lda, const float *packed,
                     float *c, size_t ldc, int accumulate, const float *bias, int p0, int p1);


// bfloat16 variant (gemm_packed_bf16.c): the same panels of 32 columns, each
// holding depth pairs (B[2q][j], B[2q+1][j]) as bfloat16, depth padded to even
// (ceil(n / 32) · 2·ceil(depth / 2) · 32 values). A is rounded to bfloat16
// first (s2s_to_bf16, into rows of ≥ 2·ceil(depth / 2) values); products
// accumulate in float.

/// Round to nearest even, and back (exact).
uint16_t s2s_float_to_bf16(float x);
float s2s_bf16_to_float(uint16_t h);

/// As s2s_pack_panels, into bfloat16 pairs.
void s2s_pack_panels_bf16(const float *b, size_t ldb, int k, int n, uint16_t *out, int depth, int rowOffset);

/// Rounds A (m, depth; row stride lda) to bfloat16 rows of stride ldo,
/// zeroing the pad value of an odd depth. Requires S2S_CPU_BF16.
void s2s_to_bf16(int m, int depth, const float *a, size_t lda, uint16_t *out, size_t ldo);

/// As s2s_gemm_packed with A and B in bfloat16 (A from s2s_to_bf16, lda in
/// values). Requires S2S_CPU_BF16.
void s2s_gemm_packed_bf16(int m, int n, int depth, const uint16_t *a, size_t lda, const uint16_t *packed,
                          float *c, size_t ldc, int accumulate, const float *bias, int p0, int p1);


// General bfloat16 products for training (gemm_bf16_general.c): both
// operands rounded on every call into the panels above (depth = k padded to
// even with zeros; ceil(n / 32) · 2·ceil(k / 2) · 32 values). Each requires
// S2S_CPU_BF16.

/// Packs panels p0 ..< p1 of a row-major (k, n) matrix B (row stride ldb).
void s2s_bf16_pack_rows(const float *b, size_t ldb, int k, int n, uint16_t *out, int p0, int p1);

/// The same for B = Mᵀ with M (n, k) row-major, row stride ldm.
void s2s_bf16_pack_transposed(const float *mat, size_t ldm, int k, int n, uint16_t *out, int p0, int p1);

/// C[0..<m, columns of panels p0..<p1] = (accumulate ? C : 0) + Aᵀ·B, where
/// the stored A is (depth, m) and `apanels` is it packed by
/// s2s_bf16_pack_rows (its m columns as panels), B packed likewise.
void s2s_gemm_bf16_apanels(int m, int n, int depth, const uint16_t *apanels, const uint16_t *packed, float *c,
                           size_t ldc, int accumulate, int p0, int p1);


// AMX variants (gemm_amx.c): the bfloat16 and int8 products on the tile
// registers, with B in the same panels and A in the same rows.

/// As s2s_gemm_packed_bf16, on AMX tiles. Requires S2S_CPU_AMX.
void s2s_gemm_amx_bf16(int m, int n, int depth, const uint16_t *a, size_t lda, const uint16_t *packed, float *c,
                       size_t ldc, int accumulate, const float *bias, int p0, int p1);

/// Rows r0 ..< r1 of Aᵀ in bfloat16, for A stored (k, m) row-major (row
/// stride lda): out[r][q] = bf16(A[q][r]) for q < k, and the pad value of an
/// odd k zero; rows of stride ldo ≥ 2·ceil(k / 2). Requires
/// S2S_CPU_AMX (training's weight gradients on tiles, which read A
/// as rows).
void s2s_bf16_transpose_rows(const float *a, size_t lda, int k, uint16_t *out, size_t ldo, int r0, int r1);


// int8 variant (gemm_int8.c): panels of 32 columns holding depth quads
// (B[4q..4q+3][j] as int8, depth padded to a multiple of 4: ceil(n / 32) ·
// 4·ceil(depth / 4) · 32 bytes), quantised per column with `scale`; A rows
// quantised per call to u8 around 128 with one scale each.

/// Quantises and packs rows rowOffset ..< rowOffset + k of the stacked B
/// (total depth `depth`) from a row-major (k, n) matrix: round(B / scale_j)
/// (to nearest, ties to even) clamped to ±127; 0 where scale_j ≤ 0 or the
/// quotient is NaN. AVX-512 where the CPU has it; the _reference version is
/// the scalar definition the tests hold it to, bit for bit.
void s2s_int8_pack(const float *b, size_t ldb, int k, int n, const float *scale, int8_t *out, int depth,
                   int rowOffset);
void s2s_int8_pack_reference(const float *b, size_t ldb, int k, int n, const float *scale, int8_t *out, int depth,
                             int rowOffset);

/// largest[j] ← max(largest[j], |B[r][j]|) over the rows of a row-major
/// (k, n) matrix, a NaN never taken (Swift's max(largest, |b|)).
void s2s_column_abs_max(const float *b, size_t ldb, int k, int n, float *largest);

/// sums[j] = Σ over the packed depth of column j's int8 values.
void s2s_int8_column_sums(const int8_t *packed, int n, int depth, int32_t *sums);

/// Quantises A (m, depth) into rows of ldo ≥ 4·ceil(depth / 4) bytes, the
/// pad 128 (zero); scales[r] = max_k |A[r][k]| / 127 (1 for a zero row).
/// AVX-512 where the CPU has it, bit for bit the scalar reference below.
void s2s_int8_quantize_rows(int m, int depth, const float *a, size_t lda, uint8_t *out, size_t ldo, float *scales);
void s2s_int8_quantize_rows_reference(int m, int depth, const float *a, size_t lda, uint8_t *out, size_t ldo,
                                      float *scales);

/// C[0..<m, columns of panels p0..<p1] = (accumulate ? C : bias ? bias : 0)
/// + A·B from the quantised operands. Requires S2S_CPU_VNNI.
void s2s_gemm_int8(int m, int n, int depth, const uint8_t *a, size_t lda, const float *aScale, const int8_t *packed,
                   const float *bScale, const int32_t *colsum, float *c, size_t ldc, int accumulate, const float *bias,
                   int p0, int p1);

/// As s2s_gemm_int8, on AMX tiles (tdpbusd): the same exact sums, scaled
/// alike, so the same bits. Requires S2S_CPU_AMX.
void s2s_gemm_amx_int8(int m, int n, int depth, const uint8_t *a, size_t lda, const float *aScale, const int8_t *packed,
                       const float *bScale, const int32_t *colsum, float *c, size_t ldc, int accumulate,
                       const float *bias, int p0, int p1);


// Thread pool (pool.c): workers that spin between jobs, for the work split
// over the cores (products, softmax rows, Adam). See pool.c for why.

/// One part of a job.
typedef void (*s2s_pool_task)(void *context, int part);

/// Runs fn(context, p) for p in 0 ..< parts, side by side on the calling
/// thread and the pool's workers (one per core besides the caller's, started
/// on first use); returns when all are done. Called while another job runs,
/// or from inside a part, it runs the parts itself, in order.
void s2s_pool_run(int parts, s2s_pool_task fn, void *context);

/// Nanoseconds the workers have spent awake without a job, summed over
/// workers since the start: while the caller works alone (benchmarks).
long s2s_pool_waited_ns(void);

/// Nanoseconds callers have spent waiting for the workers to finish a job's
/// last parts (the imbalance between the parts), since the start.
long s2s_pool_caller_waited_ns(void);

// Vector math (vector_math.c): VectorFloat's kernels in AVX-512, bit for bit
// what its portable Swift versions compute. Each requires S2S_CPU_AVX512F.

/// x ← e^x, σ(x), tanh(x) elementwise over n values.
void s2s_vec_exp(float *x, long n);
void s2s_vec_sigmoid(float *x, long n);
void s2s_vec_tanh(float *x, long n);

/// Σ a_k·b_k (16 running Float sums, then added in order).
float s2s_vec_dot(const float *a, const float *b, long n);

/// Σ x_k, Σ e^(x_k − shift) and Σ x_k², in Double (16 running Float sums).
double s2s_vec_sum(const float *x, long n);
double s2s_vec_sum_exp(const float *x, float shift, long n);
double s2s_vec_sum_of_squares(const float *x, long n);

/// max x over n > 0 values into *max; returns the first index holding it (0 for NaN).
long s2s_vec_max_argmax(const float *x, long n, float *max);

/// out (d) = Σ_j w_j · rows[j] over j < n, rows (n, d) row-major.
void s2s_vec_weighted_sum(float *out, const float *w, const float *rows, long n, long d);

/// The k largest of x[0..<n] best first into tokens/values (ties: the lower
/// index first), never an index listed in skip; returns how many (≤ k).
int s2s_vec_top_k(const float *x, long n, int k, const int32_t *skip, int skips, int32_t *tokens, float *values);

/// The LSTM cell's forward for one row, hidden units [j0, j0 + n), fused
/// (lstm_cell.c; AVX512F, as vector_math.c): gates (4·hidden: i, f, g, o
/// pre-activations) ← σ(i), σ(f), tanh(g), σ(o); c = σ(f)·cPrev + σ(i)·tanh(g);
/// tanhC = tanh(c); h = σ(o)·tanhC. Every pointer but gates is the row's
/// start; the same bits as LSTMCell.swift's unfused path.
void s2s_lstm_forward_units(float *gates, long hidden, const float *cPrev, float *c, float *tanhC, float *h, long j0,
                            long n);

/// glibc's allocator: blocks up to 32 MiB from the heap, freed memory kept
/// (M_MMAP_THRESHOLD, M_TRIM_THRESHOLD), unless MALLOC_MMAP_THRESHOLD_ or
/// MALLOC_TRIM_THRESHOLD_ is set; 1 when applied (heap.c).
int s2s_keep_freed_buffers(void);

#ifdef __cplusplus
}
#endif

#endif
