#!/usr/bin/env bash
# GP-HM benchmarks (spec gp-kronecker-pde §5.2): case 1 and case 3 for 10 000 steps, case 9 (200×200) for 1500 steps,
# PASS/FAIL per row, and the time per Adam step of every available dense backend (case 1 N = 400, case 9 200×200) as
# ratios to managed. Options go to `solvers bench gp`: --long (case 9 6000 steps, case 1 20 000 steps), --paper
# (case 1 100 000 steps), --steps-scale 0.01 (plumbing run, rows not judged), --no-timing, --timing-only,
# --backends mkl,openblas,managed, --markdown FILE.
# Usage: ./bench/gp.sh [options]; writes bench/results/gp-<yyyyMMdd-HHmm>.md (with the command line) unless --markdown.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mkdir -p bench/results
dotnet build Cli/Cli.csproj -c Release --nologo -v q >&2
exec dotnet Cli/bin/Release/net10.0/Solvers.Cli.dll bench gp "$@"
