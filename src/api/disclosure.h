/* Disclosure control for the two open-data tables (outcomes_by_site.csv, outcomes_by_cd.csv):
 * which counts are printed as "x".
 *
 * Primary suppression hides every count from 1 to outputs.suppress_below - 1.  Complementary
 * suppression then hides more counts until no hidden count can be worked out exactly from the
 * relations a reader of the two tables knows:
 *   - in each row, num_assist = the sum of the six out_exit_* columns
 *                 = the sum of the six out_3_* columns;
 *   - in each replication, fiscal year and catchment (est_region), every column summed over the
 *     sites equals the same column summed over the census divisions (where it does: a client
 *     without a census division breaks it, and then a reader cannot use it either).
 * A hidden count is determined when its unit vector lies in the row space of those equations
 * restricted to the hidden counts (the shown counts move to the right-hand side); the test is
 * Gaussian elimination modulo the prime 2^31 - 1, exact for these 0/±1 systems (a rank found
 * modulo a prime can only be lower than the rational one if the prime divides a minor; the
 * minors here are far smaller).  Complements are chosen smallest count first (zeros last),
 * ties by position, so the same tables always give the same pattern. */
#ifndef ES_API_DISCLOSURE_H
#define ES_API_DISCLOSURE_H

#include <stdint.h>

#include "engine/error.h"
#include "model/params.h"
#include "model/system.h"

/* Columns of a row as the tables print them: num_assist, then the ES_OPEN_DATA_COLUMNS counts. */
#define ES_DISCLOSURE_COLUMNS (1 + ES_OPEN_DATA_COLUMNS)

typedef struct es_disclosure {
    int nfiscal_years, nsites, ncds;
    /* [fiscal year][site or cd][ES_DISCLOSURE_COLUMNS]: 1 where the count is printed as x */
    uint8_t *site_hidden, *cd_hidden;
} es_disclosure;

/* Decides the suppression pattern of one replication's tables (nothing hidden when
 * p->suppress_small_cells is false).  ES_ENOMEM when out of memory. */
int es_disclosure_protect(es_disclosure *d, const es_open_tables *t, const es_params *p,
                          es_error *err);
void es_disclosure_destroy(es_disclosure *d);

static inline size_t es_disclosure_cell(int nunits, int fy, int unit, int column)
{
    return ((size_t)fy * (size_t)nunits + (size_t)unit) * ES_DISCLOSURE_COLUMNS + (size_t)column;
}

#endif
