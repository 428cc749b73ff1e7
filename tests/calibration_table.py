#!/usr/bin/env python3
"""docs/calibration.md's table "Published figures the model is held to", kept true: each row
sets a published figure beside what the model gives on the prototypes (2 replications, the
scenario's seed) and the band the model must stay in.  This script runs the scenario,
computes each model value, and fails when one falls outside its band or when the table's
model column is not what the run gives (at the precision the table prints).  With UPDATE=1 it
rewrites the table between its markers instead (bands and sources are the rows below; the
prose around the table is yours).

The bands are the published figure widened by what the source allows (a rounded figure, an
"about", a "more than"), not by the model's noise: 2 replications of the prototypes put every
rate's standard error under 0.002, far inside each band.

Usage: tests/calibration_table.py ESSIM docs/calibration.md   (from the repo root).
"""
import csv
import math
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

BEGIN = "<!-- BEGIN published-vs-model (generated and checked by tests/calibration_table.py) -->"
END = "<!-- END published-vs-model -->"
COMMAND = ["run", "scenarios/prototypes.cfg", "--replications", "2", "--quiet"]
FISCAL_YEAR = "2022-2023"  # the open data's year in reference/eo-open-data.md


def summary_means(path):
    means = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            means[(row["measure"], row["group"])] = float(row["mean"])
    return means


def open_data_totals(path):
    """The site table's columns for FISCAL_YEAR, summed over sites, averaged over replications
    (a suppressed cell, `x`, would count as 0: the prototypes' sites are large)."""
    totals, reps = defaultdict(float), set()
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["fiscal_year"] != FISCAL_YEAR:
                continue
            reps.add(row["replication"])
            for k, v in row.items():
                if (k == "num_assist" or k.startswith("out_")) and v not in ("x", "SP", ""):
                    totals[k] += float(v)
    return {k: v / len(reps) for k, v in totals.items()}


def weibull_shape(s1, s6):
    """The shape k of S(t) = exp(-(t/s)^k) through S(1 month) and S(6 months)."""
    return math.log(math.log(s6) / math.log(s1)) / math.log(6.0)


# (published figure, model value as text from (summary, open data), check, band as text, source)
def rows(m, od):
    emp = od["out_exit_sum_emp"]
    shares = [m[("stream_share", s)] for s in "ABC"]
    k = weibull_shape(m[("employed_1m_rate", "all")], m[("employed_6m_rate", "all")])
    return [
        ("Completers of pre-employment services employed 20 h/week or more at exit: 86 %",
         "%.3f" % m[("employed_20h_at_exit_rate_completers", "all")],
         0.83 <= m[("employed_20h_at_exit_rate_completers", "all")] <= 0.89, "0.83 to 0.89",
         "Goss Gilroy evaluation via Maytree, `ies-facts.md` §4 (secondary)"),
        ("In a permanent job at exit: 78 %",
         "%.3f" % m[("permanent_share_at_exit", "all")],
         0.75 <= m[("permanent_share_at_exit", "all")] <= 0.81, "0.75 to 0.81",
         "Goss Gilroy evaluation via Maytree, `ies-facts.md` §4 (secondary)"),
        ("Social-assistance clients' employment outcomes 10 or more points below other clients'",
         "%.3f" % m[("employment_gap_sa_vs_other", "all")],
         0.10 <= m[("employment_gap_sa_vs_other", "all")] <= 0.20, "0.10 to 0.20",
         "Maytree, *Underserved*, `ies-facts.md` §4 (secondary)"),
        ("Stream split A 22 % / B 31 % / C 47 %",
         " / ".join("%.3f" % v for v in shares),
         all(abs(v - t) <= 0.01 for v, t in zip(shares, (0.22, 0.31, 0.47))),
         "each within 0.01", "common-assessment records, `ies-facts.md` §2 (secondary)"),
        ("Indigenous clients assessed into stream C: 77 %",
         "%.3f" % m[("group_highest_need_stream_share", "Indigenous")],
         0.72 <= m[("group_highest_need_stream_share", "Indigenous")] <= 0.82, "0.72 to 0.82",
         "common-assessment records, `ies-facts.md` §2 (secondary)"),
        ("Open data FY 2022-23: in training or education at exit, 13,000 against 55,000 "
         "employed (0.24)",
         "%.3f" % (od["out_exit_sum_te"] / emp),
         0.18 <= od["out_exit_sum_te"] / emp <= 0.30, "0.18 to 0.30",
         "`eo-open-data.md`, `behaviour-and-outcomes-evidence.md` §2.3 (secondary)"),
        ("Open data FY 2022-23: outcome unknown at exit, about 10 % of plans closed",
         "%.3f" % (od["out_exit_unkn"] / od["num_assist"]),
         0.08 <= od["out_exit_unkn"] / od["num_assist"] <= 0.12, "0.08 to 0.12",
         "`eo-open-data.md`, `behaviour-and-outcomes-evidence.md` §2.3 (secondary)"),
        ("Open data FY 2022-23: 3-month status null for more than 35,000, against 55,000 "
         "employed at exit (0.64 or more)",
         "%.3f" % (od["out_3_null"] / emp),
         0.64 <= od["out_3_null"] / emp <= 0.85, "0.64 to 0.85",
         "`eo-open-data.md`, `behaviour-and-outcomes-evidence.md` §2.3 (secondary)"),
        ("Open data FY 2022-23: 3-month status unknown for about 16,000, against 55,000 "
         "employed at exit (0.29)",
         "%.3f" % (od["out_3_unkn"] / emp),
         0.24 <= od["out_3_unkn"] / emp <= 0.34, "0.24 to 0.34",
         "`eo-open-data.md`, `behaviour-and-outcomes-evidence.md` §2.3 (secondary)"),
        ("jobactive placements sustained 4 / 12 / 26 weeks, 65.3 / 58.3 / 41.3 %: a hazard "
         "falling with tenure, Weibull shape about 0.4 (shape only)",
         "%.2f (from `employed_1m_rate`, `employed_6m_rate`)" % k,
         0.30 <= k <= 0.50, "0.30 to 0.50",
         "`behaviour-and-outcomes-evidence.md` §1.5 (official)"),
    ]


def table(rs):
    out = ["| published figure | model (prototypes, 2 replications) | the test holds it in | source |",
           "|---|---|---|---|"]
    for fig, val, _ok, band, src in rs:
        out.append("| %s | %s | %s | %s |" % (fig, val, band, src))
    return out


def main():
    essim, doc = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        subprocess.run([essim] + COMMAND + ["--out", out], check=True)
        rs = rows(summary_means(os.path.join(out, "summary.csv")),
                  open_data_totals(os.path.join(out, "outcomes_by_site.csv")))
    lines = open(doc, encoding="utf-8").read().split("\n")
    try:
        b, e = lines.index(BEGIN), lines.index(END)
    except ValueError:
        sys.exit("calibration table: %s has no %s ... %s markers" % (doc, BEGIN, END))
    want = table(rs)
    failures = ["outside its band: %s: model %s, band %s" % (fig, val, band)
                for fig, val, ok, band, _src in rs if not ok]
    if os.environ.get("UPDATE") == "1":
        lines[b + 1:e] = want
        open(doc, "w", encoding="utf-8").write("\n".join(lines))
        print("calibration table: UPDATE=1 rewrote %d rows of %s" % (len(rs), doc))
    elif lines[b + 1:e] != want:
        have = lines[b + 1:e]
        for i, row in enumerate(want):
            if i >= len(have) or have[i] != row:
                failures.append("%s says\n  %s\nthe run gives\n  %s" %
                                (doc, have[i] if i < len(have) else "(nothing)", row))
        if len(have) > len(want):
            failures.append("%s has %d rows more than the run" % (doc, len(have) - len(want)))
    for f in failures:
        print("FAIL calibration table: " + f)
    print("calibration table: %d published figures, %d failures" % (len(rs), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
