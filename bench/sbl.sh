#!/usr/bin/env bash
# Sparse Bayesian recovery (spec sparse-bayesian §5.2): SBL-1 … SBL-6 with PASS/FAIL per criterion — the default point
# (N = 3375, M = 1440, K_s = 3, 25 dB, 20 trials: SVD-/AM-KroSBL (accuracy also on 200 seeds, §6 pitfall 11), cSBL, oracle LS gated; KSBL, fast SBL, KOMP, plain OMP
# recorded; SVD-vs-cSBL speed ratio in the same run; fast SBL vs cSBL, AM inner-cap hits and managed-vs-native time ratios
# recorded) (SBL-1), SNR sweep (SBL-2), M₁ and K_s sweeps (SBL-3), unknown noise (SBL-4), N = 27 000 scale with allocated
# bytes (SBL-5), and scikit-learn ARDRegression / OMP on the exported SBL-1 problems (SBL-6, report only; needs
# /usr/bin/python3 with h5py and scikit-learn, installed here from Debian if missing).
# Options go to `solvers bench sbl`: --quick (reduced trials: a smoke run), --only SBL-1,SBL-5, --trials N,
# --ard-problems N (ARD takes ≈30 s per fit), --fast-problems N (fast SBL, rank-one updates; all 20 by default), --no-sklearn,
# --backends managed,openblas, --markdown FILE.
# The full run takes tens of minutes on 2 cores (cSBL ≈10 s per trial, ARD ≈30 s per fit); SOLVERS_DENSE_BACKEND picks the backend.
# Usage: ./bench/sbl.sh [options]; writes bench/results/sbl-<yyyyMMdd-HHmm>.md (with the command line) unless --markdown.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mkdir -p bench/results
if [[ " $* " != *" --no-sklearn "* ]] && ! /usr/bin/python3 -c "import sklearn, h5py" 2>/dev/null; then
    echo "installing python3-sklearn python3-h5py for SBL-6…" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-sklearn python3-h5py >&2
fi
dotnet build Cli/Cli.csproj -c Release --nologo -v q >&2
exec dotnet Cli/bin/Release/net10.0/Solvers.Cli.dll bench sbl "$@"
