#!/usr/bin/env bash
# CG benchmark: matrix-free stencil vs CSR, effective bandwidth against a same-run triad, and (PEERS=1) time per
# iteration against Eigen's CG (1 and 2 OpenMP threads) from ../shared/peers/run_peers.sh, run right after.
# Usage: [PEERS=1] ./bench/cg.sh [extra `solvers bench cg` options]; writes bench/results/cg-<date>.md
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mkdir -p bench/results
stamp=$(date -u +%Y%m%d-%H%M)
out="bench/results/cg-$stamp.md"
tmp=$(mktemp -d)
{
  echo "# CG benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Command: \`PEERS=${PEERS:-0} ./bench/cg.sh $*\` (\`solvers bench cg\`); machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
} > "$out"
./solvers.sh bench cg --markdown "$tmp/table.md" --csv "$tmp/ours.csv" "$@"
cat "$tmp/table.md" >> "$out"
if [ "${PEERS:-0}" = 1 ]; then
  peers=../shared/peers/run_peers.sh
  [ -f "$peers" ] || { echo "no $peers beside the checkout" >&2; exit 1; }
  if [ ! -f /usr/include/eigen3/Eigen/Sparse ] || [ ! -f /usr/include/hdf5/serial/hdf5.h ]; then
    echo "installing the peers' build dependencies (libeigen3-dev libhdf5-dev python3-numpy python3-scipy python3-h5py)…" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libeigen3-dev libhdf5-dev python3-numpy python3-scipy python3-h5py >&2
  fi
  problems=$(tail -n +2 "$tmp/ours.csv" | cut -d, -f2 | sort -u | tr '\n' ' ')
  PEERS_PROBLEMS="$problems" PEERS_ONLY="stream eigen eigen-omp" PEERS_WORK="$tmp/peers" PEERS_OUT="$tmp/peers/out" \
    bash "$peers" > "$tmp/peers.csv" 2> "$tmp/peers.log" || true
  {
    echo
    echo "## Against peers, same run (Eigen 3.4 CG via ../shared/peers/run_peers.sh; ratio < 1: solvers is faster per iteration)"
    echo
    grep -i "triad" "$tmp/peers/out/stream.txt" 2>/dev/null | sed 's/^/    /' || true
    echo
    /usr/bin/python3 bench/compare_peers.py "$tmp/ours.csv" "$tmp/peers.csv"
  } >> "$out"
fi
rm -rf "$tmp"
echo "recorded in $out" >&2
