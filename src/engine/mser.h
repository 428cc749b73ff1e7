/* MSER: the truncation point of a simulation output series that minimises the marginal
 * standard error of the mean of what is kept (White 1997; White, Cobb & Spratt 2000).  With
 * batches of 5 observations it is MSER-5, the usual way to choose a warm-up. */
#ifndef ES_ENGINE_MSER_H
#define ES_ENGINE_MSER_H

#include <stddef.h>

#define ES_MSER_BATCH 5

/* The truncation of x[0..n-1], in observations (a multiple of `batch`): the d that minimises
 * sum_{j>d} (Z_j - mean_{j>d} Z)^2 / (k - d)^2 over the batch means Z_1..Z_k (k = n / batch,
 * the last partial batch left out), d searched over the first half of the batches only, as
 * the method asks (a minimum further on comes from too few batches to trust).  *at_limit is
 * set when the minimum is the last d searched: the series has not settled within its first
 * half, and the truncation is not to be trusted.  n < 2 * batch: 0. */
size_t es_mser_truncation(const double *x, size_t n, size_t batch, int *at_limit);

#endif
