// What this CPU can run: the one place that reads its flags. Every kernel
// is compiled for the baseline and enables its instructions per function
// (target attributes), so the choice is made here, at run time, once.
//
// Linux gives a process the AMX tile registers only after it asks
// (arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA), kernels from 5.16):
// the probe asks, and reports AMX only when granted. S2S_NO_AMX (any value
// but 0) hides AMX: the user's switch back to the vector kernels.
#include "ckernels.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#define S2S_HAVE_X86 1
#endif
#if S2S_HAVE_X86 && defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#define S2S_HAVE_AMX 1
#endif

static unsigned features;
static pthread_once_t probed = PTHREAD_ONCE_INIT;

#if S2S_HAVE_AMX
enum { ARCH_REQ_XCOMP_PERM = 0x1023, XFEATURE_XTILEDATA = 18 };

static int amx_granted(void) {
    const char *off = getenv("S2S_NO_AMX");
    if (off && *off && strcmp(off, "0") != 0) return 0;
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    const unsigned amx = 1u << 22 | 1u << 24 | 1u << 25;  // AMX-BF16, AMX-TILE, AMX-INT8
    if ((edx & amx) != amx) return 0;
    return syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0;
}
#endif

static void probe(void) {
#if S2S_HAVE_X86
    __builtin_cpu_init();
    unsigned f = 0;
    if (__builtin_cpu_supports("avx512f")) f |= S2S_CPU_AVX512F;
    if ((f & S2S_CPU_AVX512F) && __builtin_cpu_supports("avx512bw")) f |= S2S_CPU_AVX512BW;
    if ((f & S2S_CPU_AVX512BW) && __builtin_cpu_supports("avx512vnni")) f |= S2S_CPU_VNNI;
    if ((f & S2S_CPU_AVX512F) && __builtin_cpu_supports("avx512bf16")) f |= S2S_CPU_BF16;
#if S2S_HAVE_AMX
    // The tile kernels' edges and stores are AVX-512 (BW, BF16, VNNI).
    if ((f & S2S_CPU_VNNI) && (f & S2S_CPU_BF16) && amx_granted()) f |= S2S_CPU_AMX;
#endif
    features = f;
#endif
}

unsigned s2s_cpu_features(void) {
    pthread_once(&probed, probe);
    return features;
}
