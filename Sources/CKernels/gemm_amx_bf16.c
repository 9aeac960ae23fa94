// The bfloat16 products of gemm_packed_bf16.c on AMX tiles (Intel's Advanced
// Matrix Extensions): C = A·B with B in the same packed panels and A in
// bfloat16 rows, for decoding (weights packed once) and training
// (BFloat16Gemm: both operands rounded per call).
//
// Why: on a CPU with AMX, vdpbf16ps runs no faster than float32's FMAs (one
// port), so the AVX512_BF16 kernel gains little there; one tdpbf16ps
// multiplies a 16×32 tile of A by a 32×16 tile of B into a 16×16 float tile,
// 8,192 multiply-adds, 16× a vector instruction's share of the core.
//
// The tiles (8 registers, each 16 rows of 64 bytes, configured by
// ldtilecfg) read the packed panels directly: a panel's depth pair q is 128
// bytes, lane j = (B[2q][j], B[2q+1][j]) for its 32 columns, which is AMX's
// "VNNI" layout for B; 16 consecutive pairs at a stride of 128 bytes are one
// B tile (columns 0..15 of the panel, or 16..31 at byte 64). An A tile is 16
// rows of 32 consecutive depth values. Blocking: 2 A tiles × 2 B tiles (one
// panel) → 4 accumulator tiles of 16×16 floats, i.e. 32 rows × 32 columns
// of C per pass over the depth; 32 rows of A against every panel in turn.
//
// Edges: rows past m and depth past the last whole block of 16 pairs would
// read past A's rows or B's panel, so A is copied into zeroed rows of whole
// blocks (per call and thread) when m or the depth is not a multiple, and a
// panel's last partial block of B into a zeroed tile; C's tiles go through
// a small buffer, so columns past n, bias and accumulation are handled by
// the same masked store as the vector kernels.
//
// Every value of C is one dot product over the depth, taken in the same
// order of tile blocks whatever the split over panels or rows: the results
// do not depend on the thread count. tdpbf16ps treats bfloat16 and float
// denormals as zero; the bound of BFloat16Gemm.swift holds otherwise.
//
// Linux gives a process the tile registers only after it asks
// (arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA)); s2s_amx_available
// asks once. Each call loads its tile configuration on the calling thread
// and releases the tiles at the end.
#include "ckernels.h"
#include "panel_tile.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__linux__)
#include <cpuid.h>
#include <immintrin.h>
#include <sys/syscall.h>
#include <unistd.h>
#define S2S_HAVE_AMX 1
#endif

#if S2S_HAVE_AMX
enum { ARCH_REQ_XCOMP_PERM = 0x1023, XFEATURE_XTILEDATA = 18 };

static int amx_state;
static pthread_once_t amx_once = PTHREAD_ONCE_INIT;

static void amx_probe(void) {
    const char *off = getenv("S2S_NO_AMX");
    if (off && *off && strcmp(off, "0") != 0) return;  // the user's switch: the vector kernels
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw") ||
        !__builtin_cpu_supports("avx512bf16"))
        return;  // the edges and the stores are AVX-512
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return;
    const unsigned amxBF16 = 1u << 22, amxTile = 1u << 24;
    if ((edx & (amxBF16 | amxTile)) != (amxBF16 | amxTile)) return;
    // The kernel's permission for the tile data (fails on kernels before 5.16).
    if (syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) != 0) return;
    amx_state = 1;
}

int s2s_amx_available(void) {
    pthread_once(&amx_once, amx_probe);
    return amx_state;
}

// ldtilecfg's operand: palette 1, tiles 0..7 all 16 rows of 64 bytes.
typedef struct {
    uint8_t palette;
    uint8_t startRow;
    uint8_t reserved[14];
    uint16_t bytesPerRow[16];
    uint8_t rows[16];
} TileConfig;

__attribute__((target("amx-tile"))) static void load_tile_config(void) {
    _Alignas(64) TileConfig config;
    memset(&config, 0, sizeof config);
    config.palette = 1;
    for (int t = 0; t < 8; t++) { config.bytesPerRow[t] = 64; config.rows[t] = 16; }
    _tile_loadconfig(&config);
}

// A's zero-padded copy: a buffer per thread, grown as needed, freed with the thread.
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static __thread uint16_t *scratch_values;
static __thread size_t scratch_count;

static void scratch_make_key(void) { pthread_key_create(&scratch_key, free); }

static uint16_t *scratch(size_t count) {
    if (count > scratch_count) {
        pthread_once(&scratch_once, scratch_make_key);
        free(scratch_values);
        size_t bytes = (count * sizeof(uint16_t) + 63) / 64 * 64;
        scratch_values = aligned_alloc(64, bytes);
        scratch_count = scratch_values ? bytes / sizeof(uint16_t) : 0;
        pthread_setspecific(scratch_key, scratch_values);
        if (!scratch_values) abort();  // out of memory for a few hundred KB: nothing sensible to do
    }
    return scratch_values;
}

/// Tile t's 16×16 floats into rows [0, rows) of C's 16 columns at `c`, as
/// s2s_store_tile does (accumulate, else bias, masked to the columns < n).
__attribute__((target("avx512f"), always_inline)) static inline void
store_rows(const float *tile, int rows, float *c, size_t ldc, int accumulate, const float *bias, __mmask16 mask) {
    if (!mask) return;
    __m512 b = !accumulate && bias ? _mm512_maskz_loadu_ps(mask, bias) : _mm512_setzero_ps();
    for (int r = 0; r < rows; r++) {
        float *row = c + (size_t)r * ldc;
        __m512 v = _mm512_load_ps(tile + 16 * r);
        v = _mm512_add_ps(v, accumulate ? _mm512_maskz_loadu_ps(mask, row) : b);
        _mm512_mask_storeu_ps(row, mask, v);
    }
}

__attribute__((target("avx512f,avx512bw,avx512bf16,amx-tile,amx-bf16"))) void
s2s_gemm_amx_bf16(int m, int n, int depth, const uint16_t *a, size_t lda, const uint16_t *packed, float *c,
                  size_t ldc, int accumulate, const float *bias, int p0, int p1) {
    if (m <= 0 || p0 >= p1) return;
    const int pairs = (depth + 1) / 2, blocks = (pairs + 15) / 16, whole = pairs / 16;
    const int rowTiles = (m + 15) / 16;
    const size_t panelValues = (size_t)pairs * 2 * S2S_PANEL;
    // A as whole tiles: rowTiles·16 rows of blocks·32 values, zeros past m and the depth.
    const uint16_t *at = a;
    size_t ldat = lda;
    if (m % 16 || pairs % 16) {
        ldat = (size_t)blocks * 32;
        uint16_t *copy = scratch((size_t)rowTiles * 16 * ldat);
        for (int r = 0; r < rowTiles * 16; r++) {
            uint16_t *dst = copy + (size_t)r * ldat;
            size_t kept = r < m ? (size_t)2 * pairs : 0;
            if (kept) memcpy(dst, a + (size_t)r * lda, kept * sizeof(uint16_t));
            memset(dst + kept, 0, (ldat - kept) * sizeof(uint16_t));
        }
        at = copy;
    }
    const size_t aStride = ldat * sizeof(uint16_t);
    _Alignas(64) uint16_t lastBlock[16 * 2 * S2S_PANEL];  // a panel's partial last block of pairs, zero-padded
    _Alignas(64) float out[16 * 16];
    load_tile_config();
    // Rows outer, panels inner: the 32 rows of A stay in L1 while the panels
    // stream past (the other order re-reads all of A from L2 per panel).
    for (int t = 0; t < rowTiles; t += 2) {
        const int two = t + 1 < rowTiles;
        const uint16_t *a0 = at + (size_t)t * 16 * ldat, *a1 = a0 + 16 * ldat;
        const int rows0 = m - t * 16 < 16 ? m - t * 16 : 16;
        const int rows1 = m - (t + 1) * 16 < 16 ? m - (t + 1) * 16 : 16;
        for (int p = p0; p < p1; p++) {
            __mmask16 m0, m1;
            s2s_panel_masks(n, p, &m0, &m1);
            const uint16_t *panel = packed + (size_t)p * panelValues;
            if (whole < blocks) {
                size_t kept = (size_t)(pairs - whole * 16) * 2 * S2S_PANEL;
                memcpy(lastBlock, panel + (size_t)whole * 16 * 2 * S2S_PANEL, kept * sizeof(uint16_t));
                memset(lastBlock + kept, 0, (sizeof lastBlock) - kept * sizeof(uint16_t));
            }
            _tile_zero(0); _tile_zero(1); _tile_zero(2); _tile_zero(3);
            for (int kb = 0; kb < blocks; kb++) {
                const uint16_t *b = kb < whole ? panel + (size_t)kb * 16 * 2 * S2S_PANEL : lastBlock;
                // B streams from L2 (A stays in L1): fetch the block after next
                // ahead, 2 KB (a tile load waits for its data, and the tiles
                // it would overlap with are busy).
                const char *ahead = (const char *)(b + 2 * 16 * 2 * S2S_PANEL);
                for (int line = 0; line < 32; line++) _mm_prefetch(ahead + 64 * line, _MM_HINT_T0);
                _tile_loadd(6, b, 2 * S2S_PANEL * sizeof(uint16_t));
                _tile_loadd(7, b + S2S_PANEL, 2 * S2S_PANEL * sizeof(uint16_t));
                _tile_loadd(4, a0 + (size_t)kb * 32, aStride);
                _tile_dpbf16ps(0, 4, 6);
                _tile_dpbf16ps(1, 4, 7);
                if (two) {
                    _tile_loadd(5, a1 + (size_t)kb * 32, aStride);
                    _tile_dpbf16ps(2, 5, 6);
                    _tile_dpbf16ps(3, 5, 7);
                }
            }
            const float *pbias = bias ? bias + p * S2S_PANEL : NULL;
            float *c0 = c + (size_t)t * 16 * ldc + p * S2S_PANEL, *c1 = c0 + 16 * ldc;
            _tile_stored(0, out, 64);
            store_rows(out, rows0, c0, ldc, accumulate, pbias, m0);
            _tile_stored(1, out, 64);
            store_rows(out, rows0, c0 + 16, ldc, accumulate, pbias ? pbias + 16 : NULL, m1);
            if (two) {
                _tile_stored(2, out, 64);
                store_rows(out, rows1, c1, ldc, accumulate, pbias, m0);
                _tile_stored(3, out, 64);
                store_rows(out, rows1, c1 + 16, ldc, accumulate, pbias ? pbias + 16 : NULL, m1);
            }
        }
    }
    _tile_release();
}

__attribute__((target("avx512f,avx512bw,avx512bf16"))) void
s2s_bf16_transpose_rows(const float *a, size_t lda, int k, uint16_t *out, size_t ldo, int r0, int r1) {
    // Row r of the result is column r of A: 32 values of it at a time, two
    // gathers 16 rows of A apart, rounded and stored as one 64-byte run.
    const int values = (k + 1) / 2 * 2;  // with the pad of an odd depth
    const __m512i rowsApart = _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                                                 _mm512_set1_epi32((int)lda));
    for (int q0 = 0; q0 < values; q0 += 32) {
        int left = k - q0;
        __mmask16 lo = left >= 16 ? 0xFFFF : (__mmask16)((1u << left) - 1);
        __mmask16 hi = left >= 32 ? 0xFFFF : left <= 16 ? 0 : (__mmask16)((1u << (left - 16)) - 1);
        int width = values - q0 < 32 ? values - q0 : 32;
        __mmask32 store = width == 32 ? 0xFFFFFFFFu : (__mmask32)((1u << width) - 1);
        for (int r = r0; r < r1; r++) {
            const float *column = a + (size_t)q0 * lda + r;
            __m512 x0 = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), lo, rowsApart, column, 4);
            __m512 x1 = hi ? _mm512_mask_i32gather_ps(_mm512_setzero_ps(), hi, rowsApart, column + 16 * lda, 4)
                           : _mm512_setzero_ps();
            __m512i h = (__m512i)_mm512_cvtne2ps_pbh(x1, x0);
            _mm512_mask_storeu_epi16(out + (size_t)r * ldo + q0, store, h);
        }
    }
}
#else
int s2s_amx_available(void) { return 0; }
void s2s_gemm_amx_bf16(int m, int n, int depth, const uint16_t *a, size_t lda, const uint16_t *packed, float *c,
                       size_t ldc, int accumulate, const float *bias, int p0, int p1) {
    (void)m; (void)n; (void)depth; (void)a; (void)lda; (void)packed; (void)c; (void)ldc;
    (void)accumulate; (void)bias; (void)p0; (void)p1;
}
void s2s_bf16_transpose_rows(const float *a, size_t lda, int k, uint16_t *out, size_t ldo, int r0, int r1) {
    (void)a; (void)lda; (void)k; (void)out; (void)ldo; (void)r0; (void)r1;
}
#endif
