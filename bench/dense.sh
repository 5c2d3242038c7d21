#!/usr/bin/env bash
# Dense backends benchmark: GFLOP/s of gemm (n = 500, 1000, 2000), Cholesky (n = 2000) and Householder QR (2000², 20000×200)
# on every available backend (managed, mkl, openblas) and on numpy (Debian python3-numpy, bench/dense_numpy.py) in the
# same run, with ratios against the targets, the MKL-vs-OpenBLAS comparison and the backend `best` picks.
# OPENBLAS_* / MKL_* variables are used as set on the machine (recorded in the report, never changed here).
# Usage: ./bench/dense.sh [extra `solvers bench dense` options, e.g. --quick]; writes bench/results/dense-<date>.md
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mkdir -p bench/results
stamp=$(date -u +%Y%m%d-%H%M)
out="bench/results/dense-$stamp.md"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
  echo "# Dense backends benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Command: \`./bench/dense.sh $*\` (\`solvers bench dense\`, numpy via \`/usr/bin/python3 bench/dense_numpy.py\` in the same run)"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), flags $(grep -m1 '^flags' /proc/cpuinfo | grep -o -w -E 'avx2|avx512f|fma' | sort -u | tr '\n' ' ' | sed 's/ $//'); load $(cut -d' ' -f1-3 /proc/loadavg) before the run"
  echo
  echo "Libraries: $(dpkg-query -W -f='${Package} ${Version}; ' libmkl-rt libopenblas0-pthread python3-numpy 2>/dev/null || true)"
  echo
} > "$out"
./solvers.sh bench dense --markdown "$tmp/report.md" "$@"
cat "$tmp/report.md" >> "$out"
echo "recorded in $out" >&2
