/* libFuzzer target: the input is a scenario file, loaded as `essim check` loads it (its
 * @includes, geography CSVs and funding models too).
 *
 * The input is written to SCRATCH/tests/bad/fuzz.cfg, beside links that make the relative
 * paths of the seeds resolve: "../model/..." (scenarios/), "../../model/...", "../bad_csv/..."
 * and "funding/..." (tests/bad/). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_check.h"
#include "fuzz_file.h"
#include "io/scenario.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static es_scenario scenario; /* about 1 MB: not on the stack */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    es_fuzz_mkdir("tests/bad");
    es_fuzz_link("model", ESSIM_SOURCE_DIR "/model");
    es_fuzz_link("tests/model", ESSIM_SOURCE_DIR "/model");
    es_fuzz_link("tests/bad_csv", ESSIM_SOURCE_DIR "/tests/bad_csv");
    es_fuzz_link("tests/bad/funding", ESSIM_SOURCE_DIR "/tests/bad/funding");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = es_fuzz_write("tests/bad/fuzz.cfg", data, size);
    es_error err;
    es_error_clear(&err);
    es_fuzz_check(es_scenario_load(&scenario, path, &err), &err);
    return 0;
}
