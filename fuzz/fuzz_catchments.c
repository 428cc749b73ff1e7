/* libFuzzer target: the input is a catchment CSV, loaded with the shipped census divisions
 * (model/geography/census_divisions.csv), whose codes it may name. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_check.h"
#include "fuzz_file.h"
#include "io/geography.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static es_geography geography;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = es_fuzz_write("catchments.csv", data, size);
    es_error err;
    es_error_clear(&err);
    es_fuzz_check(es_geography_load(&geography,
                                    ESSIM_SOURCE_DIR "/model/geography/census_divisions.csv",
                                    path, &err),
                  &err);
    return 0;
}
