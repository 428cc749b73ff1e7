/* Replications spread over MPI ranks.  essim started by mpirun (OpenMPI) gives each rank a
 * share of every batch of replications; the ranks then exchange what they ran, so every rank
 * holds every replication, in order, bit for bit as a serial run would have made them.  Only
 * rank 0 writes outputs.  Without MPI (built without it, or not started by mpirun) there is
 * one rank and nothing is exchanged. */
#ifndef ES_API_PARALLEL_H
#define ES_API_PARALLEL_H

#include "api/internal.h"

/* Called first and last by the program (MPI_Init / MPI_Finalize when started by mpirun). */
void es_parallel_init(int *argc, char ***argv);
void es_parallel_finalize(void);
int es_parallel_rank(void);
int es_parallel_built_with_mpi(void);
int es_parallel_size(void);

/* Gives every rank rank 0's status and error, for a check only rank 0 makes (such as the
 * output folder's), so that all ranks go on or stop together; returns that status. */
int es_parallel_share(int status, es_error *err);

/* After each rank ran its share of replications [first, last) of x (index i belongs to rank
 * (i - first) % size), gives every rank every replication.  `failed_index` is this rank's
 * lowest failed index (or -1) with its error in *err; on return every rank has the error of
 * the lowest failed index overall, and the status, or ES_OK with all replications. */
int es_parallel_exchange(es_experiment *x, int first, int last, int failed_index, es_error *err);

#endif
