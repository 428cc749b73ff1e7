#include "funding/funding.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

const char *const es_component_type_names[ES_NCOMPONENT_TYPES] = {
    "fixed", "milestone", "outcome", "flow_through", "block", "performance",
};

const char *const es_kpi_names[ES_NKPIS] = {
    "employment_rate_at_exit", "funded_3m_rate", "priority_group_share",
};

const char *const es_party_names[ES_NPARTIES] = {
    "province", "ssm", "provider", "employer", "client",
};

int64_t es_money_scale(int64_t cents, double factor)
{
    if (factor == 1.0)
        return cents;
    /* nearbyint rounds half to even in the default rounding mode */
    return (int64_t)nearbyint((double)cents * factor);
}

bool es_money_scale_checked(int64_t cents, double factor, int64_t *out)
{
    if (factor == 1.0) { /* as es_money_scale, exactly */
        if (cents > ES_MONEY_MAX_CENTS || cents < -ES_MONEY_MAX_CENTS)
            return false;
        *out = cents;
        return true;
    }
    double v = nearbyint((double)cents * factor);
    if (!(fabs(v) <= (double)ES_MONEY_MAX_CENTS)) /* NaN too */
        return false;
    *out = (int64_t)v;
    return true;
}

const char *es_money_format(int64_t cents, char *buf, unsigned len)
{
    const char *sign = cents < 0 ? "-" : "";
    uint64_t abs_cents = cents < 0 ? (uint64_t)(-(cents + 1)) + 1 : (uint64_t)cents;
    snprintf(buf, len, "%s%llu.%02llu", sign, (unsigned long long)(abs_cents / 100),
             (unsigned long long)(abs_cents % 100));
    return buf;
}

es_party es_funding_top_payer(const es_funding_model *f)
{
    for (int i = 0; i < f->ncomponents; i++)
        if (f->components[i].payer == ES_PARTY_PROVINCE)
            return ES_PARTY_PROVINCE;
    return ES_PARTY_SSM;
}
