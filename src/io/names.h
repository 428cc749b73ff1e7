/* Names in scenario, funding-model and geography files: which characters they may hold,
 * decided once, at load.
 *
 * A name is shown in every output -- CSV cells, plot titles and legends, report.html,
 * manifest.json -- so it must be text that each of them can escape: valid UTF-8 (no overlong
 * forms, no surrogates), no control characters (C0, tab and newline included, DEL, C1),
 * not empty and not only spaces.  Every other character is allowed and printed as written
 * ("Northeast / Nord-Est", "Collège Boréal", "Lennox and Addington's"): the outputs escape
 * what is special to them, never the loader. */
#ifndef ES_IO_NAMES_H
#define ES_IO_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include <libconfig.h>

#include "engine/error.h"

/* NULL when the `len` bytes at `name` may be a name, else why not ("is empty", "holds a
 * control character (U+000A)", "is not valid UTF-8 (byte 3)").  `why` has room for the
 * reason. */
const char *es_name_fault(const char *name, size_t len, char *why, size_t whylen);

/* ES_OK, or ES_EINVAL "WHAT NAME REASON" at FILE:LINE (line 0: no line). */
int es_name_check(const char *name, const char *what, const char *file, int line,
                  es_error *err);

/* The same for a name read from `setting` of a libconfig file: the error points at the
 * setting's file and line (`file`: the file being loaded, as for es_schema_error). */
int es_name_check_at(const config_setting_t *setting, const char *name, const char *what,
                     const char *file, es_error *err);

/* The name as it can be shown in a message: printable ASCII and valid UTF-8 as written,
 * anything else as \xNN, cut (with "...") to fit `len`. */
const char *es_name_shown(const char *name, char *buf, size_t len);

/* A label the outputs use for a group of their own ("all", "social assistance", "EO",
 * "online", "employed", "province", "holdback_release" ...): a stream or catchment called so
 * would be mistaken for it in summary.csv, where they are groups by their bare names. */
bool es_name_reserved(const char *name);

/* The code point of the valid UTF-8 sequence at s (at most `len` bytes), its length in *n;
 * -1 (and *n = 1) for an invalid byte. */
long es_utf8_decode(const unsigned char *s, size_t len, int *n);

#endif
