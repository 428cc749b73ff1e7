/* es_pool: a pool of identical servers (staff, caseload places) with a waiting queue.
 *
 * Entities are opaque 64-bit ids.  The queue is served by priority (higher first), then in
 * arrival order; an entity waiting with a ticket can leave (renege) before service.  The pool
 * keeps time-weighted averages of busy servers and queue length.
 */
#ifndef ES_POOL_H
#define ES_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/pq.h"
#include "engine/stats.h"

typedef struct es_pool {
    int capacity;
    int busy;
    es_pq waiting;
    es_timeavg busy_avg;
    es_timeavg queue_avg;
} es_pool;

int es_pool_init(es_pool *pool, int capacity, double now);
void es_pool_destroy(es_pool *pool);
void es_pool_reset_stats(es_pool *pool, double now);

/* Asks for a server.  Returns 1 when the entity is served at once, 0 when it waits (its
 * ticket written through `ticket`, may be NULL), or a negative ES_ENOMEM. */
int es_pool_acquire(es_pool *pool, double now, uint64_t entity, int priority, es_handle *ticket);
/* Frees a server.  Returns true and the next entity when a waiting one takes the server. */
bool es_pool_release(es_pool *pool, double now, uint64_t *next_entity);
/* Removes a waiting entity (reneging); ES_ENOENT when the ticket is no longer waiting. */
int es_pool_renege(es_pool *pool, double now, es_handle ticket);
/* Changes the number of servers; extra waiting entities start at once (written to `started`,
 * up to `max_started`); returns how many started. */
int es_pool_set_capacity(es_pool *pool, double now, int capacity, uint64_t *started,
                         int max_started);

static inline size_t es_pool_queue_length(const es_pool *pool) { return es_pq_size(&pool->waiting); }

#endif
