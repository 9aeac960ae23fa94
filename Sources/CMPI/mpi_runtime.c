// Open MPI through dlopen/dlsym: see mpi_runtime.h.
//
// The MPI ABI is not standard; this speaks Open MPI's (4.x): handles are
// pointers, and the predefined ones are the addresses of exported globals
// (mpi.h: MPI_COMM_WORLD is &ompi_mpi_comm_world, MPI_FLOAT &ompi_mpi_float,
// MPI_SUM &ompi_mpi_op_sum, MPI_ERRORS_RETURN &ompi_mpi_errors_return),
// MPI_IN_PLACE is (void *)1, MPI_THREAD_FUNNELED is 1, MPI_SUCCESS is 0.
#include "mpi_runtime.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef void *handle;  // MPI_Comm, MPI_Datatype, MPI_Op, MPI_Errhandler

static struct {
    int loaded;
    handle comm_world, type_float, type_double, type_uint64, type_byte, op_sum, errors_return;
    int (*init_thread)(int *, char ***, int, int *);
    int (*comm_rank)(handle, int *);
    int (*comm_size)(handle, int *);
    int (*comm_set_errhandler)(handle, handle);
    int (*allreduce)(const void *, void *, int, handle, handle, handle);
    int (*allgather)(const void *, int, handle, void *, int, handle, handle);
    int (*bcast)(void *, int, handle, int, handle);
    int (*finalize)(void);
    int (*abort)(handle, int);
    int (*error_string)(int, char *, int *);
} mpi;

static void *const in_place = (void *)1;
enum { thread_funneled = 1, chunk = 1 << 30 };

static int fail(char *error, size_t capacity, const char *what, int code) {
    char reason[512] = "";
    if (mpi.error_string && code != 0) {
        int length = 0;
        mpi.error_string(code, reason, &length);
    }
    snprintf(error, capacity, "%s failed%s%s", what, reason[0] ? ": " : "", reason);
    return 1;
}

int s2s_mpi_load(const char *path, char *error, size_t capacity) {
    if (mpi.loaded) return 0;
    // RTLD_GLOBAL: Open MPI's own plug-ins (mca_*.so) resolve libmpi's symbols.
    const char *name = path ? path : "libmpi.so.40";
    void *library = dlopen(name, RTLD_NOW | RTLD_GLOBAL);
    if (!library && !path) library = dlopen("libmpi.so", RTLD_NOW | RTLD_GLOBAL);
    if (!library) {
        snprintf(error, capacity, "cannot load Open MPI's library %s (%s)", name, dlerror());
        return 1;
    }
    struct { void **slot; const char *name; } symbols[] = {
        {&mpi.comm_world, "ompi_mpi_comm_world"}, {&mpi.type_float, "ompi_mpi_float"},
        {&mpi.type_double, "ompi_mpi_double"}, {&mpi.type_uint64, "ompi_mpi_uint64_t"},
        {&mpi.type_byte, "ompi_mpi_byte"}, {&mpi.op_sum, "ompi_mpi_op_sum"},
        {&mpi.errors_return, "ompi_mpi_errors_return"},
        {(void **)&mpi.init_thread, "MPI_Init_thread"}, {(void **)&mpi.comm_rank, "MPI_Comm_rank"},
        {(void **)&mpi.comm_size, "MPI_Comm_size"}, {(void **)&mpi.comm_set_errhandler, "MPI_Comm_set_errhandler"},
        {(void **)&mpi.allreduce, "MPI_Allreduce"}, {(void **)&mpi.allgather, "MPI_Allgather"},
        {(void **)&mpi.bcast, "MPI_Bcast"}, {(void **)&mpi.finalize, "MPI_Finalize"},
        {(void **)&mpi.abort, "MPI_Abort"}, {(void **)&mpi.error_string, "MPI_Error_string"},
    };
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
        *symbols[i].slot = dlsym(library, symbols[i].name);
        if (!*symbols[i].slot) {
            snprintf(error, capacity, "the loaded libmpi lacks %s: is it Open MPI 4.x?", symbols[i].name);
            return 1;
        }
    }
    mpi.loaded = 1;
    return 0;
}

#define REQUIRE_LOADED()                                                      \
    if (!mpi.loaded) {                                                        \
        snprintf(error, capacity, "Open MPI is not loaded (s2s_mpi_load)");   \
        return 1;                                                             \
    }

int s2s_mpi_init(int *rank, int *size, char *error, size_t capacity) {
    REQUIRE_LOADED();
    int provided = 0, code;
    if ((code = mpi.init_thread(NULL, NULL, thread_funneled, &provided))) return fail(error, capacity, "MPI_Init_thread", code);
    if ((code = mpi.comm_set_errhandler(mpi.comm_world, mpi.errors_return)))
        return fail(error, capacity, "MPI_Comm_set_errhandler", code);
    if ((code = mpi.comm_rank(mpi.comm_world, rank))) return fail(error, capacity, "MPI_Comm_rank", code);
    if ((code = mpi.comm_size(mpi.comm_world, size))) return fail(error, capacity, "MPI_Comm_size", code);
    return 0;
}

static int allreduce_sum(void *buffer, int64_t count, size_t element, handle type, char *error, size_t capacity) {
    REQUIRE_LOADED();
    for (int64_t start = 0; start < count; start += chunk) {
        int n = (int)(count - start < chunk ? count - start : chunk);
        int code = mpi.allreduce(in_place, (char *)buffer + start * element, n, type, mpi.op_sum, mpi.comm_world);
        if (code) return fail(error, capacity, "MPI_Allreduce", code);
    }
    return 0;
}

int s2s_mpi_allreduce_sum_float(float *buffer, int64_t count, char *error, size_t capacity) {
    return allreduce_sum(buffer, count, sizeof(float), mpi.type_float, error, capacity);
}

int s2s_mpi_allreduce_sum_double(double *buffer, int64_t count, char *error, size_t capacity) {
    return allreduce_sum(buffer, count, sizeof(double), mpi.type_double, error, capacity);
}

int s2s_mpi_allgather_uint64(uint64_t value, uint64_t *values, char *error, size_t capacity) {
    REQUIRE_LOADED();
    int code = mpi.allgather(&value, 1, mpi.type_uint64, values, 1, mpi.type_uint64, mpi.comm_world);
    return code ? fail(error, capacity, "MPI_Allgather", code) : 0;
}

int s2s_mpi_broadcast(void *buffer, int64_t bytes, int root, char *error, size_t capacity) {
    REQUIRE_LOADED();
    for (int64_t start = 0; start < bytes; start += chunk) {
        int n = (int)(bytes - start < chunk ? bytes - start : chunk);
        int code = mpi.bcast((char *)buffer + start, n, mpi.type_byte, root, mpi.comm_world);
        if (code) return fail(error, capacity, "MPI_Bcast", code);
    }
    return 0;
}

int s2s_mpi_finalize(char *error, size_t capacity) {
    REQUIRE_LOADED();
    int code = mpi.finalize();
    return code ? fail(error, capacity, "MPI_Finalize", code) : 0;
}

void s2s_mpi_abort(int code) {
    if (mpi.loaded) mpi.abort(mpi.comm_world, code);
    _exit(code);
}
