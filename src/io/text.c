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
        case '\'': es_text_append(t, "&#39;", 5); break;
        default: es_text_append(t, s, 1);
        }
    }
}

void es_text_free(es_text *t)
{
    free(t->s);
    *t = (es_text){0};
}

void es_strings_printf(es_strings *l, const char *fmt, ...)
{
    if (l->failed)
        return;
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 8;
        char **v = realloc(l->v, (size_t)cap * sizeof *v);
        if (!v) {
            l->failed = 1;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = k >= 0 ? malloc((size_t)k + 1) : NULL;
    if (!s) {
        l->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(s, (size_t)k + 1, fmt, ap);
    va_end(ap);
    l->v[l->n++] = s;
}

const char *const *es_strings_array(const es_strings *l)
{
    return l->failed || l->n == 0 ? NULL : (const char *const *)l->v;
}

void es_strings_free(es_strings *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    *l = (es_strings){0};
}

/* Levenshtein distance; 64 for strings over 63 bytes (too long to be a typo of each other). */
size_t es_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 64;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}
