/* libFuzzer targets for the geography CSVs, one source built twice (fuzz/CMakeLists.txt):
 * fuzz_census_divisions, whose input is a census-division CSV loaded with the shipped
 * catchments, and fuzz_catchments (FUZZ_CATCHMENTS=1), whose input is a catchment CSV loaded
 * with the shipped census divisions, whose codes it may name. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_check.h"
#include "fuzz_file.h"
#include "io/geography.h"

#define SHIPPED ESSIM_SOURCE_DIR "/model/geography/"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static es_geography geography;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
#if FUZZ_CATCHMENTS
    const char *cds = SHIPPED "census_divisions.csv";
    const char *catchments = es_fuzz_write("catchments.csv", data, size);
#else
    const char *cds = es_fuzz_write("census_divisions.csv", data, size);
    const char *catchments = SHIPPED "catchments.csv";
#endif
    es_error err;
    es_error_clear(&err);
    es_fuzz_check(es_geography_load(&geography, cds, catchments, &err), &err);
    return 0;
}
