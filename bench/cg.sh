#!/usr/bin/env bash
# CG benchmark: stencil vs CSR, with bandwidth against a same-run triad; optional peers (PEERS=1).
# Usage: ./bench/cg.sh [extra `solvers bench cg` options]; writes bench/results/cg-<date>.md
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mkdir -p bench/results
out="bench/results/cg-$(date -u +%Y%m%d-%H%M).md"
{
  echo "# CG benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Command: \`./bench/cg.sh $*\` (\`solvers bench cg\`), machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
} > "$out"
./solvers.sh bench cg --markdown "$out.table" "$@"
cat "$out.table" >> "$out"; rm -f "$out.table"
if [ "${PEERS:-0}" = 1 ] && [ -x ../shared/peers/run_peers.sh ]; then
  echo "running peers (textbook CG in C, Eigen) on the same problems…" >&2
  peers_csv=$(PEERS_PROBLEMS="poisson2d_512 poisson2d_1024 poisson3d_64" PEERS_ONLY="stream cgc eigen" \
    PEERS_WORK="${TMPDIR:-/tmp}/solvers-peers" ../shared/peers/run_peers.sh 2>/dev/null || true)
  { echo; echo "## Peers, same run (../shared/peers/run_peers.sh, PEERS_ONLY=\"stream cgc eigen\")"; echo; echo '```'; echo "$peers_csv"; echo '```'; } >> "$out"
fi
echo "recorded in $out" >&2
