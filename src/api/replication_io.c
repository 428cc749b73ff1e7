/* Replications as bytes, for gathering them from MPI ranks and for slices of a run saved to
 * disk and merged later.  Every number is written whole (doubles bit for bit), so outputs
 * written from unpacked replications are byte-identical to a run that kept them in memory.
 * The format is essim's own: native byte order, checked by a marker, and a version. */
#include "api/replication_io.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REP_MAGIC 0x3170657273657373ULL /* "essrep1" */
#define BYTE_ORDER_MARK 0x0102030405060708ULL

static void put(es_text *b, const void *p, size_t n) { es_text_append(b, (const char *)p, n); }
static void put_u64(es_text *b, uint64_t v) { put(b, &v, sizeof v); }
static void put_i64(es_text *b, int64_t v) { put(b, &v, sizeof v); }
static void put_f64(es_text *b, double v) { put(b, &v, sizeof v); }

static void put_str(es_text *b, const char *s)
{
    size_t n = strlen(s);
    put_u64(b, n);
    put(b, s, n);
}

static void put_i64s(es_text *b, const int64_t *a, size_t n)
{
    put_u64(b, n);
    if (n)
        put(b, a, n * sizeof *a);
}

static void put_u64s(es_text *b, const uint64_t *a, size_t n)
{
    put_u64(b, n);
    if (n)
        put(b, a, n * sizeof *a);
}

int es_replication_pack(const es_replication *rep, es_text *b)
{
    put_u64(b, REP_MAGIC);
    put_u64(b, BYTE_ORDER_MARK);
    put_u64(b, rep->number);
    put_u64(b, rep->events);
    put_u64(b, rep->event_fingerprint);

    put_u64(b, rep->results.n);
    for (size_t i = 0; i < rep->results.n; i++) {
        const es_obs *o = &rep->results.obs[i];
        put_str(b, o->measure);
        put_str(b, o->group);
        put_i64(b, o->month);
        put_f64(b, o->value);
    }

    const es_ledger *l = &rep->ledger;
    size_t cells = l->cents ? (size_t)l->nmonths * (size_t)l->ncomponents *
                                  (size_t)(l->nstreams + 1) * (ES_NSOURCES + 1) *
                                  (size_t)l->ncatchments
                            : 0;
    put_i64(b, l->nmonths);
    put_i64(b, l->ncomponents);
    put_i64(b, l->nstreams);
    put_i64(b, l->ncatchments);
    put_i64s(b, l->cents, cells);
    put_i64s(b, l->payments, l->payments ? cells : 0);
    put_i64(b, l->total_cents);
    put_i64(b, l->npayments);
    put_i64s(b, l->by_payer_cents, ES_NPARTIES);

    const es_finance *f = &rep->finance;
    size_t fcells = f->revenue ? (size_t)f->nproviders * (size_t)f->nmonths : 0;
    put_i64(b, f->nproviders);
    put_i64(b, f->nmonths);
    put_i64s(b, f->revenue, fcells);
    put_i64s(b, f->cost, f->cost ? fcells : 0);

    const es_open_tables *t = &rep->open;
    size_t fy = (size_t)t->nfiscal_years;
    put_i64(b, t->first_fiscal_year);
    put_i64(b, t->nfiscal_years);
    put_i64(b, t->nsites);
    put_i64(b, t->ncds);
    put_u64s(b, t->site, t->site ? fy * (size_t)t->nsites * ES_OPEN_DATA_COLUMNS : 0);
    put_u64s(b, t->cd, t->cd ? fy * (size_t)t->ncds * ES_OPEN_DATA_COLUMNS : 0);
    put_u64s(b, t->assisted_site, t->assisted_site ? fy * (size_t)t->nsites : 0);
    put_u64s(b, t->assisted_cd, t->assisted_cd ? fy * (size_t)t->ncds : 0);

    /* the full ledger rows, when kept */
    if (!rep->ledger_rows) {
        put_u64(b, UINT64_MAX);
    } else {
        long end;
        if (fflush(rep->ledger_rows) != 0 || fseek(rep->ledger_rows, 0, SEEK_END) != 0 ||
            (end = ftell(rep->ledger_rows)) < 0 || fseek(rep->ledger_rows, 0, SEEK_SET) != 0)
            return ES_EIO;
        put_u64(b, (uint64_t)end);
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, rep->ledger_rows)) > 0)
            put(b, chunk, n);
        if (ferror(rep->ledger_rows) || fseek(rep->ledger_rows, 0, SEEK_END) != 0)
            return ES_EIO;
    }
    return b->failed ? ES_ENOMEM : ES_OK;
}

typedef struct reader {
    const char *p, *end;
    int bad;
} reader;

static void get(reader *r, void *out, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        memset(out, 0, n);
        return;
    }
    memcpy(out, r->p, n);
    r->p += n;
}

static uint64_t get_u64(reader *r)
{
    uint64_t v;
    get(r, &v, sizeof v);
    return v;
}

static int64_t get_i64(reader *r)
{
    int64_t v;
    get(r, &v, sizeof v);
    return v;
}

/* A count no larger than what is left to read, or a bad reader. */
static size_t get_count(reader *r, size_t item)
{
    uint64_t n = get_u64(r);
    if (r->bad || (item && n > (uint64_t)(r->end - r->p) / item)) {
        r->bad = 1;
        return 0;
    }
    return (size_t)n;
}

static void get_str(reader *r, char *out, size_t cap)
{
    size_t n = get_count(r, 1);
    if (n >= cap)
        r->bad = 1;
    if (r->bad) {
        out[0] = '\0';
        return;
    }
    get(r, out, n);
    out[n] = '\0';
}

/* An array of `expected` 8-byte numbers, allocated; 0 when the stored length differs. */
static void *get_array(reader *r, size_t expected, int *nomem)
{
    size_t n = get_count(r, 8);
    if (r->bad || n != expected) {
        r->bad = 1;
        return NULL;
    }
    if (n == 0)
        return NULL;
    void *a = malloc(n * 8);
    if (!a) {
        *nomem = 1;
        r->bad = 1;
        return NULL;
    }
    get(r, a, n * 8);
    return a;
}

static int small_count(int64_t v, int64_t max) { return v >= 0 && v <= max; }

int es_replication_unpack(es_replication *rep, const char *data, size_t len, size_t *used,
                          es_error *err)
{
    memset(rep, 0, sizeof *rep);
    es_results_init(&rep->results);
    reader r = {data, data + len, 0};
    int nomem = 0;
    if (get_u64(&r) != REP_MAGIC || get_u64(&r) != BYTE_ORDER_MARK) {
        es_error_set(err, ES_EINVAL, NULL, 0,
                     "not replication data of this essim version and machine byte order");
        return ES_EINVAL;
    }
    rep->number = (unsigned)get_u64(&r);
    rep->events = get_u64(&r);
    rep->event_fingerprint = get_u64(&r);

    size_t nobs = get_count(&r, 2 * sizeof(uint64_t) + sizeof(int64_t) + sizeof(double));
    for (size_t i = 0; i < nobs && !r.bad; i++) {
        char measure[sizeof rep->results.obs[0].measure], group[sizeof rep->results.obs[0].group];
        get_str(&r, measure, sizeof measure);
        get_str(&r, group, sizeof group);
        int64_t month = get_i64(&r);
        double value;
        get(&r, &value, sizeof value);
        if (!r.bad && es_results_add(&rep->results, measure, group, (int)month, value) != 0)
            nomem = r.bad = 1;
    }

    es_ledger *l = &rep->ledger;
    int64_t lm = get_i64(&r), lc = get_i64(&r), ls = get_i64(&r), lk = get_i64(&r);
    if (!small_count(lm, 100000) || !small_count(lc, 100000) || !small_count(ls, ES_MAX_STREAMS) ||
        !small_count(lk, 100000))
        r.bad = 1;
    l->nmonths = (int)lm;
    l->ncomponents = (int)lc;
    l->nstreams = (int)ls;
    l->ncatchments = (int)lk;
    size_t cells = r.bad ? 0 : (size_t)lm * (size_t)lc * (size_t)(ls + 1) * (ES_NSOURCES + 1) * (size_t)lk;
    l->cents = get_array(&r, cells, &nomem);
    l->payments = get_array(&r, cells, &nomem);
    l->total_cents = get_i64(&r);
    l->npayments = get_i64(&r);
    if (get_count(&r, 8) != ES_NPARTIES)
        r.bad = 1;
    get(&r, l->by_payer_cents, sizeof l->by_payer_cents);

    es_finance *f = &rep->finance;
    int64_t fp = get_i64(&r), fm = get_i64(&r);
    if (!small_count(fp, 1000000) || !small_count(fm, 100000))
        r.bad = 1;
    f->nproviders = (int)fp;
    f->nmonths = (int)fm;
    size_t fcells = r.bad ? 0 : (size_t)fp * (size_t)fm;
    f->revenue = get_array(&r, fcells, &nomem);
    f->cost = get_array(&r, fcells, &nomem);

    es_open_tables *t = &rep->open;
    int64_t first = get_i64(&r), nfy = get_i64(&r), ns = get_i64(&r), ncd = get_i64(&r);
    if (!small_count(nfy, 10000) || !small_count(ns, 1000000) || !small_count(ncd, 100000) ||
        first < -100000 || first > 100000)
        r.bad = 1;
    t->first_fiscal_year = (int)first;
    t->nfiscal_years = (int)nfy;
    t->nsites = (int)ns;
    t->ncds = (int)ncd;
    size_t fy = r.bad ? 0 : (size_t)nfy;
    t->site = get_array(&r, fy * (size_t)ns * ES_OPEN_DATA_COLUMNS, &nomem);
    t->cd = get_array(&r, fy * (size_t)ncd * ES_OPEN_DATA_COLUMNS, &nomem);
    t->assisted_site = get_array(&r, fy * (size_t)ns, &nomem);
    t->assisted_cd = get_array(&r, fy * (size_t)ncd, &nomem);

    uint64_t rows = get_u64(&r);
    if (!r.bad && rows != UINT64_MAX) {
        if (rows > (uint64_t)(r.end - r.p)) {
            r.bad = 1;
        } else {
            rep->ledger_rows = tmpfile();
            if (!rep->ledger_rows || fwrite(r.p, 1, (size_t)rows, rep->ledger_rows) != rows) {
                int rc = es_temp_file_error(err, "a temporary ledger file");
                es_replication_destroy(rep);
                return rc;
            }
            r.p += rows;
        }
    }
    if (r.bad) {
        es_replication_destroy(rep);
        if (nomem) {
            es_error_set(err, ES_ENOMEM, NULL, 0, "out of memory reading replication data");
            return ES_ENOMEM;
        }
        es_error_set(err, ES_EINVAL, NULL, 0, "replication data is truncated or corrupt");
        return ES_EINVAL;
    }
    *used = (size_t)(r.p - data);
    return ES_OK;
}
