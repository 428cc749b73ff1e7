/* The funder: an observer of model events that prices each one under a funding model and
 * posts the payments to a ledger (see funder.h). */
#include "funding/funder.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/error.h"
#include "model/calendar.h"

/* ---- clawback memory: what was paid for a client's current job ------------------------------ */

static size_t claw_slot(const es_funder *f, uint64_t id)
{
    uint64_t h = id * 0x9e3779b97f4a7c15ULL;
    return (size_t)(h >> 20) & (f->claw_cap - 1);
}

static es_clawback_entry *claw_find(es_funder *f, uint64_t id)
{
    if (!f->claw)
        return NULL;
    for (size_t i = claw_slot(f, id);; i = (i + 1) & (f->claw_cap - 1)) {
        if (f->claw[i].client_id == id)
            return &f->claw[i];
        if (f->claw[i].client_id == 0)
            return NULL;
    }
}

static int claw_grow(es_funder *f)
{
    size_t old_cap = f->claw_cap;
    es_clawback_entry *old = f->claw;
    size_t cap = old_cap ? old_cap * 2 : 1024;
    es_clawback_entry *fresh = calloc(cap, sizeof *fresh);
    if (!fresh)
        return ES_ENOMEM;
    f->claw = fresh;
    f->claw_cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].client_id) {
            size_t j = claw_slot(f, old[i].client_id);
            while (f->claw[j].client_id)
                j = (j + 1) & (cap - 1);
            f->claw[j] = old[i];
        }
    free(old);
    return ES_OK;
}

static es_clawback_entry *claw_insert(es_funder *f, uint64_t id)
{
    if ((f->claw_used + 1) * 2 > f->claw_cap && claw_grow(f) != ES_OK)
        return NULL;
    size_t i = claw_slot(f, id);
    while (f->claw[i].client_id && f->claw[i].client_id != id)
        i = (i + 1) & (f->claw_cap - 1);
    if (f->claw[i].client_id == 0) {
        f->claw[i] = (es_clawback_entry){.client_id = id};
        f->claw_used++;
    }
    return &f->claw[i];
}

/* Removes an entry, shifting later ones of its probe run back (no tombstones). */
static void claw_remove(es_funder *f, es_clawback_entry *e)
{
    size_t i = (size_t)(e - f->claw), mask = f->claw_cap - 1;
    f->claw[i].client_id = 0;
    f->claw_used--;
    for (size_t j = (i + 1) & mask; f->claw[j].client_id; j = (j + 1) & mask) {
        size_t home = claw_slot(f, f->claw[j].client_id);
        bool between = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (between)
            continue;
        f->claw[i] = f->claw[j];
        f->claw[j].client_id = 0;
        i = j;
    }
}

/* ---- the funder ----------------------------------------------------------------------------- */

int es_funder_init(es_funder *f, const es_funding_model *model, const es_params *p,
                   es_ledger *ledger, es_finance *finance)
{
    *f = (es_funder){.model = model, .params = p, .ledger = ledger, .finance = finance};
    for (int c = 0; c < p->ncatchments; c++)
        f->nproviders += p->catchments[c].nproviders;
    es_fiscal_years_init(&f->fiscal, p->start_year, p->start_month, p->start_day,
                         p->horizon_days + 400.0);
    f->first_fiscal_year = f->fiscal.first;
    f->nfiscal_years = f->fiscal.n;
    size_t cells = (size_t)f->nproviders * (size_t)f->nfiscal_years;
    f->provider_catchment = calloc((size_t)f->nproviders, sizeof *f->provider_catchment);
    f->paid_in_year = calloc(cells, sizeof *f->paid_in_year);
    f->held = calloc(cells, sizeof *f->held);
    f->held_kept = calloc(cells, sizeof *f->held_kept);
    f->kpi = calloc((size_t)p->ncatchments * (size_t)f->nfiscal_years, sizeof *f->kpi);
    f->kpi_paid_fy = malloc((size_t)(p->ncatchments ? p->ncatchments : 1) * sizeof *f->kpi_paid_fy);
    f->budget_used = calloc((size_t)(model->ncomponents ? model->ncomponents : 1) *
                                (size_t)p->ncatchments * (size_t)f->nfiscal_years,
                            sizeof *f->budget_used);
    if (es_calloc_pair(&f->cohort_cents, &f->shared_cents,
                       (size_t)ES_NPARTIES * (size_t)f->nfiscal_years, sizeof *f->cohort_cents)) {
        es_funder_destroy(f);
        return ES_ENOMEM;
    }
    if (!f->provider_catchment || !f->paid_in_year || !f->held || !f->held_kept || !f->kpi ||
        !f->kpi_paid_fy ||
        !f->budget_used || es_eligibility_init(&f->eligibility, &model->eligibility, p)) {
        es_funder_destroy(f);
        return ES_ENOMEM;
    }
    for (int c = 0, k = 0; c < p->ncatchments; c++) {
        f->kpi_paid_fy[c] = -1;
        for (int j = 0; j < p->catchments[c].nproviders; j++)
            f->provider_catchment[k++] = c;
    }
    return ES_OK;
}

void es_funder_destroy(es_funder *f)
{
    es_eligibility_destroy(&f->eligibility);
    es_free_pair(&f->cohort_cents, &f->shared_cents);
    ES_FREE_ALL(f->provider_catchment, f->paid_in_year, f->held, f->held_kept, f->kpi,
                f->kpi_paid_fy, f->budget_used, f->claw);
    f->provider_catchment = NULL;
    f->paid_in_year = f->held = f->held_kept = NULL;
    f->budget_used = NULL;
    f->kpi = NULL;
    f->kpi_paid_fy = NULL;
    f->claw = NULL;
}

static int fiscal_index(const es_funder *f, double day) { return es_fiscal_index(&f->fiscal, day); }

/* ---- warm-up deletion: the part of each payment the spend measures count --------------------
 * Every payment is priced and posted as without a warm-up; what changes is the part of it the
 * measures keep (docs/experiments.md, "Warm-up"): all of a payment a client earned whose intake
 * was at or after scenario.warmup_days, none of one earned before; and of a payment for a
 * period (a month's block grant, a year's performance pot, a month's staff time), the share
 * of the period at or after the warm-up. */

/* The share of the period [from_days, to_days) at or after the warm-up. */
static double period_share(const es_funder *f, double from_days, double to_days)
{
    double warmup = f->params->warmup_days;
    if (warmup <= 0.0 || warmup <= from_days)
        return 1.0;
    return warmup >= to_days ? 0.0 : (to_days - warmup) / (to_days - from_days);
}

static double cohort_share(const es_funder *f, double intake_days)
{
    double warmup = f->params->warmup_days;
    return warmup <= 0.0 || intake_days >= warmup ? 1.0 : 0.0;
}

/* The kept part of an amount, rounded half to even once (exact for shares of 0 and 1). */
static int64_t kept_part(int64_t cents, double share)
{
    return share >= 1.0 ? cents : share <= 0.0 ? 0 : es_money_scale(cents, share);
}

static void book_revenue(es_funder *f, const es_payment *pay)
{
    if (f->finance && pay->payee == ES_PARTY_PROVIDER && pay->provider >= 0) {
        f->finance->revenue[(size_t)pay->provider * (size_t)f->finance->nmonths +
                            (size_t)es_ledger_month_of(pay->date_days, f->finance->nmonths)] += pay->amount_cents;
        f->finance->kept_revenue[pay->provider] += pay->kept_cents;
    }
}

/* A payment goes to the ledger, to its payee's revenue and to its cohort (or the year's money
 * for no client in particular). */
static void book(es_funder *f, const es_payment *pay)
{
    es_ledger_post(f->ledger, pay);
    book_revenue(f, pay);
    bool client = pay->client_id != 0;
    int year = fiscal_index(f, client ? pay->intake_days : pay->event_days);
    int64_t *by = client ? f->cohort_cents : f->shared_cents;
    by[(size_t)pay->payer * (size_t)f->nfiscal_years + (size_t)year] += pay->amount_cents;
}

/* Posts a payment to a provider after the yearly cap and the holdback; returns the amount
 * paid now. */
static int64_t pay_provider(es_funder *f, es_payment *pay, double share)
{
    const es_funding_model *m = f->model;
    size_t cell = (size_t)pay->provider * (size_t)f->nfiscal_years +
                  (size_t)fiscal_index(f, pay->date_days);
    if (m->provider_cap_per_year_cents > 0 && pay->amount_cents > 0) {
        int64_t room = m->provider_cap_per_year_cents - f->paid_in_year[cell];
        if (room < 0)
            room = 0;
        if (pay->amount_cents > room) {
            f->capped_cents += pay->amount_cents - room;
            pay->amount_cents = room;
        }
    }
    f->paid_in_year[cell] += pay->amount_cents;
    if (m->holdback_share > 0.0 && pay->amount_cents > 0) {
        int64_t withheld = es_money_scale(pay->amount_cents, m->holdback_share);
        f->held[cell] += withheld;
        f->held_kept[cell] += kept_part(withheld, share);
        pay->amount_cents -= withheld;
    }
    if (pay->amount_cents == 0)
        return 0;
    pay->kept_cents = kept_part(pay->amount_cents, share);
    book(f, pay);
    return pay->amount_cents;
}

/* Posts a payment of which the measures keep `share`; returns the amount paid now (after caps
 * and holdbacks; 0 when it falls due after the horizon). */
static int64_t post(es_funder *f, es_payment *pay, double share)
{
    if (pay->date_days > f->params->horizon_days) {
        f->due_after_horizon_cents += pay->amount_cents;
        return 0;
    }
    if (pay->payee == ES_PARTY_PROVIDER && pay->provider >= 0)
        return pay_provider(f, pay, share);
    pay->kept_cents = kept_part(pay->amount_cents, share);
    if (pay->amount_cents != 0)
        book(f, pay); /* not a provider's: no revenue booked */
    return pay->amount_cents;
}

static double contract_year_multiplier(const es_funder *f, const es_component *c,
                                       const es_model_event *ev)
{
    if (c->nyears == 0)
        return 1.0;
    double since = ev->time - f->params->catchments[ev->catchment].start_days;
    int year = since < 0 ? 0 : (int)(since / 365.25);
    return c->year_multiplier[year < c->nyears ? year : c->nyears - 1];
}

static double needs_multiplier(const es_funding_model *m, const es_model_event *ev)
{
    double k = m->adjust_source[ev->source];
    if (ev->disability)
        k *= m->adjust_disability;
    if (ev->rural)
        k *= m->adjust_rural;
    return k;
}

/* The factor applied to a component's amount for an event, or 0 when nothing is due. */
static double price_factor(const es_funder *f, const es_component *c, const es_model_event *ev)
{
    const es_funding_model *m = f->model;
    double k = m->cad_per_unit * contract_year_multiplier(f, c, ev);
    switch (c->type) {
    case ES_COMP_BLOCK:
        /* per caseload place per year, paid monthly; provider-level events pay providers,
         * catchment-level events pay SSMs */
        if ((c->payee == ES_PARTY_PROVIDER) != (ev->provider >= 0))
            return 0.0;
        return k * ev->capacity / 12.0;
    case ES_COMP_OUTCOME:
        /* the funded-outcome rule is about jobs: it does not apply to income-support exits */
        if (ev->kind >= ES_MS_EMPLOYED_1M && ev->kind <= ES_MS_EMPLOYED_12M && !ev->funded) {
            bool partial = c->partial_hours > 0.0 && ev->wage_ok && ev->hours >= c->partial_hours;
            if (!partial)
                return 0.0; /* under the hours or the minimum wage: no outcome payment */
            k *= c->partial_share;
        }
        break;
    case ES_COMP_FLOW_THROUGH:
        if (c->per_month_of_service || c->per_month_of_subsidy)
            k *= ev->months;
        break;
    default:
        break;
    }
    if (c->adjusted)
        k *= needs_multiplier(m, ev);
    return k;
}

/* Prices an amount: cents x factor, counted in what the run has priced.  False, and the
 * funder stopped, when the amount or the count would go beyond ES_MONEY_MAX_CENTS: every sum
 * essim keeps is bounded by twice the count, so checking it here keeps them all in 64 bits. */
static bool price(es_funder *f, int comp, int64_t cents, double factor, int64_t *out)
{
    int64_t amount;
    if (!es_money_scale_checked(cents, factor, &amount) ||
        (amount < 0 ? -amount : amount) > ES_MONEY_MAX_CENTS - f->priced_cents) {
        f->overflow = comp + 1;
        return false;
    }
    f->priced_cents += amount < 0 ? -amount : amount;
    *out = amount;
    return true;
}

const es_component *es_funder_overflow(const es_funder *f)
{
    return f->overflow ? &f->model->components[f->overflow - 1] : NULL;
}

static void remember_for_clawback(es_funder *f, const es_model_event *ev, int comp, int64_t amount,
                                  double paid_days)
{
    es_clawback_entry *e = claw_find(f, ev->client_id);
    if (!e) {
        e = claw_insert(f, ev->client_id);
        if (!e) {
            f->failed = 1;
            return;
        }
        e->stream = ev->stream;
        e->source = ev->source;
        e->catchment = ev->catchment;
        e->provider = ev->provider;
        e->kept_share = cohort_share(f, ev->intake_days);
    }
    if (e->n == ES_CLAWBACK_SLOTS) { /* the oldest payment's window has closed first */
        memmove(&e->component[0], &e->component[1], (ES_CLAWBACK_SLOTS - 1) * sizeof e->component[0]);
        memmove(&e->event_days[0], &e->event_days[1], (ES_CLAWBACK_SLOTS - 1) * sizeof e->event_days[0]);
        memmove(&e->cents[0], &e->cents[1], (ES_CLAWBACK_SLOTS - 1) * sizeof e->cents[0]);
        memmove(&e->paid_days[0], &e->paid_days[1], (ES_CLAWBACK_SLOTS - 1) * sizeof e->paid_days[0]);
        e->n--;
    }
    e->component[e->n] = (int16_t)comp;
    e->event_days[e->n] = ev->time;
    e->paid_days[e->n] = paid_days;
    e->cents[e->n++] = amount;
}

/* A job ended: payments marked for clawback and still within their window are reversed. */
static void claw_back(es_funder *f, const es_model_event *ev)
{
    es_clawback_entry *e = claw_find(f, ev->client_id);
    if (!e)
        return;
    const es_funding_model *m = f->model;
    for (int k = 0; k < e->n; k++) {
        const es_component *c = &m->components[e->component[k]];
        if (e->cents[k] == 0 || ev->time - e->event_days[k] >= c->clawback_days)
            continue;
        /* a reversal never comes before the payment it reverses */
        double date = ev->time > e->paid_days[k] ? ev->time : e->paid_days[k];
        es_payment pay = {.date_days = date, .event_days = ev->time, .client_id = ev->client_id,
                          .intake_days = ev->intake_days,
                          .component = e->component[k], .event = ES_MS_JOB_LOSS,
                          .stream = e->stream, .source = e->source, .catchment = e->catchment,
                          .provider = c->payee == ES_PARTY_PROVIDER ? e->provider : -1,
                          .payer = c->payer, .payee = c->payee, .amount_cents = -e->cents[k],
                          .kept_cents = -kept_part(e->cents[k], e->kept_share)};
        f->clawed_back_cents += e->cents[k];
        book(f, &pay); /* a reversal is never capped or held back */
    }
    claw_remove(f, e);
}

/* A component's amount for a stream, in force on `day`: a dated amount is taken by the date
 * of the event that earns it, not the date it is paid. */
static int64_t amount_on(const es_funding_model *m, const es_component *c, int stream, double day)
{
    return es_dated_cents(&m->dated, m, &c->amount_cents[stream], day);
}

static void book_costs(es_funder *f, const es_model_event *ev)
{
    if (!f->finance || ev->provider < 0)
        return;
    const es_params *p = f->params;
    int nm = f->finance->nmonths;
    size_t row = (size_t)ev->provider * (size_t)nm;
    int month = es_ledger_month_of(ev->time, nm);
    int past = es_ledger_month_of(ev->time - ES_DAYS_PER_MONTH / 2.0, nm); /* the month just ended */
    /* dated costs: the staff time of the month just ended at its rate, the overhead of the
     * month starting at the rate of its first day */
    double per_hour = es_dated_double(&p->dated, p, &p->staff_cost_per_hour,
                                      ev->time - ES_DAYS_PER_MONTH / 2.0);
    double per_place = es_dated_double(&p->dated, p, &p->overhead_per_place_per_month, ev->time);
    if (ev->time > 0.0) {
        int64_t staff = (int64_t)llround(ev->staff_hours * per_hour * 100.0);
        f->finance->cost[row + (size_t)past] += staff;
        f->finance->kept_cost[ev->provider] +=
            kept_part(staff, period_share(f, ev->time - ES_DAYS_PER_MONTH, ev->time));
    }
    if (ev->time + ES_DAYS_PER_MONTH / 2.0 < p->horizon_days) {
        int64_t overhead = (int64_t)llround(ev->capacity * per_place * 100.0);
        f->finance->cost[row + (size_t)month] += overhead;
        f->finance->kept_cost[ev->provider] +=
            kept_part(overhead, period_share(f, ev->time, ev->time + ES_DAYS_PER_MONTH));
    }
}

/* At the first period of a fiscal year the holdbacks of the year before are released. */
static void release_holdbacks(es_funder *f, const es_model_event *ev)
{
    int fy = fiscal_index(f, ev->time);
    if (ev->provider < 0 || fy == 0)
        return;
    size_t cell = (size_t)ev->provider * (size_t)f->nfiscal_years + (size_t)(fy - 1);
    if (f->held[cell] == 0)
        return;
    es_payment pay = {.date_days = ev->time, .event_days = ev->time,
                      .component = f->model->ncomponents, .event = ES_MS_PERIOD, .stream = -1,
                      .source = -1, .catchment = ev->catchment, .provider = ev->provider,
                      .payer = ES_PARTY_SSM, .payee = ES_PARTY_PROVIDER,
                      .amount_cents = f->held[cell], .kept_cents = f->held_kept[cell]};
    f->held[cell] = f->held_kept[cell] = 0; /* kept as the payments it was withheld from */
    book(f, &pay);
}

static double kpi_value(const es_kpi_counts *k, es_kpi kpi)
{
    switch (kpi) {
    case ES_KPI_EMPLOYMENT_AT_EXIT:
        return k->plans_closed ? (double)k->job_starts / (double)k->plans_closed : 0.0;
    case ES_KPI_FUNDED_3M:
        return k->plans_closed ? (double)k->funded_3m / (double)k->plans_closed : 0.0;
    case ES_KPI_PRIORITY_SHARE:
        return k->plans_opened ? (double)k->priority_opened / (double)k->plans_opened : 0.0;
    default:
        return 0.0;
    }
}

/* sum of weight x min(1, achieved / target) over the component's KPIs */
static double performance_score(const es_component *comp, const es_kpi_counts *k)
{
    double score = 0.0;
    for (int t = 0; t < comp->nkpis; t++) {
        const es_kpi_term *term = &comp->kpis[t];
        double achieved = kpi_value(k, term->kpi);
        score += term->weight * (term->target > 0 ? fmin(1.0, achieved / term->target) : 1.0);
    }
    return score;
}

/* Counts what performance KPIs need, by catchment and fiscal year. */
static void count_kpis(es_funder *f, const es_model_event *ev)
{
    es_kpi_counts *k = &f->kpi[(size_t)ev->catchment * (size_t)f->nfiscal_years +
                               (size_t)fiscal_index(f, ev->time)];
    switch (ev->kind) {
    case ES_MS_PERIOD:
        if (ev->provider < 0)
            k->place_years += ev->capacity / 12.0;
        break;
    case ES_MS_SERVICE_END:
        k->plans_closed++;
        break;
    case ES_MS_JOB_START:
        k->job_starts++;
        break;
    case ES_MS_EMPLOYED_3M:
        k->funded_3m += ev->funded;
        break;
    case ES_MS_PLAN_AGREED:
        k->plans_opened++;
        k->priority_opened += ev->source == ES_SRC_OW || ev->source == ES_SRC_ODSP || ev->disability;
        break;
    default:
        break;
    }
}

/* At the first period of a fiscal year, each performance pot of the year before is paid in
 * proportion to its KPI score: sum of weight x min(1, achieved / target). */
static void pay_performance(es_funder *f, const es_model_event *ev)
{
    int fy = fiscal_index(f, ev->time);
    int c = ev->catchment;
    if (fy == 0 || f->kpi_paid_fy[c] >= fy - 1)
        return;
    f->kpi_paid_fy[c] = fy - 1;
    const es_kpi_counts *k = &f->kpi[(size_t)c * (size_t)f->nfiscal_years + (size_t)(fy - 1)];
    const es_funding_model *m = f->model;
    for (int i = 0; i < m->ncomponents; i++) {
        const es_component *comp = &m->components[i];
        if (comp->type != ES_COMP_PERFORMANCE || k->place_years <= 0.0)
            continue;
        double score = performance_score(comp, k);
        /* the multiplier of the contract year rewarded: the day before this period */
        es_model_event rewarded = *ev;
        rewarded.time = ev->time - 1.0;
        double base = m->cad_per_unit * contract_year_multiplier(f, comp, &rewarded) * k->place_years;
        int64_t pot, amount = amount_on(m, comp, 0, rewarded.time);
        if (!price(f, i, amount, base, &pot))
            return;
        int64_t earned = es_money_scale(amount, base * score); /* score <= 1 */
        f->performance_unearned_cents += pot - earned;
        es_payment pay = {.date_days = ev->time + comp->lag_days, .event_days = ev->time,
                          .component = i, .event = ES_MS_PERIOD, .stream = -1, .source = -1,
                          .catchment = c, .provider = -1, .payer = comp->payer,
                          .payee = comp->payee, .amount_cents = earned};
        /* the pot pays for the fiscal year before: its share after the warm-up is kept */
        double year_start = fy >= 2 ? f->fiscal.boundary[fy - 2] : 0.0;
        if (earned != 0)
            post(f, &pay, period_share(f, year_start, f->fiscal.boundary[fy - 1]));
    }
}

void es_funder_observe(const es_model_event *ev, void *ctx)
{
    es_funder *f = ctx;
    const es_funding_model *m = f->model;
    if (f->overflow)
        return;
    es_model_event decided; /* the funding model, not the model, says what it pays for */
    if (ev->kind >= ES_MS_EMPLOYED_1M && ev->kind <= ES_MS_EMPLOYED_12M) {
        decided = *ev;
        decided.funded = es_eligibility_decide(&f->eligibility, ev);
        ev = &decided;
    }
    count_kpis(f, ev);
    if (ev->kind == ES_MS_PERIOD) {
        book_costs(f, ev);
        release_holdbacks(f, ev);
        if (ev->provider < 0)
            pay_performance(f, ev);
        if (f->overflow)
            return;
    }
    if (ev->kind == ES_MS_JOB_LOSS)
        claw_back(f, ev);
    for (int i = 0; i < m->ncomponents; i++) {
        const es_component *c = &m->components[i];
        if (c->event != ev->kind || c->type == ES_COMP_PERFORMANCE)
            continue;
        bool period = ev->kind == ES_MS_PERIOD;
        int stream = period ? 0 : ev->stream;
        double factor = price_factor(f, c, ev);
        int64_t amount = 0;
        if (factor != 0.0 && !price(f, i, amount_on(m, c, stream, ev->time), factor, &amount))
            return;
        if (c->cap_per_client_cents > 0 && amount > c->cap_per_client_cents)
            amount = c->cap_per_client_cents;
        if (c->budget_per_year_cents > 0 && amount > 0) {
            int64_t *used = &f->budget_used[((size_t)i * (size_t)f->params->ncatchments +
                                             (size_t)ev->catchment) * (size_t)f->nfiscal_years +
                                            (size_t)fiscal_index(f, ev->time + c->lag_days)];
            int64_t room = c->budget_per_year_cents - *used;
            int64_t granted = amount < room ? amount : (room > 0 ? room : 0);
            f->over_budget_cents += amount - granted;
            amount = granted;
            *used += granted;
        }
        if (amount == 0)
            continue;
        es_payment pay = {.date_days = ev->time + c->lag_days, .event_days = ev->time,
                          .client_id = ev->client_id, .intake_days = ev->intake_days,
                          .component = i, .event = ev->kind,
                          .stream = period ? -1 : ev->stream, .source = period ? -1 : ev->source,
                          .catchment = ev->catchment,
                          .provider = c->payee == ES_PARTY_PROVIDER ? ev->provider : -1,
                          .payer = c->payer, .payee = c->payee, .amount_cents = amount};
        /* a client's payment follows its cohort; a period's, the month it pays for */
        double share = period ? period_share(f, ev->time, ev->time + ES_DAYS_PER_MONTH)
                              : cohort_share(f, ev->intake_days);
        int64_t paid = post(f, &pay, share);
        if (ev->deadweight && paid != 0 &&
            (ev->kind == ES_MS_JOB_START ||
             (ev->kind >= ES_MS_EMPLOYED_1M && ev->kind <= ES_MS_EMPLOYED_12M)))
            f->deadweight_cents[c->payer] += pay.kept_cents;
        if (c->clawback_days > 0.0 && !period && paid != 0)
            remember_for_clawback(f, ev, i, paid, pay.date_days);
    }
    /* the job's clawback window is over once it has lasted 12 months */
    if (ev->kind == ES_MS_EMPLOYED_12M) {
        es_clawback_entry *e = claw_find(f, ev->client_id);
        if (e)
            claw_remove(f, e);
    }
}

/* The last, partial fiscal year's performance pots: scored on what the run saw, and reported
 * as due after the horizon (the year ends after the run does). */
static void accrue_last_performance(es_funder *f)
{
    const es_params *p = f->params;
    const es_funding_model *m = f->model;
    int fy = fiscal_index(f, p->horizon_days);
    for (int c = 0; c < p->ncatchments; c++) {
        const es_kpi_counts *k = &f->kpi[(size_t)c * (size_t)f->nfiscal_years + (size_t)fy];
        es_model_event last = {.kind = ES_MS_PERIOD, .time = p->horizon_days, .catchment = c,
                               .provider = -1};
        for (int i = 0; i < m->ncomponents; i++) {
            const es_component *comp = &m->components[i];
            if (comp->type != ES_COMP_PERFORMANCE || k->place_years <= 0.0)
                continue;
            double base = m->cad_per_unit * contract_year_multiplier(f, comp, &last) * k->place_years;
            int64_t pot, amount = amount_on(m, comp, 0, last.time);
            if (!price(f, i, amount, base, &pot))
                return;
            int64_t earned = es_money_scale(amount, base * performance_score(comp, k));
            f->performance_unearned_cents += pot - earned;
            f->due_after_horizon_cents += earned;
        }
    }
}

void es_funder_finish(es_funder *f)
{
    if (f->overflow)
        return;
    accrue_last_performance(f);
    size_t cells = (size_t)f->nproviders * (size_t)f->nfiscal_years;
    for (size_t i = 0; i < cells; i++)
        f->holdback_unreleased_cents += f->held[i];
}
