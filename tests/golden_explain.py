#!/usr/bin/env python3
"""Says which measures moved when a golden fingerprint changed: reads the stored summary.csv of
the case and the new one, joins them by measure and group, and prints the rows whose mean
changed (largest change first, measured in the stored standard deviations where there is one),
then the rows that appeared or disappeared.
Usage: golden_explain.py STORED_SUMMARY NEW_SUMMARY [MAX_ROWS]"""
import csv
import sys


def read(path):
    with open(path, newline="") as f:
        return {(r["measure"], r["group"]): r for r in csv.DictReader(f)}


def main():
    old, new = read(sys.argv[1]), read(sys.argv[2])
    most = int(sys.argv[3]) if len(sys.argv) > 3 else 12
    moved = []
    for key in old.keys() & new.keys():
        a, b = float(old[key]["mean"]), float(new[key]["mean"])
        if a != b:
            sd = float(old[key]["sd"] or 0)
            scale = sd if sd > 0 else max(abs(a), 1e-12)
            moved.append((abs(b - a) / scale, key, a, b, sd))
    moved.sort(key=lambda m: (-m[0], m[1]))
    print(f"  summary.csv: {len(moved)} of {len(old)} measures moved"
          f"{f', the {most} largest' if len(moved) > most else ''}:")
    for size, (measure, group), a, b, sd in moved[:most]:
        unit = f"{size:.2f} sd" if sd > 0 else "no sd"
        print(f"    {measure} [{group}]: {a:.6g} -> {b:.6g} ({b - a:+.6g}, {unit})")
    for key in sorted(old.keys() - new.keys())[:most]:
        print(f"    gone: {key[0]} [{key[1]}]")
    for key in sorted(new.keys() - old.keys())[:most]:
        print(f"    new:  {key[0]} [{key[1]}]")


main()
