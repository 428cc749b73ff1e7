#include "funding/ledger.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "engine/error.h"

int es_ledger_init(es_ledger *l, int nmonths, int ncomponents, int nstreams, int ncatchments)
{
    *l = (es_ledger){.nmonths = nmonths, .ncomponents = ncomponents, .nstreams = nstreams,
                     .ncatchments = ncatchments};
    size_t cells = (size_t)nmonths * (size_t)(ncomponents ? ncomponents : 1) * (size_t)nstreams *
                   (size_t)ncatchments;
    l->cents = calloc(cells, sizeof *l->cents);
    l->payments = calloc(cells, sizeof *l->payments);
    if (!l->cents || !l->payments) {
        es_ledger_destroy(l);
        return ES_ENOMEM;
    }
    return ES_OK;
}

void es_ledger_destroy(es_ledger *l)
{
    free(l->cents);
    free(l->payments);
    l->cents = l->payments = NULL;
}

void es_ledger_post(es_ledger *l, const es_payment *p)
{
    int month = (int)(p->date_days / ES_DAYS_PER_MONTH);
    if (month >= l->nmonths)
        month = l->nmonths - 1;
    if (month < 0)
        month = 0;
    size_t cell = es_ledger_cell(l, month, p->component, p->stream, p->catchment);
    l->cents[cell] += p->amount_cents;
    l->payments[cell]++;
    l->total_cents += p->amount_cents;
    l->npayments++;
    if (l->sink)
        l->sink(p, l->sink_ctx);
}

int64_t es_ledger_component_total(const es_ledger *l, int comp)
{
    int64_t total = 0;
    for (int m = 0; m < l->nmonths; m++)
        for (int s = 0; s < l->nstreams; s++)
            for (int c = 0; c < l->ncatchments; c++)
                total += l->cents[es_ledger_cell(l, m, comp, s, c)];
    return total;
}

void es_funder_observe(const es_model_event *ev, void *ctx)
{
    es_funder *f = ctx;
    const es_funding_model *m = f->model;
    bool checkpoint = ev->kind >= ES_MS_EMPLOYED_1M && ev->kind <= ES_MS_EMPLOYED_12M;
    if (checkpoint && !ev->funded)
        return; /* under the hours or the minimum wage: no outcome payment */
    for (int i = 0; i < m->ncomponents; i++) {
        const es_component *c = &m->components[i];
        if (c->event != ev->kind)
            continue;
        int64_t amount = es_money_scale(c->amount_cents[ev->stream], m->cad_per_unit);
        if (amount == 0)
            continue;
        es_payment p = {.date_days = ev->time, .event_days = ev->time, .client_id = ev->client_id,
                        .component = i, .event = ev->kind, .stream = ev->stream,
                        .catchment = ev->catchment, .provider = ev->provider,
                        .amount_cents = amount};
        es_ledger_post(f->ledger, &p);
    }
}
