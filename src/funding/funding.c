#include "funding/funding.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

const char *const es_component_type_names[3] = {"fixed", "milestone", "outcome"};

int64_t es_money_scale(int64_t cents, double factor)
{
    if (factor == 1.0)
        return cents;
    /* nearbyint rounds half to even in the default rounding mode */
    return (int64_t)nearbyint((double)cents * factor);
}

const char *es_money_format(int64_t cents, char *buf, unsigned len)
{
    const char *sign = cents < 0 ? "-" : "";
    uint64_t abs_cents = cents < 0 ? (uint64_t)(-(cents + 1)) + 1 : (uint64_t)cents;
    snprintf(buf, len, "%s%llu.%02llu", sign, (unsigned long long)(abs_cents / 100),
             (unsigned long long)(abs_cents % 100));
    return buf;
}
