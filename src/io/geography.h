/* Loading Ontario's geography (census divisions and employment-service catchments) from the
 * two CSV files in model/geography/, with FILE:LINE errors for anything malformed. */
#ifndef ES_IO_GEOGRAPHY_H
#define ES_IO_GEOGRAPHY_H

#include "engine/error.h"
#include "model/geography.h"

/* Fills *g from a census-division CSV and a catchment CSV.
 *
 * Each file starts with a header naming every column exactly once, in any order (names are
 * case-sensitive; no other column is allowed):
 *   census divisions: cd_uid,cd_name,cd_type,er_uid,er_name,population_2021,land_area_km2
 *   catchments:       catchment_id,catchment_name,cd_uids,phase,ies_start,ssm
 * cd_uids lists census-division codes separated by ';'; ies_start is YYYY-MM or blank (then
 * start_year = start_month = 0); ssm may be blank; phase is prototype, phase-1, phase-2 or
 * phase-3.  Codes are positive integers; population_2021 a whole number >= 0;
 * land_area_km2 a plain decimal >= 0.  LF and CRLF line ends, blank lines and a UTF-8 byte
 * order mark are accepted.  A census division may belong to no catchment.
 *
 * Returns ES_OK, or ES_EINVAL (bad data), ES_EIO (cannot open or read) or ES_ENOMEM with
 * err set.  Errors point to the line on which the offending record ends (a quoted field may
 * span lines), or for an unclosed quote to the line where it opens; the file is named as
 * passed.  On failure *g is left empty (no census divisions, no catchments). */
int es_geography_load(es_geography *g, const char *cd_csv, const char *catchment_csv,
                      es_error *err);

#endif
