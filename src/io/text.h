/* es_text: a growing text buffer, for plot data blocks and HTML pages. */
#ifndef ES_IO_TEXT_H
#define ES_IO_TEXT_H

#include <stddef.h>

typedef struct es_text {
    char *s;
    size_t n, cap;
    int failed; /* out of memory at some point: the text is incomplete */
} es_text;

void es_text_printf(es_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void es_text_append(es_text *t, const char *s, size_t len);
/* Appends text with HTML's special characters escaped. */
void es_text_html(es_text *t, const char *s);
void es_text_free(es_text *t);

#endif
