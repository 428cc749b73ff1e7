/* Growing arrays: one call per array, so code that grows several side by side reads as a list
 * of what it grows. */
#ifndef ES_ENGINE_ALLOC_H
#define ES_ENGINE_ALLOC_H

#include <stddef.h>
#include <stdint.h>

/* Resizes the array *array_ptr (any object pointer, passed by address) to count elements of
 * size bytes.  ES_ENOMEM, with the array as it was, when memory is short or count * size
 * overflows; ES_OK otherwise. */
int es_resize(void *array_ptr, size_t count, size_t size);

/* Doubles *cap of a pool of records reused through a free list (clients, vacancies): the
 * records (record_size bytes each, passed by address) and the free list of their indices grow
 * together.  ES_ENOMEM, with *cap as it was, when memory is short. */
int es_grow_pool(void *records_ptr, size_t record_size, uint32_t **free_list, size_t *cap);

/* Two zeroed arrays of count elements of size bytes each, side by side in meaning (a ledger's
 * amounts and counts, a provider's revenue and costs), passed by address: both or neither —
 * ES_ENOMEM with both NULL.  es_free_pair frees both and sets them to NULL. */
int es_calloc_pair(void *first_ptr, void *second_ptr, size_t count, size_t size);
void es_free_pair(void *first_ptr, void *second_ptr);

/* Frees every block of a list: what a destroy function owns, said once.
 * ES_FREE_ALL(a->x, a->y, ...) frees each (NULL is fine); the caller then resets the struct. */
void es_free_all(void *const *blocks, size_t n);
#define ES_FREE_ALL(...)                                                                       \
    es_free_all((void *const[]){__VA_ARGS__},                                                  \
                sizeof((void *const[]){__VA_ARGS__}) / sizeof(void *))

#endif
