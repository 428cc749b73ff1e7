#include "funding/ledger.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/error.h"
#include "model/calendar.h"

/* ---- ledger -------------------------------------------------------------------------------- */

int es_ledger_init(es_ledger *l, int nmonths, int ncomponents, int nstreams, int ncatchments)
{
    *l = (es_ledger){.nmonths = nmonths, .ncomponents = ncomponents, .nstreams = nstreams,
                     .ncatchments = ncatchments};
    size_t cells = (size_t)nmonths * (size_t)(ncomponents ? ncomponents : 1) *
                   (size_t)(nstreams + 1) * (ES_NSOURCES + 1) * (size_t)ncatchments;
    if (es_calloc_pair(&l->cents, &l->payments, cells, sizeof *l->cents))
        return ES_ENOMEM;
    l->kept = calloc(cells, sizeof *l->kept);
    if (!l->kept) {
        es_ledger_destroy(l);
        return ES_ENOMEM;
    }
    return ES_OK;
}

void es_ledger_destroy(es_ledger *l)
{
    es_free_pair(&l->cents, &l->payments);
    free(l->kept);
    l->kept = NULL;
}

void es_ledger_post(es_ledger *l, const es_payment *p)
{
    int stream = p->stream >= 0 ? p->stream : l->nstreams;
    int source = p->source >= 0 ? p->source : ES_NSOURCES;
    size_t cell = es_ledger_cell(l, es_ledger_month_of(p->date_days, l->nmonths), p->component, stream,
                                 source, p->catchment);
    l->cents[cell] += p->amount_cents;
    l->payments[cell]++;
    l->kept[cell] += p->kept_cents;
    l->total_cents += p->amount_cents;
    l->by_payer_cents[p->payer] += p->amount_cents;
    l->kept_by_payer_cents[p->payer] += p->kept_cents;
    l->npayments++;
    if (l->sink)
        l->sink(p, l->sink_ctx);
}

int64_t es_ledger_component_total(const es_ledger *l, int comp)
{
    int64_t total = 0;
    size_t per_month = (size_t)(l->nstreams + 1) * (ES_NSOURCES + 1) * (size_t)l->ncatchments;
    for (int m = 0; m < l->nmonths; m++) {
        const int64_t *c = &l->cents[es_ledger_cell(l, m, comp, 0, 0, 0)];
        for (size_t i = 0; i < per_month; i++)
            total += c[i];
    }
    return total;
}

int es_finance_init(es_finance *f, int nproviders, int nmonths)
{
    *f = (es_finance){.nproviders = nproviders, .nmonths = nmonths};
    if (es_calloc_pair(&f->revenue, &f->cost, (size_t)nproviders * (size_t)nmonths,
                       sizeof *f->revenue) ||
        es_calloc_pair(&f->kept_revenue, &f->kept_cost, (size_t)(nproviders ? nproviders : 1),
                       sizeof *f->kept_revenue)) {
        es_finance_destroy(f);
        return ES_ENOMEM;
    }
    return ES_OK;
}

void es_finance_destroy(es_finance *f)
{
    es_free_pair(&f->revenue, &f->cost);
    es_free_pair(&f->kept_revenue, &f->kept_cost);
}
