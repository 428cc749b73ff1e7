/* Client attributes: drawn from the scenario's mix, and the true need score they imply. */
#ifndef ES_MODEL_CLIENT_H
#define ES_MODEL_CLIENT_H

#include <gsl/gsl_rng.h>

#include "model/params.h"

extern const char *const es_source_names[ES_NSOURCES];
extern const char *const es_age_names[ES_NAGES];
extern const char *const es_education_names[ES_NEDU];
extern const char *const es_out_of_work_names[ES_NOOW];
extern const char *const es_channel_names[ES_NCHANNELS];

typedef struct es_attributes {
    int source, age, education, out_of_work, channel;
    bool disability, language_barrier, rural;
    bool francophone, indigenous, newcomer;
} es_attributes;

/* Draws a client's attributes (channel included). `rural` comes from the census division. */
void es_attributes_draw(const es_params *p, gsl_rng *r, bool rural, es_attributes *a);
/* The priority groups a client belongs to beyond those its attributes already say (francophone,
 * Indigenous, newcomer), drawn from `r`, its own stream of numbers, so that drawing them moves
 * no other draw. */
void es_groups_draw(const es_params *p, gsl_rng *r, es_attributes *a);
/* The ES_GROUP_* bits of a client's attributes. */
unsigned es_groups_of(const es_attributes *a);
/* True need: weighted attributes plus residual noise drawn from `r`. */
double es_need_score(const es_params *p, const es_attributes *a, gsl_rng *r);
/* Whether a census division is rural under the scenario's density threshold. */
bool es_cd_is_rural(const es_params *p, const es_census_division *cd);

#endif
