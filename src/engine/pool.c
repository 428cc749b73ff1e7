#include "engine/pool.h"

#include "engine/error.h"

int es_pool_init(es_pool *pool, int capacity, double now)
{
    *pool = (es_pool){.capacity = capacity};
    es_timeavg_reset(&pool->busy_avg, now);
    es_timeavg_reset(&pool->queue_avg, now);
    return es_pq_init(&pool->waiting, 64);
}

void es_pool_destroy(es_pool *pool)
{
    es_pq_destroy(&pool->waiting);
}

void es_pool_reset_stats(es_pool *pool, double now)
{
    es_timeavg_reset(&pool->busy_avg, now);
    es_timeavg_reset(&pool->queue_avg, now);
}

int es_pool_acquire(es_pool *pool, double now, uint64_t entity, int priority, es_handle *ticket)
{
    if (pool->busy < pool->capacity && es_pq_size(&pool->waiting) == 0) {
        pool->busy++;
        es_timeavg_set(&pool->busy_avg, now, pool->busy);
        return 1;
    }
    if (es_pq_push(&pool->waiting, -(double)priority, 0, entity, ticket) != ES_OK)
        return -ES_ENOMEM;
    es_timeavg_set(&pool->queue_avg, now, (double)es_pq_size(&pool->waiting));
    return 0;
}

bool es_pool_release(es_pool *pool, double now, uint64_t *next_entity)
{
    if (pool->busy <= pool->capacity && es_pq_size(&pool->waiting) > 0) {
        es_pq_item it;
        es_pq_pop(&pool->waiting, &it);
        es_timeavg_set(&pool->queue_avg, now, (double)es_pq_size(&pool->waiting));
        *next_entity = it.data;
        return true;
    }
    pool->busy--;
    es_timeavg_set(&pool->busy_avg, now, pool->busy);
    return false;
}

int es_pool_renege(es_pool *pool, double now, es_handle ticket)
{
    if (es_pq_remove(&pool->waiting, ticket, NULL) != ES_OK)
        return ES_ENOENT;
    es_timeavg_set(&pool->queue_avg, now, (double)es_pq_size(&pool->waiting));
    return ES_OK;
}

int es_pool_set_capacity(es_pool *pool, double now, int capacity, uint64_t *started,
                         int max_started)
{
    pool->capacity = capacity;
    int n = 0;
    while (pool->busy < pool->capacity && es_pq_size(&pool->waiting) > 0 && n < max_started) {
        es_pq_item it;
        es_pq_pop(&pool->waiting, &it);
        started[n++] = it.data;
        pool->busy++;
    }
    es_timeavg_set(&pool->busy_avg, now, pool->busy);
    es_timeavg_set(&pool->queue_avg, now, (double)es_pq_size(&pool->waiting));
    return n;
}
