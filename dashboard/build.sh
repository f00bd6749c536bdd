#!/usr/bin/env bash
# Build the dashboard into dashboard/static/ (served by the API at /dashboard).
#
#   dashboard/build.sh           # npm ci when needed, then bundle; nothing to do when up to date
#   dashboard/build.sh --force   # bundle again whatever the timestamps say
#
# Needs Node.js 18+ and npm, and the npm registry the first time (npm ci from
# package-lock.json). Nothing is fetched at run time: the bundle holds ECharts and the map.
set -euo pipefail
cd "$(dirname "$0")"

log() { echo "[dashboard] $*" >&2; }
die() { echo "[dashboard] ERROR: $*" >&2; exit 1; }

STAMP=static/.built
SOURCES=(web package.json package-lock.json build.mjs)

force=0
[[ "${1:-}" == "--force" ]] && force=1

# Up to date: the last build is newer than every source file.
if [[ $force -eq 0 && -f "$STAMP" && -z "$(find "${SOURCES[@]}" -newer "$STAMP" -print -quit)" ]]; then
  exit 0
fi

command -v node >/dev/null || die "Node.js is required to build the dashboard (apt-get install nodejs npm)"
command -v npm >/dev/null || die "npm is required to build the dashboard"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' \
  || die "Node.js 18 or newer is required (found $(node --version))"

# npm ci only when the installed tree is older than the lock file. No install scripts are
# needed: esbuild's binary comes in its platform package (@esbuild/<os>-<cpu>).
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "installing packages from package-lock.json"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null || die "npm ci failed"
fi

log "bundling web/ into static/"
node build.mjs >&2 || die "the bundle failed (see above)"
touch "$STAMP"
