#!/usr/bin/env python3
"""Joins `solvers bench cg --csv` rows with the peers' CSV (../shared/peers/run_peers.sh) measured in the same run
and prints a Markdown table of time-per-iteration ratios (ours ÷ peer; < 1 means faster)."""
import csv
import sys


def rows(path):
    with open(path, newline="") as f:
        return [r for r in csv.DictReader(f) if r.get("s_per_iter")]


def main(ours_path, peers_path):
    ours = rows(ours_path)
    peers = [r for r in rows(peers_path) if (r.get("note") or "ok").startswith("ok") and r["peer"] and "spmv" not in r["peer"]]
    problems = [p for p in dict.fromkeys(r["problem"] for r in ours)]
    print("| problem | peer | peer it | peer ms/it | solvers csr ms/it ÷ peer | solvers stencil ms/it ÷ peer |")
    print("|---|---|---|---|---|---|")
    for prob in problems:
        mine = {r["peer"]: float(r["s_per_iter"]) for r in ours if r["problem"] == prob}
        for r in peers:
            if r["problem"] != prob:
                continue
            spi = float(r["s_per_iter"])
            if spi <= 0:
                continue
            csr = mine.get("solvers-csr")
            st = mine.get("solvers-stencil")
            print(f"| {prob} | {r['peer']} | {r['iters']} | {spi * 1e3:.3f} | "
                  f"{csr / spi if csr else float('nan'):.2f} | {st / spi if st else float('nan'):.2f} |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
