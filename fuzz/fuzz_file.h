/* Fuzz targets hand the loaders a file, since the loaders read files: each process gets its
 * own scratch folder (mkdtemp), and each input is written to a file in it. */
#ifndef ES_FUZZ_FILE_H
#define ES_FUZZ_FILE_H

#include <stddef.h>
#include <stdint.h>

/* The process's scratch folder, made on first use and removed (with what the fuzz targets
 * put in it) at exit.  Aborts when it cannot be made: a harness failure, not a finding. */
const char *es_fuzz_dir(void);

/* Makes the folder DIR/rel (and its parents) inside the scratch folder. */
void es_fuzz_mkdir(const char *rel);

/* Makes DIR/rel a symbolic link to `target`, so relative paths in the seeds resolve. */
void es_fuzz_link(const char *rel, const char *target);

/* Writes the input to DIR/rel (replacing it); returns the file's full path, valid until the
 * next call.  Aborts on a write error. */
const char *es_fuzz_write(const char *rel, const uint8_t *data, size_t size);

#endif
