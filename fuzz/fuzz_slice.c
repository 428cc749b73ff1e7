/* libFuzzer target: the input is a slice file (slice.essim) as `essim merge` reads it, header
 * and checksum first.  So that mutations get past the checksum to the header and the packed
 * replications, an input that does not start with "essim slice" is taken as the part after
 * the checksum line, and the harness writes the format line and the checksum of the input
 * before it; "@SEED@" in it stands for the absolute path of fuzz/replication-seed.cfg (the
 * scenario merge loads again).  A damaged, truncated or forged slice must be refused with
 * ES_EINVAL and a message naming the file, never read past its end. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/internal.h"
#include "fuzz_file.h"
#include "io/sha256.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEED_MARK "@SEED@"
#define SEED_PATH ESSIM_SOURCE_DIR "/fuzz/replication-seed.cfg"

static es_experiment experiment; /* large: not on the stack */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    es_fuzz_mkdir("slice");
    return 0;
}

/* The input with its first SEED_MARK replaced by SEED_PATH, behind a format line and the
 * checksum of what follows it. */
static uint8_t *with_checksum(const uint8_t *data, size_t size, size_t *len)
{
    size_t mark = strlen(SEED_MARK), path = strlen(SEED_PATH), at = size;
    for (size_t i = 0; i + mark <= size; i++)
        if (memcmp(data + i, SEED_MARK, mark) == 0) {
            at = i;
            break;
        }
    size_t body = at < size ? size - mark + path : size;
    const char *head = "essim slice 2\nchecksum\t";
    size_t hlen = strlen(head) + 64 + 1;
    uint8_t *out = malloc(hlen + body + 1);
    if (!out)
        abort();
    uint8_t *b = out + hlen;
    if (at < size) {
        memcpy(b, data, at);
        memcpy(b + at, SEED_PATH, path);
        memcpy(b + at + path, data + at + mark, size - at - mark);
    } else {
        memcpy(b, data, size);
    }
    es_sha256 sum;
    es_sha256_init(&sum);
    es_sha256_update(&sum, b, body);
    char hex[65];
    es_sha256_hex(&sum, hex);
    memcpy(out, head, strlen(head));
    memcpy(out + strlen(head), hex, 64);
    out[hlen - 1] = '\n';
    *len = hlen + body;
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *magic = "essim slice";
    bool raw = size >= strlen(magic) && memcmp(data, magic, strlen(magic)) == 0;
    size_t len = size;
    uint8_t *file = raw ? NULL : with_checksum(data, size, &len);
    es_fuzz_write("slice/slice.essim", raw ? data : file, len);
    free(file);
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/slice", es_fuzz_dir());
    const char *dirs[1] = {dir};
    es_error err;
    es_error_clear(&err);
    int rc = es_merge_load(&experiment, dirs, 1, "fuzz", &err);
    es_experiment_destroy(&experiment);
    /* some refusals name no one file ("replications 1 to 2 are in no slice") */
    if (rc != ES_OK && !(rc == ES_EINVAL && err.msg[0])) {
        char msg[2048];
        fprintf(stderr, "fuzz: status %d with error \"%s\"\n", rc,
                es_error_format(&err, msg, sizeof msg));
        abort();
    }
    return 0;
}
