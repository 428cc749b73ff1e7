#include "model/events.h"

#include <string.h>

const char *const es_milestone_names[ES_MS_COUNT] = {
    [ES_MS_INTAKE] = "intake",
    [ES_MS_ASSESSED] = "assessed",
    [ES_MS_PLAN_AGREED] = "plan_agreed",
    [ES_MS_SERVICE_END] = "service_end",
    [ES_MS_TRAINING_COMPLETED] = "training_completed",
    [ES_MS_JOB_START] = "job_start",
    [ES_MS_EMPLOYED_1M] = "employed_1m",
    [ES_MS_EMPLOYED_3M] = "employed_3m",
    [ES_MS_EMPLOYED_6M] = "employed_6m",
    [ES_MS_EMPLOYED_12M] = "employed_12m",
    [ES_MS_INCOME_SUPPORT_EXIT] = "income_support_exit",
    [ES_MS_JOB_LOSS] = "job_loss",
    [ES_MS_RENEGE] = "renege",
    [ES_MS_REASSESSED] = "reassessed",
    [ES_MS_TRANSFER] = "transfer",
    [ES_MS_SUBSIDISED_HIRE] = "subsidised_hire",
    [ES_MS_SUBSIDY_END] = "subsidy_end",
    [ES_MS_REEMPLOYED] = "reemployed",
    [ES_MS_FOLLOW_UP] = "follow_up",
    [ES_MS_INCOME_SUPPORT_RETURN] = "income_support_return",
    [ES_MS_PERIOD] = "period",
};

const char *const es_group_names[ES_NGROUPS] = {
    [ES_GROUP_DISABILITY] = "disability",   [ES_GROUP_FRANCOPHONE] = "francophone",
    [ES_GROUP_INDIGENOUS] = "Indigenous",   [ES_GROUP_YOUTH] = "youth",
    [ES_GROUP_NEWCOMER] = "newcomer",       [ES_GROUP_SOCIAL_ASSISTANCE] = "social assistance",
};

const char *const es_closure_names[ES_NCLOSURES] = {
    "employed", "training", "unemployed", "other", "unknown", "opened_in_error",
};

int es_milestone_by_name(const char *name)
{
    if (strcmp(name, "service_start") == 0) /* an alias: service starts when the plan is agreed */
        return ES_MS_SERVICE_START;
    for (int i = 0; i < ES_MS_COUNT; i++)
        if (strcmp(es_milestone_names[i], name) == 0)
            return i;
    return -1;
}
