#!/usr/bin/env python3
"""The user guide's worked examples, run: every number a marked table or output block quotes
is compared with what essim writes or prints now, at the precision the guide quotes it.

The guide marks each checked block with an HTML comment just before it (invisible on the
page), so the numbers live in the guide alone:

    <!-- example-table
    essim compare scenarios/muskoka-kawarthas.cfg --funding A.cfg,B.cfg --replications 2
    column 2: comparison.csv model 1
    column 4: comparison_differences.csv model 2
    -->
    | measure (group `all`) | ... |

Each line starting with `essim` is a command (run in order, each with its own --out); a
`column N:` line says where the numbers of table column N come from: `[run K] FILE [model M]`
(the K-th command, default 1; M, the M-th model or arm of a comparison's file).  A row's
measure is the first `name` in backticks of its first cell, else of the column's header; the
group is `all`.  With `rows: value_1`, the first cell holds the sweep point's value_1 instead.
A cell is checked in full: its number and, after it, a bracketed interval [low; high], in the
unit of the cell ($ and M for the dollars of a _cents measure; `—` cells and cells without a
number are skipped).

    <!-- example-output
    essim sweep scenarios/muskoka-kawarthas.cfg --param ... --replications 2 --out out/sweep
    -->
    ```
    essim: ... (the line essim prints; times "in 0.39 s" are not compared)
    ```

Usage: tests/guide_examples.py ESSIM docs/user-guide.md   (from the repo root); with
UPDATE=1 it writes essim's numbers into the table cells that differ (the prose is yours).
"""
import csv
import os
import re
import shlex
import subprocess
import sys
import tempfile

UPDATES = []  # (line, old cell, new cell): what UPDATE=1 writes into the guide
NUMBER = re.compile(r"([+−-]?)\s*(\$?)([0-9][0-9,]*(?:\.[0-9]+)?)\s*(M\b)?")


def parse_blocks(text):
    """(kind, body lines, the block after it, the line number of the block)."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"\s*<!-- (example-table|example-output)\b(?!.*-->)", lines[i])
        if not m:
            i += 1
            continue
        kind, body = m.group(1), []
        i += 1
        while not lines[i].strip().startswith("-->"):
            body.append(lines[i].strip())
            i += 1
        i += 1
        start, block = i + 1, []
        if kind == "example-table":
            while i < len(lines) and lines[i].startswith("|"):
                block.append(lines[i])
                i += 1
        else:
            assert lines[i].startswith("```"), f"line {i + 1}: an example-output is a ``` block"
            i += 1
            while not lines[i].startswith("```"):
                block.append(lines[i])
                i += 1
        yield kind, body, block, start


def run(essim, command, out, cwd):
    args = shlex.split(command)[1:]
    if "--out" in args:
        args[args.index("--out") + 1] = out
    else:
        args += ["--out", out]
    p = subprocess.run([essim] + args + ["--jobs", "2"], capture_output=True, text=True, cwd=cwd)
    if p.returncode != 0:
        raise RuntimeError(f"{command}: exit {p.returncode}: {p.stderr.strip()}")
    return p.stdout


def read_rows(path, model):
    """{(measure, group, value_1): row} of FILE, for the model-th model when there is one."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    key = "model" if rows and "model" in rows[0] else "arm" if rows and "arm" in rows[0] else None
    if key and model:
        names = list(dict.fromkeys(r[key] for r in rows))
        rows = [r for r in rows if r[key] == names[model - 1]]
    return {(r["measure"], r["group"], r.get("value_1")): r for r in rows}


def quoted(cell):
    """The numbers a cell quotes, each (value, decimals, scale): its first number, then the
    bounds of a bracketed interval, in the first number's unit."""
    found = []
    m = NUMBER.search(cell.replace("−", "-"))
    if not m or "—" in cell.split("[")[0]:
        return found
    sign, dollars, digits, millions = m.groups()
    scale = (1e6 if millions else 1) * (100 if dollars else 1)
    value = float(digits.replace(",", "")) * (-1 if sign == "-" else 1)
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    found.append((value, decimals, scale, dollars))
    interval = re.search(r"\[([^\]]*)\]", cell)
    if interval:
        for bound in re.split(r"[;,]\s+", interval.group(1).replace("−", "-")):
            b = NUMBER.search(bound)
            if not b:
                continue
            bdigits = b.group(3)
            bscale = (1e6 if b.group(4) or millions else 1) * (100 if dollars else 1)
            found.append((float(bdigits.replace(",", "")) * (-1 if b.group(1) == "-" else 1),
                          len(bdigits.split(".")[1]) if "." in bdigits else 0, bscale, dollars))
    return found


def agrees(quote, actual):
    """Whether actual, in the quote's unit and rounded as the guide rounds it, is the number
    quoted (a _cents measure quoted in $ or $ M is divided down; quoted bare, it is cents)."""
    value, decimals, scale, _ = quote
    return abs(actual / scale - value) <= 0.5 * 10 ** -decimals + 1e-9


def shown(actual, quote):
    value, decimals, scale, _ = quote
    return f"{actual / scale:,.{decimals}f}"


def check_table(essim, body, block, start, tmp, cwd):
    commands = [b for b in body if b.startswith("essim ")]
    columns, rows_by = {}, None
    for b in body:
        m = re.match(r"column (\d+): (?:run (\d+) )?(\S+)(?: model (\d+))?$", b)
        if m:
            columns[int(m.group(1))] = (int(m.group(2) or 1), m.group(3), int(m.group(4) or 0))
        elif b.startswith("rows:"):
            rows_by = b.split(":", 1)[1].strip()
    outs = []
    for k, command in enumerate(commands):
        out = os.path.join(tmp, f"line{start}-{k + 1}")
        run(essim, command, out, cwd)
        outs.append(out)
    cells = [[c.strip() for c in row.strip("|").split("|")] for row in block]
    header, problems, checked = cells[0], [], 0
    for r, row in enumerate(cells[2:]):
        for col, (k, file, model) in columns.items():
            cell = row[col - 1]
            name = re.search(r"`([a-z0-9_]+)`", row[0]) if rows_by is None else \
                re.search(r"`([a-z0-9_]+)`", header[col - 1])
            point = None
            if rows_by == "value_1":
                point = re.match(r"\s*([0-9.]+)", row[0]).group(1)
            measure = name.group(1)
            table = read_rows(os.path.join(outs[k - 1], file), model)
            hit = [v for (m, g, p), v in table.items() if m == measure and g == "all" and
                   (point is None or float(p) == float(point))]
            if not hit:
                problems.append(f"line {start + r + 2}: no {measure} (group all) in {file}")
                continue
            row_data = hit[0]
            mean_key = "mean_difference" if "mean_difference" in row_data else "mean"
            actual = [float(row_data[mean_key]), float(row_data["ci95_low"]),
                      float(row_data["ci95_high"])]
            new_cell, spans = cell, list(NUMBER.finditer(cell.replace("−", "-")))
            spans = [spans[0]] + [b for b in spans[1:] if "[" in cell[:b.start()]] if spans else []
            checks = list(zip(quoted(cell), actual, spans))
            for q, a, _ in checks:
                checked += 1
                if not agrees(q, a):
                    problems.append(f"line {start + r + 2}, column {col} ({measure}): the guide "
                                    f"says {cell!r}, essim now gives {shown(a, q)}")
            for q, a, span in reversed(checks):  # from the right, so that spans stay right
                if agrees(q, a):
                    continue
                new_cell = new_cell[:span.start(3)] + shown(abs(a), q) + new_cell[span.end(3):]
                if a < 0 < q[0] or q[0] < 0 < a:  # the sign, written as the guide writes it
                    sign = "−" if a < 0 else "+"
                    at = span.start(1) if span.group(1) else span.start(2) if span.group(2) \
                        else span.start(3)
                    new_cell = new_cell[:at] + sign + new_cell[span.end(1) if span.group(1) else at:]
            if new_cell != cell:
                UPDATES.append((start + r + 2, cell, new_cell))
    return problems, checked


def check_output(essim, body, block, start, tmp, cwd):
    problems, checked = [], 0
    commands = [b for b in body if b.startswith("essim ")]
    for k, command in enumerate(commands):
        out_arg = shlex.split(command)
        out = out_arg[out_arg.index("--out") + 1] if "--out" in out_arg else "out/"
        printed = run(essim, command, os.path.join(tmp, f"line{start}-{k + 1}"), cwd)
        printed = printed.replace(os.path.join(tmp, f"line{start}-{k + 1}"), out)
        untimed = lambda s: re.sub(r" in [0-9.]+ s;", " in T s;", s.strip())
        checked += 1
        if untimed(printed) != untimed(block[k]):
            problems.append(f"line {start + k + 1}: the guide shows\n  {block[k]}\n"
                            f"essim now prints\n  {printed.strip()}")
    return problems, checked


def main():
    essim, guide = os.path.abspath(sys.argv[1]), sys.argv[2]
    with open(guide) as f:
        text = f.read()
    problems, checked, blocks = [], 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        for kind, body, block, start in parse_blocks(text):
            blocks += 1
            check = check_table if kind == "example-table" else check_output
            try:
                p, n = check(essim, body, block, start, tmp, os.getcwd())
            except (RuntimeError, OSError, KeyError, IndexError, AttributeError) as e:
                p, n = [f"line {start}: {kind}: {e!r}"], 0
            problems += p
            checked += n
    for p in problems:
        print(f"{guide}:{p}")
    if os.environ.get("UPDATE") == "1" and UPDATES:
        lines = text.split("\n")
        for line, old, new in UPDATES:
            lines[line - 1] = lines[line - 1].replace(old, new, 1)
        with open(guide, "w") as f:
            f.write("\n".join(lines))
        print(f"guide examples: UPDATE=1 rewrote {len(UPDATES)} cells of {guide}: read the prose around them")
    print(f"guide examples: {blocks} blocks, {checked} numbers and lines checked, "
          f"{len(problems)} differ")
    return 1 if problems or blocks == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
