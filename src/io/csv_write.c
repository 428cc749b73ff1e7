#include "io/csv.h"

#include <errno.h>
#include <math.h>
#include <string.h>

int es_csv_open(es_csv_writer *w, const char *path, es_error *err)
{
    size_t len = strlen(path);
    if (len >= sizeof w->path) /* its name is kept for the messages of later writes */
        return es_error_set(err, ES_EIO, NULL, 0, "cannot write %.200s...: the path is too long",
                            path);
    memcpy(w->path, path, len + 1);
    w->col = 0;
    w->f = fopen(path, "w");
    if (!w->f)
        return es_error_set(err, ES_EIO, path, 0, "cannot write: %s", strerror(errno));
    return ES_OK;
}

static void separator(es_csv_writer *w)
{
    if (w->col++ > 0)
        fputc(',', w->f);
}

void es_csv_text(es_csv_writer *w, const char *text)
{
    separator(w);
    int formula = text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
                  text[0] == '\t' || text[0] == '\r';
    int quote = formula || strpbrk(text, ",\"\r\n") != NULL;
    if (!quote) {
        fputs(text, w->f);
        return;
    }
    fputc('"', w->f);
    if (formula)
        fputc('\'', w->f);
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            fputc('"', w->f);
        fputc(*p, w->f);
    }
    fputc('"', w->f);
}

const char *es_format_number(double value, char *buf, size_t len)
{
    if (isnan(value))
        snprintf(buf, len, "NA");
    else if (value == nearbyint(value) && fabs(value) < 9007199254740992.0)
        snprintf(buf, len, "%.0f", value == 0.0 ? 0.0 : value);
    else
        snprintf(buf, len, "%.10g", value);
    return buf;
}

void es_csv_num(es_csv_writer *w, double value)
{
    char buf[64];
    separator(w);
    fputs(es_format_number(value, buf, sizeof buf), w->f);
}

void es_csv_int(es_csv_writer *w, int64_t value)
{
    separator(w);
    fprintf(w->f, "%lld", (long long)value);
}

void es_csv_end_row(es_csv_writer *w)
{
    fputc('\n', w->f);
    w->col = 0;
}

void es_csv_header(es_csv_writer *w, const char *columns)
{
    fputs(columns, w->f);
    es_csv_end_row(w);
}

int es_csv_close(es_csv_writer *w, es_error *err)
{
    if (!w->f)
        return ES_OK;
    /* fflush first: writing what is still buffered fails again, with the reason (a full disk
     * gives ENOSPC), which the errno left by fclose or by the first failed write may not be */
    errno = 0;
    int bad = fflush(w->f) != 0;
    int e = errno;
    bad |= ferror(w->f);
    if (fclose(w->f) != 0) {
        bad = 1;
        if (!e)
            e = errno;
    }
    w->f = NULL;
    if (bad)
        return es_error_set(err, e == ENOMEM ? ES_ENOMEM : ES_EIO, w->path, 0, "write failed: %s",
                            e ? strerror(e) : "the system gave no reason");
    return ES_OK;
}

int es_csv_write_table(const char *dir, const char *name, const char *columns, es_csv_rows rows,
                       const void *ctx, es_error *err)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return es_error_set(err, ES_EIO, dir, 0, "path too long for %s", name);
    es_csv_writer w;
    int rc = es_csv_open(&w, path, err);
    if (rc)
        return rc;
    es_csv_header(&w, columns);
    rc = rows(&w, ctx, err);
    int closed = es_csv_close(&w, rc ? NULL : err);
    return rc ? rc : closed;
}
