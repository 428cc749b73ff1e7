/* CSV writing (RFC 4180 quoting; text cells that a spreadsheet would read as a formula are
 * prefixed with an apostrophe) and reading through libcsv with file:line errors. */
#ifndef ES_IO_CSV_H
#define ES_IO_CSV_H

#include <stdint.h>
#include <stdio.h>

#include "engine/error.h"

typedef struct es_csv_writer {
    FILE *f;
    int col;
    char path[1024];
} es_csv_writer;

int es_csv_open(es_csv_writer *w, const char *path, es_error *err);

/* One table of an output folder: DIR/NAME, its header row, then what `rows` writes from ctx;
 * the file is closed whatever happens.  The first error wins: that of `rows`, else ES_EIO
 * with the path when anything failed to write.  Every CSV essim writes goes through it. */
typedef int (*es_csv_rows)(es_csv_writer *w, const void *ctx, es_error *err);
int es_csv_write_table(const char *dir, const char *name, const char *columns, es_csv_rows rows,
                       const void *ctx, es_error *err);
void es_csv_text(es_csv_writer *w, const char *text);
void es_csv_num(es_csv_writer *w, double value); /* shortest faithful form, integers plain */
void es_csv_int(es_csv_writer *w, int64_t value);
void es_csv_end_row(es_csv_writer *w);
/* Writes a header row from a comma-separated list of column names. */
void es_csv_header(es_csv_writer *w, const char *columns);
/* Flushes and closes; ES_EIO with the path when anything failed to write. */
int es_csv_close(es_csv_writer *w, es_error *err);

/* Formats a number the way CSVs show it: integers without decimals, others with up to ten
 * significant digits.  Identical input gives identical text on every machine. */
const char *es_format_number(double value, char *buf, size_t len);

#endif
