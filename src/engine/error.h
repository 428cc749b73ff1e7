/* es_error: an error that lives on the caller's handle, with the file and line it points to. */
#ifndef ES_ERROR_H
#define ES_ERROR_H

#include <stdarg.h>
#include <stddef.h>

enum es_status {
    ES_OK = 0,
    ES_EINVAL = 2,  /* bad input: usage, scenario, data — exit status 2 */
    ES_ENOMEM = 3,  /* out of memory — exit status 1 */
    ES_EIO = 4,     /* I/O failure — exit status 1 */
    ES_ENOENT = 5,  /* no such item (a handle that is no longer pending) */
    ES_ESTOPPED = 6, /* stopped by a signal (SIGINT, SIGTERM, SIGHUP) — exit status 1 */
    ES_ERANGE = 7,   /* money beyond what 64-bit cents can hold — exit status 1 */
};

typedef struct es_error {
    int status;
    int line;        /* 0 when the error points to no line */
    char file[512];  /* empty when the error points to no file */
    char msg[1024];
} es_error;

void es_error_clear(es_error *err);
/* Records an error and returns its status, so a caller can write `return es_error_set(...)`. */
int es_error_set(es_error *err, int status, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int es_error_vset(es_error *err, int status, const char *file, int line, const char *fmt,
                  va_list ap);
/* Adds to the message of a recorded error (as much as fits). */
void es_error_append(es_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Formats the error as "FILE:LINE: message" (or "FILE: message", or "message"). */
const char *es_error_format(const es_error *err, char *buf, size_t len);
/* Exit status for a status code: 0 ok, 2 bad input, 1 anything else. */
int es_exit_status(int status);

#endif
