// Open MPI, loaded at run time: the default build needs no MPI headers and a
// user who never runs mpirun installs nothing. s2s_mpi_load() dlopens
// libmpi (Open MPI 4.x, soname libmpi.so.40) and resolves the handful of
// calls data-parallel training uses; every other function here fails with
// a message until it has succeeded.
//
// Every function returns 0 on success, or writes a one-line reason into
// `error` (capacity bytes, NUL-terminated) and returns nonzero.
#pragma once
#include <stddef.h>
#include <stdint.h>

// `path`: the library to load; NULL: libmpi.so.40 (then libmpi.so) from the
// loader's search path.
int s2s_mpi_load(const char *path, char *error, size_t capacity);
// MPI_Init_thread(MPI_THREAD_FUNNELED): only the main thread calls MPI;
// errors on MPI_COMM_WORLD are returned, not fatal, so the caller can name them.
int s2s_mpi_init(int *rank, int *size, char *error, size_t capacity);
// In-place sums over every rank (chunked below 2^31 elements).
int s2s_mpi_allreduce_sum_float(float *buffer, int64_t count, char *error, size_t capacity);
int s2s_mpi_allreduce_sum_double(double *buffer, int64_t count, char *error, size_t capacity);
// values[size]: every rank's `value`, in rank order.
int s2s_mpi_allgather_uint64(uint64_t value, uint64_t *values, char *error, size_t capacity);
// Rank `root`'s bytes to every rank (chunked below 2^31 bytes).
int s2s_mpi_broadcast(void *buffer, int64_t bytes, int root, char *error, size_t capacity);
int s2s_mpi_finalize(char *error, size_t capacity);
// Ends every rank of the job (mpirun reports `code`); does not return.
void s2s_mpi_abort(int code);
