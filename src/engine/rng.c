#include "engine/rng.h"

#include <string.h>

uint64_t es_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t es_rng_stream_seed(uint64_t scenario_seed, uint32_t replication, const char *stream)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a 64 */
    for (const unsigned char *p = (const unsigned char *)stream; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    uint64_t s = scenario_seed;
    uint64_t a = es_splitmix64(&s);
    s = a ^ ((uint64_t)replication * 0xd1342543de82ef95ULL);
    uint64_t b = es_splitmix64(&s);
    s = b ^ h;
    return es_splitmix64(&s);
}

/* xoshiro256+ (Blackman and Vigna, 2018): 53-bit doubles from the high bits. */
typedef struct xoshiro_state {
    uint64_t s[4];
} xoshiro_state;

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t xoshiro_next(xoshiro_state *st)
{
    uint64_t *s = st->s;
    uint64_t result = s[0] + s[3];
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static void xoshiro_set(void *vstate, unsigned long seed)
{
    xoshiro_state *st = vstate;
    uint64_t sm = seed;
    for (int i = 0; i < 4; i++)
        st->s[i] = es_splitmix64(&sm);
}

/* A gsl_rng_type over a 64-bit generator NAME_next(state *): 32-bit integers from its high
 * bits, doubles in [0, 1) from its top 53 bits. */
#define ES_RNG_TYPE(name, label, state)                                                        \
    static unsigned long name##_get(void *vstate)                                             \
    {                                                                                          \
        return (unsigned long)(name##_next(vstate) >> 32);                                     \
    }                                                                                          \
    static double name##_get_double(void *vstate)                                             \
    {                                                                                          \
        return (double)(name##_next(vstate) >> 11) * 0x1.0p-53;                               \
    }                                                                                          \
    static const gsl_rng_type name##_type = {label,           0xffffffffUL,      0,             \
                                             sizeof(state),   &name##_set,       &name##_get,   \
                                             &name##_get_double}

ES_RNG_TYPE(xoshiro, "xoshiro256+", xoshiro_state);

const gsl_rng_type *es_rng_xoshiro256p = &xoshiro_type;

/* ---- per-entity substreams ------------------------------------------------------------- */

static inline uint64_t fmix64(uint64_t z)
{
    z = (z ^ (z >> 33)) * 0xff51afd7ed558ccdULL;
    z = (z ^ (z >> 33)) * 0xc4ceb9fe1a85ec53ULL;
    return z ^ (z >> 33);
}

uint64_t es_rng_entity_key(uint64_t scenario_seed, uint32_t replication, uint64_t entity)
{
    uint64_t s = scenario_seed ^ 0x5ca1ab1e0ddba11ULL; /* apart from the named streams' keys */
    uint64_t a = es_splitmix64(&s);
    s = a ^ ((uint64_t)replication * 0xd1342543de82ef95ULL);
    uint64_t b = es_splitmix64(&s);
    s = b ^ entity;
    return es_splitmix64(&s);
}

/* The purposes of one entity start their sequences far apart on the Weyl sequence: the
 * constant is odd and no small multiple of SplitMix64's increment. */
static inline uint64_t purpose_key(uint64_t key, uint32_t purpose)
{
    return key + (uint64_t)purpose * 0xd6e8feb86659fd93ULL;
}

/* SplitMix64's output at position n of the sequence that starts at the substream's key, mixed
 * once more (MurmurHash3's finaliser) so that substreams whose keys happen to lie near one
 * another on the Weyl sequence are not shifted copies. */
static inline uint64_t substream_u64(uint64_t key, uint32_t n)
{
    uint64_t s = key + (uint64_t)n * 0x9e3779b97f4a7c15ULL;
    return fmix64(es_splitmix64(&s));
}

uint64_t es_rng_entity_u64(uint64_t key, uint32_t purpose, uint32_t n)
{
    return substream_u64(purpose_key(key, purpose), n);
}

typedef struct entity_state {
    uint64_t key; /* of the substream: the entity's key for the purpose */
    uint32_t *counter;
    uint32_t own; /* the counter while unbound */
} entity_state;

static void entity_set(void *vstate, unsigned long seed)
{
    entity_state *st = vstate;
    st->key = seed;
    st->own = 0;
    st->counter = &st->own;
}

static inline uint64_t entity_next(entity_state *st)
{
    return substream_u64(st->key, (*st->counter)++);
}

ES_RNG_TYPE(entity, "essim-entity", entity_state);

gsl_rng *es_rng_entity_alloc(void)
{
    return gsl_rng_alloc(&entity_type);
}

void es_rng_entity_bind(gsl_rng *r, uint64_t key, uint32_t purpose, uint32_t *counter)
{
    entity_state *st = r->state;
    st->key = purpose_key(key, purpose);
    st->counter = counter;
}

const gsl_rng_type *es_rng_type_by_name(const char *name)
{
    if (strcmp(name, "xoshiro256+") == 0)
        return es_rng_xoshiro256p;
    for (const gsl_rng_type **t = gsl_rng_types_setup(); *t; t++)
        if (strcmp((*t)->name, name) == 0)
            return *t;
    return NULL;
}

gsl_rng *es_rng_alloc(const gsl_rng_type *type, uint64_t scenario_seed, uint32_t replication,
                      const char *stream)
{
    gsl_rng *r = gsl_rng_alloc(type);
    if (!r)
        return NULL;
    uint64_t seed = es_rng_stream_seed(scenario_seed, replication, stream);
    /* GSL generators with 32-bit seeds ignore the high half; fold it in. */
    if (type != es_rng_xoshiro256p)
        seed ^= seed >> 32;
    gsl_rng_set(r, (unsigned long)seed);
    return r;
}
