/* Doubly linked lists of records kept in an array and named by index, the links inside the
 * records (the open vacancies of a catchment, its clients in job search).  ES_INDEX_NONE ends
 * a list. */
#ifndef ES_ENGINE_INDEX_LIST_H
#define ES_ENGINE_INDEX_LIST_H

#include <stddef.h>
#include <stdint.h>

#define ES_INDEX_NONE UINT32_MAX

/* Where one list lives: the records, and the offsets of the uint32_t links in a record. */
typedef struct es_index_list {
    void *records;
    size_t stride;     /* sizeof a record */
    size_t prev, next; /* offsetof the links */
    uint32_t *head, *tail;
} es_index_list;

void es_index_list_append(es_index_list list, uint32_t i);
void es_index_list_remove(es_index_list list, uint32_t i);

#endif
