/* es_rng: named random-number streams on GSL generators.
 *
 * Each stream's seed is a hash of (scenario seed, replication, stream name), so adding a
 * stream or a replication never shifts another's numbers, and results are the same on every
 * machine, thread and MPI rank.  essim registers xoshiro256+ as a gsl_rng_type, so the GSL
 * distribution functions work unchanged on the fast generator.
 */
#ifndef ES_RNG_H
#define ES_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

extern const gsl_rng_type *es_rng_xoshiro256p;

/* 64-bit seed for a stream: FNV-1a of the name mixed with the seed and replication by
 * SplitMix64 finalisers.  Stable forever: golden tests depend on it. */
uint64_t es_rng_stream_seed(uint64_t scenario_seed, uint32_t replication, const char *stream);

/* Finds a generator type by name: "xoshiro256+" or any GSL name ("taus2", "mt19937", ...).
 * Returns NULL when unknown. */
const gsl_rng_type *es_rng_type_by_name(const char *name);

/* Allocates a generator of `type` seeded for the named stream; NULL when out of memory. */
gsl_rng *es_rng_alloc(const gsl_rng_type *type, uint64_t scenario_seed, uint32_t replication,
                      const char *stream);

/* SplitMix64 step, exposed for seeding and hashing elsewhere. */
uint64_t es_splitmix64(uint64_t *state);

#endif
