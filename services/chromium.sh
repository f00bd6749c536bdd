#!/usr/bin/env bash
# Make sure Debian's chromium (and a Thai font for it) is installed, for the dashboard tests.
#
#   services/chromium.sh          # install what is missing, print nothing when all is there
#
# The dashboard tests drive /usr/bin/chromium through Playwright's executable_path; they never
# download a browser build. chromium comes from Debian's archive, fonts-noto-core brings
# Noto Sans Thai (the dashboard's first font) so Thai renders in screenshots instead of boxes,
# and fonts-noto-color-emoji the emoji people put in posts.
# Installing needs root and apt-get; without them, or when apt-get fails, this exits non-zero.
set -euo pipefail

CHROMIUM="${SIANG_CHROMIUM:-/usr/bin/chromium}"
PACKAGES=(chromium fonts-noto-core fonts-noto-color-emoji)

log() { echo "[chromium] $*" >&2; }
die() { echo "[chromium] ERROR: $*" >&2; exit 1; }

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
for package in "${PACKAGES[@]}"; do
  installed "$package" || missing+=("$package")
done

if [[ ${#missing[@]} -gt 0 ]]; then
  [[ "$(id -u)" -eq 0 ]] || die "need root to install ${missing[*]} (sudo $0)"
  command -v apt-get >/dev/null || die "apt-get not found: install ${missing[*]} by hand"
  log "installing Debian's ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_log="$(mktemp)"
  trap 'rm -f "$apt_log"' EXIT
  # A stale or empty package list is the usual reason for a first failure: update, retry once.
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$apt_log" 2>&1; then
    apt-get update -qq >>"$apt_log" 2>&1 || true
    if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$apt_log" 2>&1; then
      tail -n 20 "$apt_log" >&2
      die "apt-get could not install ${missing[*]}"
    fi
  fi
fi

[[ -x "$CHROMIUM" ]] || die "$CHROMIUM is missing after installing chromium"
"$CHROMIUM" --headless --no-sandbox --version >/dev/null 2>&1 \
  || die "$CHROMIUM is installed but does not start (try: $CHROMIUM --headless --version)"
