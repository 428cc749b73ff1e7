#include "io/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(es_text *t, size_t more)
{
    if (t->failed)
        return -1;
    if (t->n + more + 1 <= t->cap)
        return 0;
    size_t cap = (t->cap + more + 1) * 2;
    char *s = realloc(t->s, cap);
    if (!s) {
        t->failed = 1;
        return -1;
    }
    t->s = s;
    t->cap = cap;
    return 0;
}

void es_text_append(es_text *t, const char *s, size_t len)
{
    if (reserve(t, len))
        return;
    memcpy(t->s + t->n, s, len);
    t->n += len;
    t->s[t->n] = '\0';
}

void es_text_printf(es_text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0 || reserve(t, (size_t)k))
        return;
    va_start(ap, fmt);
    vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
    va_end(ap);
    t->n += (size_t)k;
}

void es_text_html(es_text *t, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': es_text_append(t, "&lt;", 4); break;
        case '>': es_text_append(t, "&gt;", 4); break;
        case '&': es_text_append(t, "&amp;", 5); break;
        case '"': es_text_append(t, "&quot;", 6); break;
        default: es_text_append(t, s, 1);
        }
    }
}

void es_text_free(es_text *t)
{
    free(t->s);
    *t = (es_text){0};
}
