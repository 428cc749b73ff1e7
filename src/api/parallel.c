#include "api/parallel.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/replication_io.h"
#include "io/text.h"

#ifdef ESSIM_HAVE_MPI
#include <mpi.h>

static int rank, size = 1, initialised;

/* Started by mpirun (OpenMPI sets these), not a plain run of the program. */
static int under_mpirun(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") != NULL || getenv("PMIX_RANK") != NULL;
}

void es_parallel_init(int *argc, char ***argv)
{
    if (!under_mpirun())
        return;
    if (MPI_Init(argc, argv) != MPI_SUCCESS)
        return;
    initialised = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
}

void es_parallel_finalize(void)
{
    if (initialised)
        MPI_Finalize();
    initialised = 0;
}

int es_parallel_rank(void) { return rank; }
int es_parallel_built_with_mpi(void) { return 1; }
int es_parallel_size(void) { return size; }

#define PIECE (1u << 20) /* every rank broadcasts in the same pieces */

/* Broadcasts `n` bytes from `root`. */
static void bcast_bytes(void *data, size_t n, int root)
{
    char *p = data;
    while (n > 0) {
        size_t piece = n > PIECE ? PIECE : n;
        MPI_Bcast(p, (int)piece, MPI_BYTE, root, MPI_COMM_WORLD);
        p += piece;
        n -= piece;
    }
}

/* Takes part in a broadcast of `n` bytes without keeping them. */
static void bcast_discard(size_t n, int root)
{
    static char sink[PIECE];
    while (n > 0) {
        size_t piece = n > PIECE ? PIECE : n;
        MPI_Bcast(sink, (int)piece, MPI_BYTE, root, MPI_COMM_WORLD);
        n -= piece;
    }
}

int es_parallel_share(int status, es_error *err)
{
    if (size == 1)
        return status;
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (status)
        bcast_bytes(err, sizeof *err, 0);
    return status;
}

int es_parallel_exchange(es_experiment *x, int first, int last, int failed_index, es_error *err)
{
    if (size == 1)
        return failed_index >= 0 ? err->status : ES_OK;
    /* the lowest failed index anywhere, and its error from the rank that ran it */
    int mine = failed_index >= 0 ? failed_index : INT_MAX, lowest;
    MPI_Allreduce(&mine, &lowest, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (lowest != INT_MAX) {
        int owner = (lowest - first) % size;
        bcast_bytes(err, sizeof *err, owner);
        return err->status ? err->status : ES_ENOMEM;
    }
    int rc = ES_OK;
    for (int i = first; i < last; i++) {
        int owner = (i - first) % size;
        es_text buf = {0};
        uint64_t status_and_len[2] = {ES_OK, 0};
        if (owner == rank) {
            status_and_len[0] = (uint64_t)es_experiment_pack(x, i, &buf);
            status_and_len[1] = buf.n;
        }
        MPI_Bcast(status_and_len, 2, MPI_UINT64_T, owner, MPI_COMM_WORLD);
        size_t len = (size_t)status_and_len[1];
        if (owner == rank) {
            if (status_and_len[0] == ES_OK)
                bcast_bytes(buf.s, len, owner);
            else if (!rc)
                rc = es_error_set(err, (int)status_and_len[0], NULL, 0,
                                  "cannot send replication %d to the other MPI ranks", i + 1);
            es_text_free(&buf);
            continue;
        }
        if (status_and_len[0] != ES_OK) {
            if (!rc)
                rc = es_error_set(err, (int)status_and_len[0], NULL, 0,
                                  "MPI rank %d could not send replication %d", owner, i + 1);
            continue;
        }
        char *data = rc ? NULL : malloc(len ? len : 1);
        if (!data) {
            if (!rc)
                rc = es_error_set(err, ES_ENOMEM, NULL, 0,
                                  "out of memory receiving replication %d", i + 1);
            bcast_discard(len, owner);
            continue;
        }
        bcast_bytes(data, len, owner);
        size_t used;
        rc = es_replication_unpack(&x->reps[i], data, len, &used, err);
        free(data);
        if (!rc)
            rc = es_experiment_keep(x, i, err);
    }
    /* every rank goes on only if every rank has every replication */
    int worst;
    MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (worst && !rc)
        rc = es_error_set(err, worst, NULL, 0, "another MPI rank failed to receive replications");
    return rc;
}

#else /* without MPI: one rank */

void es_parallel_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
}

void es_parallel_finalize(void) {}
int es_parallel_rank(void) { return 0; }
int es_parallel_built_with_mpi(void) { return 0; }
int es_parallel_size(void) { return 1; }

int es_parallel_share(int status, es_error *err)
{
    (void)err;
    return status;
}

int es_parallel_exchange(es_experiment *x, int first, int last, int failed_index, es_error *err)
{
    (void)x;
    (void)first;
    (void)last;
    return failed_index >= 0 ? err->status : ES_OK;
}

#endif
