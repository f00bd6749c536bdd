#!/usr/bin/env bash
# The test command behind `make test`: start the real services the tests need, run every
# test (unit and integration), stop the services whatever happened, exit with pytest's code.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"

# Two checkouts on one machine run side by side: this one's Elasticsearch test node gets a
# free port (and a free transport port 100 above it), a run directory and a user of its own,
# so starting or stopping it never touches another checkout's node. The SMTP server, the
# API under test and the fake platforms already take free ports in the tests.
checkout="$(pwd -P | sha1sum | cut -c1-10)"
free_port() {
  "$PYTHON" - <<'PY'
import socket

for _ in range(100):
    with socket.socket() as http:
        http.bind(("127.0.0.1", 0))
        port = http.getsockname()[1]
        if port + 100 > 65535:
            continue
        with socket.socket() as transport:
            try:
                transport.bind(("127.0.0.1", port + 100))
            except OSError:
                continue
        print(port)
        break
PY
}
export SIANG_ES_PORT="${SIANG_ES_PORT:-$(free_port)}"
export SIANG_ES_RUN_DIR="${SIANG_ES_RUN_DIR:-/tmp/siang-es-$checkout}"
export SIANG_ES_USER="${SIANG_ES_USER:-siang-es-$checkout}"
export SIANG_ES_ENV_FILE="${SIANG_ES_ENV_FILE:-/tmp/siang-es-$checkout.env}"

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
