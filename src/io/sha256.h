/* SHA-256 (FIPS 180-4), for the manifest's fingerprints of inputs and outputs. */
#ifndef ES_SHA256_H
#define ES_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct es_sha256 {
    uint32_t h[8];
    uint64_t length; /* bytes hashed so far */
    unsigned char block[64];
    size_t used;
} es_sha256;

void es_sha256_init(es_sha256 *s);
void es_sha256_update(es_sha256 *s, const void *data, size_t len);
/* Writes the digest as 64 lowercase hex digits and a NUL into hex[65]. */
void es_sha256_hex(es_sha256 *s, char hex[65]);
/* Hashes a whole file; returns 0, or -1 when it cannot be read. */
int es_sha256_file(const char *path, char hex[65]);

#endif
