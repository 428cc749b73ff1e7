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
