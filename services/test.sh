#!/usr/bin/env bash
# The test command behind `make test`: start the real services the tests need, run every
# test (unit and integration), stop the services whatever happened, exit with pytest's code.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
export SIANG_ES_ENV_FILE="${SIANG_ES_ENV_FILE:-/tmp/siang-es-test.env}"

cleanup() { services/elasticsearch.sh stop >/dev/null 2>&1 || true; }
trap cleanup EXIT INT TERM

# Compose validation needs `docker compose` or Debian's docker-compose (it parses offline).
if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null; then
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "make test: installing Debian's docker-compose to validate docker-compose.yml" >&2
    (apt-get install -y -qq docker-compose >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq docker-compose >/dev/null 2>&1; }) \
      || echo "make test: could not install docker-compose; the compose test will fail" >&2
  fi
fi

# The dashboard tests drive Debian's chromium through Playwright (never a downloaded browser).
if ! services/chromium.sh; then
  echo "make test: Debian's chromium could not be installed (see above)" >&2
  exit 1
fi

if ! services/elasticsearch.sh start; then
  echo "make test: the Elasticsearch test node could not start (see above)" >&2
  exit 1
fi
set -a; source "$SIANG_ES_ENV_FILE"; set +a

"$PYTHON" -m pytest "$@"
status=$?
if [[ $status -eq 5 ]]; then
  echo "make test: pytest collected no tests" >&2
fi
exit $status
