#!/usr/bin/env bash
# Hostile names and paths (issue 11): tests as data.  Each tests/hostile/names/CASE.name holds
# one name, byte for byte (SENTINEL stands for the path of a file no case may create).  Each is
# put in turn in every kind of name -- scenario, stream, catchment, census division (CSV),
# provider, funding model, component -- of tests/fault/small.cfg, and essim must either refuse
# it with "FILE:LINE: message" and exit 2, leaving no output folder, or run, with nothing
# executed (the sentinel is not created, neither at its absolute path nor in the working
# folder) and the name shown literally: report.html parses and holds it as text (no tag or
# attribute comes from it), every SVG parses as XML and shows it, every CSV parses, and
# manifest.json is valid JSON.  real-*.name are Ontario names: they must run and print as
# written (except as streams, whose names are short codes).  Then paths: a scenario in a folder
# and an --out named with backquotes, quotes and $(...), an --out that is not UTF-8, gnuplot
# missing, gnuplot failing at once, and --quiet printing nothing.
# Usage: tests/hostile/run.sh ESSIM   (from the repo root).  HOSTILE_JOBS=N runs N at a time.
set -u
essim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
repo=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
exec python3 - "$essim" "$repo" "$tmp" <<'PY'
import concurrent.futures, csv, glob, html.parser, io, json, os, re, shutil, subprocess, sys
import xml.etree.ElementTree as ET

essim, repo, tmp = sys.argv[1:4]
sentinel = os.path.join(tmp, "SENTINEL")
small = open(os.path.join(repo, "tests/fault/small.cfg"), encoding="utf-8").read()
geo = os.path.join(repo, "model/geography")
failures = []

def fail(case, msg):
    failures.append(f"{case}: {msg}")

def cfg_string(b):
    """bytes -> a libconfig string literal"""
    out = bytearray(b'"')
    for c in b:
        if c in (0x22, 0x5c):
            out += b"\\" + bytes([c])
        elif c == 0x0a:
            out += b"\\n"
        elif c < 0x20 or c == 0x7f:
            out += b"\\x%02x" % c
        else:
            out.append(c)
    return bytes(out + b'"')

def csv_field(b):
    return b'"' + b.replace(b'"', b'""') + b'"'

def write(path, data):
    with open(path, "wb") as f:
        f.write(data)

# ---- a case folder: the scenario with the name in one place --------------------------------
def build(d, kinds, name):
    os.makedirs(d)
    s = small.encode()
    cds_csv = open(os.path.join(geo, "census_divisions.csv"), "rb").read()
    ca_csv = open(os.path.join(geo, "catchments.csv"), "rb").read()
    catchment = open(os.path.join(repo, "model/catchments/muskoka-kawarthas.cfg"), "rb").read()
    funding = open(os.path.join(repo, "model/funding/ies-performance.cfg"), "rb").read()
    if "scenario" in kinds:
        s = s.replace(b'"Fault-injection sweep (Muskoka-Kawarthas, two months)"', cfg_string(name))
    if "stream" in kinds:
        s = s.replace(b'{ name = "A";', b"{ name = " + cfg_string(name) + b";")
        s = re.sub(rb'\n  funding_model = [^\n]*', b"", s)  # its amounts name stream A
    if "catchment" in kinds:
        ca_csv = ca_csv.replace(b"," + name + b",", b"," + name + b" (shipped),")  # a real name
        ca_csv = ca_csv.replace(b",Muskoka-Kawarthas,", b"," + csv_field(name) + b",")
        catchment = catchment.replace(b'name = "Muskoka-Kawarthas";', b"name = " + cfg_string(name) + b";")
    if "cd" in kinds:
        cds_csv = cds_csv.replace(b"3515,Peterborough,", b"3515," + csv_field(name) + b",")
    if "provider" in kinds:
        catchment = catchment.replace(b'"Muskoka-Kawarthas Provider 1"', cfg_string(name))
    if "funding" in kinds:
        funding = funding.replace(b'"Ontario IES performance-based (illustrative)"', cfg_string(name))
    if "component" in kinds:
        funding = funding.replace(b'"ssm_operational"', cfg_string(name), 1)
    write(os.path.join(d, "census_divisions.csv"), cds_csv)
    write(os.path.join(d, "catchments.csv"), ca_csv)
    write(os.path.join(d, "catchment.cfg"), catchment)
    write(os.path.join(d, "funding.cfg"), funding)
    s = s.replace(b"../../model/geography/census_divisions.csv", b"census_divisions.csv")
    s = s.replace(b"../../model/geography/catchments.csv", b"catchments.csv")
    s = s.replace(b"../../model/catchments/muskoka-kawarthas.cfg", b"catchment.cfg")
    s = s.replace(b"../../model/funding/ies-performance.cfg", b"funding.cfg")
    write(os.path.join(d, "s.cfg"), s)
    return os.path.join(d, "s.cfg")

# ---- what an output folder must be -----------------------------------------------------------
class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.tags, self.attrs = [], [], []
    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [a for a, _ in attrs]
    def handle_data(self, data):
        self.text.append(data)

def page(path):
    p = Page()
    p.feed(open(path, encoding="utf-8").read())
    p.close()
    return p

baseline = {}

def svg_texts(out):
    texts = []
    for f in glob.glob(os.path.join(out, "**", "*.svg"), recursive=True):
        try:
            root = ET.parse(f).getroot()
        except ET.ParseError as e:
            raise AssertionError(f"{os.path.relpath(f, out)} is not XML: {e}")
        texts += ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    return texts

def check_folder(case, out, shown=None, in_report=False, in_svg=False):
    try:
        for f in glob.glob(os.path.join(out, "**", "*.csv"), recursive=True):
            with open(f, encoding="utf-8", newline="") as fh:
                rows = list(csv.reader(fh, strict=True))
            if not rows:
                fail(case, f"{os.path.relpath(f, out)} is empty")
        json.load(open(os.path.join(out, "manifest.json"), encoding="utf-8"))
        p = page(os.path.join(out, "report.html"))
        if not set(p.tags) <= baseline["tags"] or not set(p.attrs) <= baseline["attrs"]:
            fail(case, f"report.html has tags {sorted(set(p.tags) - baseline['tags'])} or "
                       f"attributes {sorted(set(p.attrs) - baseline['attrs'])} essim did not write")
        if p.tags.count("script") != baseline["scripts"]:
            fail(case, "report.html has a <script> essim did not write")
        if shown and in_report and shown not in "".join(p.text):
            fail(case, f"report.html does not show {shown!r} as text")
        texts = svg_texts(out)
        if shown and in_svg and not any(shown in t for t in texts):
            fail(case, f"no SVG shows {shown!r}")
    except (AssertionError, ValueError, csv.Error, OSError, UnicodeDecodeError) as e:
        fail(case, str(e))

def run(args, cwd, env=None):
    return subprocess.run([essim] + args, cwd=cwd, capture_output=True, env=env, timeout=300)

# ---- baseline: the tags and attributes of report.html when no name is hostile ---------------
d0 = os.path.join(tmp, "baseline")
cfg0 = build(d0, (), b"")
baseline.update(tags=set(), attrs=set(), scripts=0)
for args in (["run", cfg0], ["compare", cfg0, "--funding", os.path.join(d0, "funding.cfg") + "," +
                             os.path.join(repo, "model/funding/eo-legacy-block.cfg")]):
    out0 = os.path.join(d0, args[0])
    r = run(args + ["--out", out0, "--quiet"], d0)
    if r.returncode != 0:
        sys.exit(f"hostile: the baseline {args[0]} failed: {r.stderr.decode(errors='replace')}")
    p0 = page(os.path.join(out0, "report.html"))
    baseline["tags"] |= set(p0.tags)
    baseline["attrs"] |= set(p0.attrs)
    baseline["scripts"] = max(baseline["scripts"], p0.tags.count("script"))

# ---- every name in every place ---------------------------------------------------------------
# First `essim check` with the name in each place alone (quick: no simulation, no plots): a
# refusal must point at FILE:LINE.  Then the places that took it are run: the scenario,
# catchment, census-division, provider and component names in one run, the stream name in
# another (without the funding model, whose amounts name stream A), the funding model's name
# in a comparison (whose plots and report name every model).
kinds = ["scenario", "stream", "catchment", "cd", "provider", "funding", "component"]
shown_in = {"scenario": "report svg", "stream": "report svg", "catchment": "svg", "cd": "svg",
            "funding": "report svg"}
counts = {"refused": 0, "ran": 0}

def sentinel_check(label, d):
    for p in (sentinel, os.path.join(d, "SENTINEL")):
        if os.path.exists(p):
            fail(label, "a command in the name ran (SENTINEL exists)")
            os.unlink(p)

def check_one(case, name, kind):
    label = f"{case} as {kind}"
    d = os.path.join(tmp, re.sub(r"[^a-z0-9-]", "_", label))
    r = run(["check", build(d, (kind,), name)], d)
    err = r.stderr.decode("utf-8", errors="replace")
    sentinel_check(label, d)
    shutil.rmtree(d)
    if r.returncode == 2:
        if not re.match(r"essim: [^\n:]+:\d+: ", err):
            fail(label, f"refused without FILE:LINE: {err.strip()[:300]}")
        if case.startswith("real-") and kind != "stream":
            fail(label, f"a real Ontario name was refused: {err.strip()[:300]}")
        counts["refused"] += 1
        return False
    if r.returncode != 0:
        fail(label, f"check: exit status {r.returncode}: {err.strip()[:300]}")
        return False
    return True

def run_one(case, name, places):
    label = f"{case} as {'+'.join(places)}"
    d = os.path.join(tmp, re.sub(r"[^a-z0-9-+]", "_", label))
    cfg = build(d, places, name)
    out = os.path.join(d, "out")
    if places == ("funding",):
        args = ["compare", cfg, "--funding",
                os.path.join(d, "funding.cfg") + "," + os.path.join(repo, "model/funding/eo-legacy-block.cfg")]
    else:
        args = ["run", cfg]
    r = run(args + ["--out", out, "--quiet"], d)
    err = r.stderr.decode("utf-8", errors="replace")
    sentinel_check(label, d)
    if r.returncode != 0:
        fail(label, f"exit status {r.returncode}: {err.strip()[:300]}")
        return
    if r.stdout:
        fail(label, "--quiet printed on stdout")
    counts["ran"] += 1
    try:
        text = name.decode("utf-8")
    except UnicodeDecodeError:
        fail(label, "a name that is not UTF-8 was accepted")
        text = None
    for k in places:
        where = shown_in.get(k, "")
        shown = text.split(" / ")[0] if k == "cd" and text else text  # plots: a division's English half
        check_folder(label, out, shown, "report" in where, "svg" in where)
    shutil.rmtree(d)

def one_name(case_file):
    try:
        one_name_checked(case_file)
    except Exception as e:  # a case that breaks the runner is a failure, not the end of the run
        fail(os.path.basename(case_file), f"{type(e).__name__}: {e}")

def one_name_checked(case_file):
    case = os.path.basename(case_file)[:-len(".name")]
    name = open(case_file, "rb").read().replace(b"SENTINEL", sentinel.encode())
    took = [k for k in kinds if check_one(case, name, k)]
    together = tuple(k for k in took if k not in ("stream", "funding"))
    for places in [together] + [(k,) for k in ("stream", "funding") if k in took]:
        if places:
            run_one(case, name, places)

cases = sorted(glob.glob(os.path.join(repo, "tests/hostile/names/*.name")))
jobs = int(os.environ.get("HOSTILE_JOBS", "2"))
with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
    list(pool.map(one_name, cases))
ran, refused = counts["ran"], counts["refused"]

# ---- paths -----------------------------------------------------------------------------------
weird = os.path.join(tmp, "it's `touch SENTINEL` $(touch SENTINEL) \"q\"")
cfg = build(weird, (), b"")
out = os.path.join(tmp, "out 'x' `touch SENTINEL` $(touch SENTINEL) \\")
r = run(["run", cfg, "--out", out, "--quiet"], tmp)
if r.returncode != 0:
    fail("hostile paths", f"exit status {r.returncode}: {r.stderr.decode(errors='replace').strip()}")
else:
    check_folder("hostile paths", out)
if os.path.exists(sentinel):
    fail("hostile paths", "a command in a path ran (SENTINEL exists)")

latin1 = os.path.join(tmp, "out-\xe9").encode("latin-1")
r = subprocess.run([essim.encode(), b"run", cfg.encode(), b"--out", latin1, b"--quiet"], cwd=tmp,
                   capture_output=True, timeout=300)
if r.returncode == 0:
    try:
        json.load(open(os.path.join(latin1, b"manifest.json"), encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        fail("--out not UTF-8", f"manifest.json is not valid JSON: {e}")
elif r.returncode != 2:
    fail("--out not UTF-8", f"exit status {r.returncode}")

# ---- gnuplot missing or failing ---------------------------------------------------------------
def gnuplot_case(label, bindir, expect):
    out = os.path.join(tmp, "gp-" + label.replace(" ", "-"))
    env = dict(os.environ, PATH=bindir)
    r = run(["run", cfg, "--out", out, "--quiet"], tmp, env)
    err = r.stderr.decode(errors="replace")
    if r.returncode != 1 or not re.search(expect, err):
        fail(label, f"exit status {r.returncode}, expected 1 and /{expect}/: {err.strip()[:300]}")
    left = [f for f in os.listdir(tmp) if "gp-" + label.replace(" ", "-") in f]
    if left:
        fail(label, f"left {left} behind")

nobin = os.path.join(tmp, "nobin")
os.makedirs(nobin)
gnuplot_case("gnuplot missing", nobin, r"gnuplot: not found")
failbin = os.path.join(tmp, "failbin")
os.makedirs(failbin)
write(os.path.join(failbin, "gnuplot"), b"#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n")
os.chmod(os.path.join(failbin, "gnuplot"), 0o755)
gnuplot_case("gnuplot failing", failbin + ":/usr/bin:/bin", r"gnuplot failed on plots/.*cannot open display")
closebin = os.path.join(tmp, "closebin")
os.makedirs(closebin)
write(os.path.join(closebin, "gnuplot"), b"#!/bin/sh\nexec 0<&-\nsleep 1\nexit 3\n")
os.chmod(os.path.join(closebin, "gnuplot"), 0o755)
gnuplot_case("gnuplot closing its input", closebin + ":/usr/bin:/bin", r"gnuplot failed on plots/.*exit status 3")

for f in failures:
    print("FAIL", f)
print(f"hostile: {len(cases)} names x {len(kinds)} places: {refused} refused, {ran} runs; "
      f"{len(failures)} failures")
sys.exit(1 if failures else 0)
PY
