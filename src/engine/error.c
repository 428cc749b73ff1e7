#include "engine/error.h"

#include <stdio.h>
#include <string.h>

void es_error_clear(es_error *err)
{
    if (!err)
        return;
    err->status = ES_OK;
    err->line = 0;
    err->file[0] = '\0';
    err->msg[0] = '\0';
}

int es_error_vset(es_error *err, int status, const char *file, int line, const char *fmt,
                  va_list ap)
{
    if (!err)
        return status;
    err->status = status;
    err->line = line;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return status;
}

int es_error_set(es_error *err, int status, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    es_error_vset(err, status, file, line, fmt, ap);
    va_end(ap);
    return status;
}

void es_error_append(es_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    size_t used = strlen(err->msg);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg + used, sizeof err->msg - used, fmt, ap);
    va_end(ap);
}

const char *es_error_format(const es_error *err, char *buf, size_t len)
{
    if (err->file[0] && err->line > 0)
        snprintf(buf, len, "%s:%d: %s", err->file, err->line, err->msg);
    else if (err->file[0])
        snprintf(buf, len, "%s: %s", err->file, err->msg);
    else
        snprintf(buf, len, "%s", err->msg);
    return buf;
}

int es_exit_status(int status)
{
    if (status == ES_OK)
        return 0;
    return status == ES_EINVAL ? 2 : 1;
}
