/* What every fuzz target asks of a loader beyond not crashing: bad input is refused with
 * status ES_EINVAL (exit status 2) and a message naming the file.  (ES_EIO, exit 1, is for a
 * file that cannot be read, which a fuzzed input should never lead to.) */
#ifndef ES_FUZZ_CHECK_H
#define ES_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#include "engine/error.h"

static inline void es_fuzz_check(int rc, const es_error *err)
{
    if (rc == ES_OK)
        return;
    char msg[2048];
    if (rc == ES_EINVAL && err->file[0] && err->msg[0])
        return;
    fprintf(stderr, "fuzz: status %d with error \"%s\"\n", rc, es_error_format(err, msg, sizeof msg));
    abort();
}

#endif
