#include "engine/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/error.h"

int es_resize(void *array_ptr, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return ES_ENOMEM;
    void *old;
    memcpy(&old, array_ptr, sizeof old); /* an object pointer, whatever its type */
    void *grown = realloc(old, count * size);
    if (!grown)
        return ES_ENOMEM;
    memcpy(array_ptr, &grown, sizeof grown);
    return ES_OK;
}

int es_grow_pool(void *records_ptr, size_t record_size, uint32_t **free_list, size_t *cap)
{
    size_t grown = *cap ? 2 * *cap : 16;
    if (es_resize(records_ptr, grown, record_size) || es_resize(free_list, grown, sizeof **free_list))
        return ES_ENOMEM;
    *cap = grown;
    return ES_OK;
}

static void set_pointer(void *ptr, void *value) { memcpy(ptr, &value, sizeof value); }

void es_free_pair(void *first_ptr, void *second_ptr)
{
    void *first, *second;
    memcpy(&first, first_ptr, sizeof first);
    memcpy(&second, second_ptr, sizeof second);
    free(first);
    free(second);
    set_pointer(first_ptr, NULL);
    set_pointer(second_ptr, NULL);
}

int es_calloc_pair(void *first_ptr, void *second_ptr, size_t count, size_t size)
{
    set_pointer(first_ptr, calloc(count, size));
    set_pointer(second_ptr, calloc(count, size));
    void *first, *second;
    memcpy(&first, first_ptr, sizeof first);
    memcpy(&second, second_ptr, sizeof second);
    if (first && second)
        return ES_OK;
    es_free_pair(first_ptr, second_ptr);
    return ES_ENOMEM;
}

void es_free_all(void *const *blocks, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(blocks[i]);
}
