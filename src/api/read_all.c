/* Reading a whole file into memory, for the report's embedded plots and the slices. */
#include "api/internal.h"

int es_read_all(FILE *f, es_text *t)
{
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        es_text_append(t, chunk, n);
    int read_failed = ferror(f);
    fclose(f);
    return read_failed ? ES_EIO : t->failed ? ES_ENOMEM : ES_OK;
}
