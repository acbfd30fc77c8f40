#!/usr/bin/env bash
# Records the parity fingerprints of every spec in tests/parity/specs with the current build:
#   tests/parity/record.sh OUT_DIR         (then: diff -r tests/parity/golden OUT_DIR)
# The golden/ folder was recorded before the seams refactor (issue 9); after it, the same specs must give the same
# fingerprints bit for bit (tests/FedLab.Engine.Tests/Parity checks the tiny ones in the test suite).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: record.sh OUT_DIR}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build src/FedLab.Web -v q --nologo >/dev/null
for spec in tests/parity/specs/*.json; do
  name=$(basename "$spec" .json)
  FedLab__DataDirectory="$work/fedlab" dotnet run --no-build --project src/FedLab.Web -- run --config "$spec" --out "$work/$name.json" >"$work/$name.log" 2>&1 \
    || { cat "$work/$name.log"; exit 1; }
  python3 tests/parity/fingerprint.py "$work/$name.json" >"$out/$name.json"
  echo "$name: $(grep -c '"round"' "$out/$name.json") rows"
done
