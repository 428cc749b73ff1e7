#!/usr/bin/env python3
"""Checks the disclosure control of outcomes_by_site.csv and outcomes_by_cd.csv by solving the
relations a reader knows (exact rational arithmetic, independent of essim's own modular
elimination):
  - in each row, num_assist = the six out_exit_* columns = the six out_3_* columns;
  - in each replication, fiscal year and est_region, each column summed over the sites equals
    the same column summed over the census divisions.
Usage: disclosure_check.py SUPPRESSED_DIR PLAIN_DIR BELOW
  SUPPRESSED_DIR: a run with outputs.suppress_small_cells = true; PLAIN_DIR: the same run
  without suppression (the truth).  Exits 1 with a message on the first problem found.
  With --primary-only it checks the pattern that primary suppression alone would give (built
  from the truth) and exits 0 only if some hidden count is determined -- the checker's own test.
"""
import csv
import sys
from fractions import Fraction

COLUMNS = ["num_assist",
           "out_exit_sum_emp", "out_exit_sum_te", "out_exit_unemp", "out_exit_sum_oth",
           "out_exit_unkn", "out_exit_null",
           "out_3_sum_emp", "out_3_sum_te", "out_3_unemp", "out_3_sum_oth", "out_3_unkn",
           "out_3_null"]


def read(folder, table):
    with open(f"{folder}/outcomes_by_{table}.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    key = "sds_id" if table == "site" else "cd_uid"
    return [((r["replication"], r["fiscal_year"], r["est_region"]), (table, r[key]),
             [r[c] for c in COLUMNS]) for r in rows]


def groups(rows):
    out = {}
    for g, unit, cells in rows:
        out.setdefault(g, []).append((unit, cells))
    return out


def equations(rows, truth):
    """Relations over cell ids (row index, column index) that hold in the truth."""
    eqs = []
    for i, _ in enumerate(rows):
        for half in (0, 1):
            eqs.append({(i, 0): 1, **{(i, half * 6 + k): -1 for k in range(1, 7)}})
    sites = [i for i, (u, _) in enumerate(rows) if u[0] == "site"]
    cds = [i for i, (u, _) in enumerate(rows) if u[0] == "cd"]
    if sites and cds:
        for c in range(len(COLUMNS)):
            if sum(truth[i][c] for i in sites) == sum(truth[i][c] for i in cds):
                eqs.append({**{(i, c): 1 for i in sites}, **{(i, c): -1 for i in cds}})
    for e in eqs[:2 * len(rows)]:
        assert sum(v * truth[i][c] for (i, c), v in e.items()) == 0, "a row relation fails"
    return eqs


def determined(eqs, hidden):
    """The hidden cells fixed by the equations: rows of the reduced echelon form over the hidden
    cells with a single non-zero entry."""
    cols = sorted(hidden)
    index = {cell: k for k, cell in enumerate(cols)}
    m = [[Fraction(0)] * len(cols) for _ in eqs]
    for r, e in enumerate(eqs):
        for cell, v in e.items():
            if cell in index:
                m[r][index[cell]] = Fraction(v)
    rank = 0
    for c in range(len(cols)):
        piv = next((r for r in range(rank, len(m)) if m[r][c] != 0), None)
        if piv is None:
            continue
        m[rank], m[piv] = m[piv], m[rank]
        p = m[rank][c]
        m[rank] = [v / p for v in m[rank]]
        for r in range(len(m)):
            if r != rank and m[r][c] != 0:
                f = m[r][c]
                m[r] = [a - f * b for a, b in zip(m[r], m[rank])]
        rank += 1
    found = []
    for r in range(rank):
        nz = [k for k, v in enumerate(m[r]) if v != 0]
        if len(nz) == 1:
            found.append(cols[nz[0]])
    return found


def main():
    primary_only = "--primary-only" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--primary-only"]
    sup_dir, plain_dir, below = args[0], args[1], int(args[2])
    sup = groups(read(sup_dir, "site") + read(sup_dir, "cd"))
    plain = groups(read(plain_dir, "site") + read(plain_dir, "cd"))
    if sup.keys() != plain.keys():
        sys.exit("the suppressed and plain runs do not have the same row groups")
    n_primary = n_complement = n_determined = 0
    for g in sorted(plain):
        prow, srow = plain[g], sup[g]
        if [u for u, _ in prow] != [u for u, _ in srow]:
            sys.exit(f"{g}: rows differ between the runs")
        truth = [[int(v) for v in cells] for _, cells in prow]
        eqs = equations(prow, truth)
        hidden = set()
        for i, (unit, cells) in enumerate(srow):
            for c, v in enumerate(cells):
                t = truth[i][c]
                primary = 0 < t < below
                shown_hidden = (0 < t < below) if primary_only else v == "x"
                if primary and not shown_hidden:
                    sys.exit(f"{g} {unit} {COLUMNS[c]}: count {t} is below {below} and shown")
                if not primary_only and not shown_hidden and int(v) != t:
                    sys.exit(f"{g} {unit} {COLUMNS[c]}: shows {v}, the run counted {t}")
                if shown_hidden:
                    hidden.add((i, c))
                    n_primary += primary
                    n_complement += not primary
        bad = determined(eqs, hidden) if hidden else []
        n_determined += len(bad)
        if bad and not primary_only:
            i, c = bad[0]
            sys.exit(f"{g} {srow[i][0]} {COLUMNS[c]}: the hidden count {truth[i][c]} can be "
                     f"worked out from the published relations")
    print(f"hidden: {n_primary} primary, {n_complement} complementary; determined: {n_determined}")
    if primary_only:
        sys.exit(0 if n_determined > 0 else "primary suppression alone left nothing determined")
    if n_primary == 0 or n_complement == 0:
        sys.exit("nothing to check: the run has no primary or no complementary suppression")


main()
