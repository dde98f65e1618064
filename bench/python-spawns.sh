#!/usr/bin/env bash
# How many python interpreters does one `tfbuild build` of the r1.4-shaped fixture start? strace -f counts every
# process that execve's a python (a pyenv shim's pid counts once, though pyenv re-execs it). Run twice: with
# --no-install and with the default venv install + verify. Needs `npm run build`, strace and bazel on PATH.
# strace -f follows the bazel server too, so the traced shell kills it (pid file under XDG_CACHE_HOME) before exiting.
# Usage: bench/python-spawns.sh [outdir]   → prints one summary line per run; traces stay in outdir.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$(mktemp -d /tmp/tfb-pyspawn-XXXXXX)}
mkdir -p "$OUT"
BARE=$(node --input-type=module -e "import('$ROOT/bench/build-overhead-fixture.mjs').then((m) => console.log(m.makeFixtureRepo('$OUT')))")
export CI=1 NO_COLOR=1
count() { # trace file → "python processes: N (by argv[0]/script: …)"
  awk '/execve\(/ && / = 0$/ { if (match($0, /execve\("[^"]*"/)) { p = substr($0, RSTART + 8, RLENGTH - 9); n = split(p, a, "/"); b = a[n]; if (b ~ /^python[0-9.]*$/ && !seen[$1]++) { c++; k = $0; sub(/^[0-9]+ +execve\("[^"]*", \[/, "", k); sub(/\], .*$/, "", k); kinds[substr(k, 1, 70)]++ } } } END { printf "python processes: %d\n", c; for (x in kinds) printf "  %3d  %s\n", kinds[x], x }' "$1"
}
run() { # name, extra args…
  local name=$1; shift
  local cache="$OUT/$name-cache"
  mkdir -p "$OUT/$name"
  env XDG_CACHE_HOME="$cache" strace -f -qq -s 60 -e trace=execve -o "$OUT/$name.trace" bash -c '
    node "$0/bin/tfbuild.js" r1.4 --recipe "$0/test/fixtures/recipes/fixture-r1.4.yaml" --repo "$1" --workdir "$2/work" --output "$2/dist" --yes "${@:4}" >"$2/log" 2>&1; echo $? >"$2/rc"
    for f in "$3"/tfbuild/bazel/*/server/server.pid.txt; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true; done
  ' "$ROOT" "$BARE" "$OUT/$name" "$cache" "$@" &
  wait $! || true
  echo "== $name (exit $(cat "$OUT/$name/rc"))"
  count "$OUT/$name.trace"
}
run no-install --no-install
run full
