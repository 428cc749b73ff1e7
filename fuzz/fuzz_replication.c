/* libFuzzer target: the input is the data part of a slice file (slice.essim, after its "data"
 * line): packed replications, unpacked one after another as essim merge does.  A slice copied
 * in part or damaged must be refused with ES_EINVAL, never read past its end. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "api/replication_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *bytes = (const char *)data;
    size_t pos = 0;
    while (pos < size) {
        es_replication rep;
        es_error err;
        es_error_clear(&err);
        size_t used = 0;
        int rc = es_replication_unpack(&rep, bytes + pos, size - pos, &used, &err);
        if (rc == ES_EINVAL && err.msg[0])
            break;
        if (rc != ES_OK || used == 0 || used > size - pos) {
            fprintf(stderr, "fuzz: status %d, %zu bytes used of %zu: %s\n", rc, used, size - pos,
                    err.msg);
            abort();
        }
        es_replication_destroy(&rep);
        pos += used;
    }
    return 0;
}
