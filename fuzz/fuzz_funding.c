/* libFuzzer target: the input is a funding-model file, loaded against the streams of the
 * prototype scenario (A, B, C) as `essim compare --funding FILE` loads it. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_check.h"
#include "fuzz_file.h"
#include "io/scenario.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static es_scenario scenario;
static es_funding_model model;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    es_error err;
    es_error_clear(&err);
    if (es_scenario_load(&scenario, ESSIM_SOURCE_DIR "/scenarios/prototypes.cfg", &err) != ES_OK) {
        char msg[2048];
        fprintf(stderr, "fuzz_funding: %s\n", es_error_format(&err, msg, sizeof msg));
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = es_fuzz_write("fuzz.cfg", data, size);
    es_error err;
    es_error_clear(&err);
    es_fuzz_check(es_funding_load(&model, path, &scenario.params, &err), &err);
    return 0;
}
