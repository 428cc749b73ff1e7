/* Replications as bytes: packed on one MPI rank (or into a slice file) and unpacked on
 * another (or by essim merge) into the same replication, bit for bit. */
#ifndef ES_API_REPLICATION_IO_H
#define ES_API_REPLICATION_IO_H

#include <stddef.h>

#include "api/internal.h"
#include "io/text.h"

/* Appends the replication to `buf`.  ES_OK, ES_ENOMEM or ES_EIO (the ledger rows' file). */
int es_replication_pack(const es_replication *rep, es_text *buf);
/* Reads one packed replication from `data` into `rep` (initialised here; destroy it with
 * es_replication_destroy) and sets *used to the bytes read.  ES_EINVAL when the bytes are not
 * a replication packed by this version on a machine of the same byte order. */
int es_replication_unpack(es_replication *rep, const char *data, size_t len, size_t *used,
                          es_error *err);

#endif
