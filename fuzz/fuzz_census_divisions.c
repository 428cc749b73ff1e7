/* libFuzzer target: the input is a census-division CSV, loaded with the shipped catchments
 * (model/geography/catchments.csv). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_check.h"
#include "fuzz_file.h"
#include "io/geography.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static es_geography geography;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = es_fuzz_write("census_divisions.csv", data, size);
    es_error err;
    es_error_clear(&err);
    es_fuzz_check(es_geography_load(&geography, path,
                                    ESSIM_SOURCE_DIR "/model/geography/catchments.csv", &err),
                  &err);
    return 0;
}
