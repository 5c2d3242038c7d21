#!/usr/bin/env python3
"""scikit-learn reference for `solvers bench sbl` (SBL-6, spec sparse-bayesian §4.8 and §5.2): report-only reference points.

Reads every problem-NNN.h5 in --dir (written by the C# bench: dense A = A1 (x) A2 (x) A3 in C order, its factors A1..A3,
y, x and the attribute noise_variance), and writes result-NNN.h5 next to it with
  x_omp  (OrthogonalMatchingPursuit(n_nonzero_coefs=27, fit_intercept=False): the oracle count 3^3),
  x_ard  (ARDRegression(fit_intercept=False), otherwise default settings; only on the first --ard problems),
and the attributes t_omp, t_ard (seconds of the fit call), ard_noise_variance (1/alpha_), ard_iterations and kron_check
(max |kron(A1, A2, A3) - A|, which confirms the exported index order). The C# side scores x_omp and x_ard.
Progress goes to stderr; one summary line (library versions) to stdout.
Usage: /usr/bin/python3 bench/sbl_sklearn.py --dir DIR [--ard N]   (N < 0: ARD on every problem)
"""
import argparse
import glob
import os
import sys
import time
import warnings

import h5py
import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ARDRegression, OrthogonalMatchingPursuit


def blas_name():
    """The BLAS numpy links, for the report (best effort: numpy's build config when threadpoolctl is absent)."""
    try:
        from threadpoolctl import threadpool_info
        libs = [f"{i.get('internal_api')} {i.get('version')} ({i.get('num_threads')} threads)" for i in threadpool_info()]
        return ", ".join(libs) if libs else "unknown"
    except ImportError:
        return "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--ard", type=int, default=-1, help="run ARD on the first N problems only (N < 0: all)")
    ap.add_argument("--omp-k", type=int, default=27)
    args = ap.parse_args()

    files = sorted(glob.glob(os.path.join(args.dir, "problem-*.h5")))
    if not files:
        print(f"no problem-*.h5 in {args.dir}", file=sys.stderr)
        return 1
    # ARD's fixed iteration count ends without convergence on some problems; it is still the estimator's answer.
    warnings.simplefilter("ignore", category=ConvergenceWarning)
    for i, path in enumerate(files):
        with h5py.File(path, "r") as f:
            a = f["A"][...]
            y = f["y"][...]
            factors = [f[f"A{k}"][...] for k in range(1, 4)]
        kron = factors[0]
        for b in factors[1:]:
            kron = np.kron(kron, b)
        kron_check = float(np.max(np.abs(kron - a)))

        omp = OrthogonalMatchingPursuit(n_nonzero_coefs=args.omp_k, fit_intercept=False)
        t0 = time.perf_counter()
        omp.fit(a, y)
        t_omp = time.perf_counter() - t0

        out = os.path.join(args.dir, "result-" + os.path.basename(path)[len("problem-"):])
        with h5py.File(out, "w") as g:
            g["x_omp"] = np.asarray(omp.coef_, dtype=np.float64)
            g.attrs["t_omp"] = t_omp
            g.attrs["kron_check"] = kron_check
            line = f"problem {i + 1}/{len(files)}: OMP {t_omp:.3f} s"
            if args.ard < 0 or i < args.ard:
                ard = ARDRegression(fit_intercept=False)
                t0 = time.perf_counter()
                ard.fit(a, y)
                t_ard = time.perf_counter() - t0
                g["x_ard"] = np.asarray(ard.coef_, dtype=np.float64)
                g.attrs["t_ard"] = t_ard
                g.attrs["ard_noise_variance"] = 1.0 / ard.alpha_
                g.attrs["ard_iterations"] = np.int64(getattr(ard, "n_iter_", -1))
                line += f", ARD {t_ard:.1f} s"
        print(line, file=sys.stderr, flush=True)

    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, h5py {h5py.__version__}, BLAS {blas_name()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
