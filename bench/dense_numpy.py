#!/usr/bin/env python3
"""numpy reference for `solvers bench dense`: the same dense operations, best of N, GFLOP/s printed as JSON on stdout.

Operations and flop models (as in DenseBackendBenchmark): gemm n = 500, 1000, 2000 (a @ b, 2n^3); Cholesky n = 2000
(numpy.linalg.cholesky, n^3/3); Householder QR 2000x2000 and 20000x200 (numpy.linalg.qr(mode='raw'): geqrf only,
2mn^2 - 2n^3/3). Inputs are uniform in [-1, 1) with a fixed seed; the SPD matrix is symmetric with n + 1 on the diagonal.
numpy links Debian's BLAS/LAPACK alternative (OpenBLAS here); the OPENBLAS_* environment is used as set.
Usage: /usr/bin/python3 bench/dense_numpy.py [--repeats 3] [--min-seconds 0.25]
"""
import argparse
import json
import sys
import time

import numpy as np


MIN_SECONDS = 0.0


def best_of(repeats, setup, run):
    """Best of at least `repeats` calls and MIN_SECONDS of timed work (at most 200 calls), as in DenseBackendBenchmark."""
    best, total, calls = float("inf"), 0.0, 0
    while calls < repeats or (total < MIN_SECONDS and calls < 200):
        arg = setup()
        t0 = time.perf_counter()
        run(arg)
        t = time.perf_counter() - t0
        best, total, calls = min(best, t), total + t, calls + 1
    return best


def loaded_blas():
    """The BLAS/LAPACK shared objects mapped into this process (after a call has loaded them)."""
    libs = set()
    try:
        with open("/proc/self/maps", encoding="ascii", errors="replace") as f:
            for line in f:
                path = line.split()[-1]
                name = path.rsplit("/", 1)[-1].lower()
                if path.startswith("/") and ("blas" in name or "lapack" in name or "mkl" in name):
                    libs.add(path)
    except OSError:
        pass
    return ", ".join(sorted(libs)) or "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--min-seconds", type=float, default=0.0)
    args = ap.parse_args()
    global MIN_SECONDS
    MIN_SECONDS = max(0.0, args.min_seconds)
    reps = max(1, args.repeats)
    rng = np.random.default_rng(12345)
    out = {}

    # warm-up: load the libraries and start the BLAS threads
    w = rng.uniform(-1, 1, (64, 64))
    _ = w @ w
    np.linalg.cholesky(w @ w.T + 64 * np.eye(64))
    np.linalg.qr(w, mode="raw")

    for n in (500, 1000, 2000):
        a = np.asfortranarray(rng.uniform(-1, 1, (n, n)))
        b = np.asfortranarray(rng.uniform(-1, 1, (n, n)))
        t = best_of(reps, lambda: None, lambda _: a @ b)
        out[f"gemm{n}"] = 2.0 * n**3 / t / 1e9
        print(f"gemm n={n}: {out[f'gemm{n}']:.2f} GFLOP/s", file=sys.stderr)

    n = 2000
    s = rng.uniform(-1, 1, (n, n))
    s = np.tril(s) + np.tril(s, -1).T
    np.fill_diagonal(s, n + 1.0)
    t = best_of(reps, lambda: None, lambda _: np.linalg.cholesky(s))
    out["chol2000"] = n**3 / 3.0 / t / 1e9
    print(f"cholesky n={n}: {out['chol2000']:.2f} GFLOP/s", file=sys.stderr)

    for key, m, n in (("qr2000", 2000, 2000), ("qr20000x200", 20000, 200)):
        a = rng.uniform(-1, 1, (m, n))
        t = best_of(reps, lambda: None, lambda _: np.linalg.qr(a, mode="raw"))
        out[key] = (2.0 * m * n * n - 2.0 * n**3 / 3.0) / t / 1e9
        print(f"qr {m}x{n}: {out[key]:.2f} GFLOP/s", file=sys.stderr)

    json.dump({
        "numpy": np.__version__,
        "blas": loaded_blas(),
        "ops": f"best of >= {reps} calls and >= {MIN_SECONDS} s; @, linalg.cholesky, linalg.qr(mode='raw')",
        "gflops": out,
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()
