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

#endif
