/* Ontario's geography as the model sees it: census divisions (with 2021 population, land
 * area and economic region) and the employment-service catchments built from them. */
#ifndef ES_MODEL_GEOGRAPHY_H
#define ES_MODEL_GEOGRAPHY_H

#include <stdint.h>

#define ES_MAX_CDS 64
#define ES_MAX_CDS_PER_CATCHMENT 16
#define ES_GEO_NAME_MAX 96
#define ES_MAX_GEO_CATCHMENTS 32

typedef struct es_census_division {
    int uid;                   /* Statistics Canada CD code, e.g. 3525 */
    char name[ES_GEO_NAME_MAX];
    char type[8];              /* CDR, RM, UC, DIS, ... */
    int er_uid;                /* economic region code */
    char er_name[ES_GEO_NAME_MAX];
    int64_t population;        /* 2021 census */
    double land_area_km2;
} es_census_division;

typedef struct es_geo_catchment {
    int id;                    /* 1..15 in the shipped file (not an official code) */
    char name[ES_GEO_NAME_MAX];
    int ncds;
    int cd_index[ES_MAX_CDS_PER_CATCHMENT]; /* indexes into es_geography.cds */
    char phase[16];            /* prototype, phase-1, phase-2, phase-3 */
    int start_year, start_month; /* 0 when the file leaves the start blank */
    char ssm[ES_GEO_NAME_MAX];   /* empty when not announced */
} es_geo_catchment;

typedef struct es_geography {
    int ncds;
    es_census_division cds[ES_MAX_CDS];
    int ncatchments;
    es_geo_catchment catchments[ES_MAX_GEO_CATCHMENTS];
} es_geography;

/* Index of a census division by its code, or -1. */
int es_geography_cd_index(const es_geography *g, int uid);
/* Index of a catchment by its exact name, or -1. */
int es_geography_catchment_by_name(const es_geography *g, const char *name);

#endif
