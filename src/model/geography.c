#include "model/geography.h"

#include <string.h>

int es_geography_cd_index(const es_geography *g, int uid)
{
    for (int i = 0; i < g->ncds; i++)
        if (g->cds[i].uid == uid)
            return i;
    return -1;
}

int es_geography_catchment_by_name(const es_geography *g, const char *name)
{
    for (int i = 0; i < g->ncatchments; i++)
        if (strcmp(g->catchments[i].name, name) == 0)
            return i;
    return -1;
}
