#!/usr/bin/env bash
# "Learning to Relax" benchmarks (spec sor-bandit §4.1, §5.2; issue 4): the shifted-Laplacian SOR experiment
# (T = 5000, 4 trials, both shift distributions; PASS/FAIL per §5.2 row) and, unless HEAT=0, the heat-equation
# SSOR-PCG sequence (nx = 50, T = 5000 or as many steps as fit the time budget; the issue's threshold).
# Usage: [HEAT=0] ./bench/sor-bandit.sh [extra `solvers bench sor-bandit` options]; writes bench/results/sor-bandit-<date>.md
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mkdir -p bench/results
stamp=$(date -u +%Y%m%d-%H%M)
out="bench/results/sor-bandit-$stamp.md"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
./solvers.sh bench sor-bandit --markdown "$tmp/sor.md" "$@" || status=$?
{
  echo "# SOR with ω learned online (sor-bandit), $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Commit $(git rev-parse --short HEAD); machine: $machine"
  echo
  echo "## Shifted-Laplacian SOR sequence (\`solvers bench sor-bandit $*\`)"
  echo
  cat "$tmp/sor.md"
} > "$out"
if [ "${HEAT:-1}" != 0 ]; then
  ./solvers.sh bench heat --markdown "$tmp/heat.md" || status=$?
  {
    echo
    echo "## Heat equation, SSOR-PCG (\`solvers bench heat\`)"
    echo
    cat "$tmp/heat.md"
  } >> "$out"
fi
echo "recorded in $out" >&2
exit $status
