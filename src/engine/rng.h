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

/* Per-entity random numbers, for common random numbers that survive changes elsewhere.
 *
 * An entity (a client, say) draws from its own substreams, one per purpose, each keyed by
 * (scenario seed, replication, entity key, purpose): whatever another entity does, its numbers
 * do not move.  The generator is counter-based: the n-th number of a substream is a hash of
 * its key and n, so an entity needs no generator state of its own, only a counter per
 * purpose.  One es_rng_entity generator serves every entity of a replication: bind it to the
 * entity's key and counter just before drawing (the GSL distribution functions then work
 * unchanged); each number drawn advances that counter. */
uint64_t es_rng_entity_key(uint64_t scenario_seed, uint32_t replication, uint64_t entity);
/* A generator for es_rng_entity_bind; NULL when out of memory. */
gsl_rng *es_rng_entity_alloc(void);
/* Draws from now on come from the entity's substream for `purpose`, from its number *counter
 * on; *counter must outlive the binding. */
void es_rng_entity_bind(gsl_rng *r, uint64_t key, uint32_t purpose, uint32_t *counter);
/* The n-th 64-bit number of the entity's substream for `purpose` (what the bound generator
 * draws). */
uint64_t es_rng_entity_u64(uint64_t key, uint32_t purpose, uint32_t n);

/* SplitMix64 step, exposed for seeding and hashing elsewhere. */
uint64_t es_splitmix64(uint64_t *state);

#endif
