/* es_text: a growing text buffer, for plot data blocks and HTML pages; es_strings: a list. */
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

/* es_strings: a growing list of strings (plot keys and tic labels). */
typedef struct es_strings {
    char **v;
    int n, cap;
    int failed; /* out of memory at some point: the list is incomplete */
} es_strings;

void es_strings_printf(es_strings *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The list as an array for es_plot: NULL when it is empty or incomplete. */
const char *const *es_strings_array(const es_strings *l);
void es_strings_free(es_strings *l);

/* Edits (insert, delete, replace a byte) from a to b; 64 when either is over 63 bytes.  For
 * "did you mean" suggestions. */
size_t es_edit_distance(const char *a, const char *b);

#endif
