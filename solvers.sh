#!/usr/bin/env bash
# The `solvers` command line, built on first use. Example: ./solvers.sh solve problems/poisson2d_256.h5
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dll="$here/Cli/bin/Release/net10.0/Solvers.Cli.dll"
if [ ! -f "$dll" ] || [ -n "$(find "$here/Operators" "$here/Preconditioners" "$here/Solvers" "$here/PDE" "$here/Learned" "$here/Cli" -name '*.cs' -newer "$dll" -print -quit)" ]; then
  dotnet build "$here/Cli/Cli.csproj" -c Release --nologo -v q >&2
fi
exec dotnet "$dll" "$@"
