/* Opening a file essim reads: a regular file only, never a folder, a pipe, a socket or a
 * device (a FIFO would block the open or the read for ever, /dev/zero would never end), and
 * never larger than a cap, so that no input can hang essim or grow its memory without bound. */
#ifndef ES_INPUT_FILE_H
#define ES_INPUT_FILE_H

#include <stdint.h>
#include <stdio.h>

#define ES_MIB (1024LL * 1024LL)
#define ES_CONFIG_MAX_BYTES (16 * ES_MIB) /* a scenario or funding file and its @includes */
#define ES_CSV_MAX_BYTES (64 * ES_MIB)    /* a geography CSV */
#define ES_SLICE_MAX_BYTES (16384 * ES_MIB) /* a slice.essim (it holds ledger rows) */

typedef enum es_input_problem {
    ES_INPUT_OK,
    ES_INPUT_ERRNO,   /* open or stat failed: see *errnum (ENOMEM among them) */
    ES_INPUT_FOLDER,  /* a folder */
    ES_INPUT_SPECIAL, /* a FIFO, socket or device */
    ES_INPUT_TOO_BIG, /* larger than max_bytes */
} es_input_problem;

/* Opens `path` for reading ("rb") if it is a regular file of at most max_bytes: it is
 * stat()ed first (a device is never opened), then opened without blocking (a FIFO swapped in
 * meanwhile cannot hang the open) and fstat()ed, so the checks hold for the file read.  On
 * success *out is the stream and *size its length (may be NULL). */
es_input_problem es_input_open(const char *path, int64_t max_bytes, FILE **out, int64_t *size,
                               int *errnum);

/* The entry of path's folder whose name is nearest path's (a typo: within a third of the
 * name's length, plus 2 edits), as path's folder + that name, into out; 0 when none is near
 * or the folder cannot be read. */
int es_input_nearest(const char *path, char *out, size_t len);

/* What is wrong, for a message: "is a folder, not a file", "is larger than 16 MiB", strerror. */
const char *es_input_why(es_input_problem problem, int errnum, int64_t max_bytes, char *buf,
                         size_t len);

#endif
