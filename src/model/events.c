#include "model/events.h"

#include <string.h>

const char *const es_milestone_names[ES_MS_COUNT] = {
    [ES_MS_INTAKE] = "intake",
    [ES_MS_ASSESSED] = "assessed",
    [ES_MS_SERVICE_START] = "service_start",
    [ES_MS_SERVICE_END] = "service_end",
    [ES_MS_JOB_START] = "job_start",
    [ES_MS_EMPLOYED_3M] = "employed_3m",
    [ES_MS_JOB_LOSS] = "job_loss",
    [ES_MS_RENEGE] = "renege",
};

int es_milestone_by_name(const char *name)
{
    for (int i = 0; i < ES_MS_COUNT; i++)
        if (strcmp(es_milestone_names[i], name) == 0)
            return i;
    return -1;
}
