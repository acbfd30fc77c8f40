#!/usr/bin/env bash
# Runs every FedLab test: ./test.sh
#   ./test.sh --fast        the fast tier for your own loop: no child processes, browser or real pre-trained models
#   ./test.sh --filter X    any `dotnet test` arguments pass through (e.g. --filter Category=Process)
# The browser tests need Debian's chromium; as root this installs it when missing.
set -euo pipefail
cd "$(dirname "$0")"

args=()
for a in "$@"; do
  if [ "$a" = "--fast" ]; then
    args+=(--filter "Category!=Process&Category!=Browser&Category!=RealModel")
  else
    args+=("$a")
  fi
done
set -- "${args[@]+"${args[@]}"}"

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "installing chromium for the browser tests (apt-get)..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "note: /usr/bin/chromium is missing and cannot be installed without root; the browser tests will fail" >&2
  fi
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test FedLab.sln --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain closing line summed over the test assemblies.
awk '/(Passed|Failed)!  - Failed:/ {
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1)
       }
     }
     END { gsub(",", "", p); printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
