#!/usr/bin/env bash
# Start or stop a real single-node Elasticsearch 8 for the tests.
#
#   services/elasticsearch.sh start   # fetch (once), configure, start, wait until healthy
#   services/elasticsearch.sh stop
#   services/elasticsearch.sh resume  # start the stopped node again, keeping its data
#
# The node is Elasticsearch's integ-test zip from Maven Central, fetched with Maven and cached
# outside the repository. It runs on the machine's Java 17 as the unprivileged user
# $SIANG_ES_USER (Elasticsearch refuses root), bound to 127.0.0.1 with security on and the
# bootstrap password $SIANG_ES_PASSWORD. Connection details are written to $SIANG_ES_ENV_FILE.
set -euo pipefail

ES_VERSION="${SIANG_ES_VERSION:-8.19.4}"  # the newest 8.x that Maven Central serves
# As root the node runs as another user, who cannot read root's home: cache under /var/cache.
if [[ "$(id -u)" -eq 0 ]]; then DEFAULT_CACHE=/var/cache/siang; else DEFAULT_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/siang"; fi
CACHE="${SIANG_CACHE:-$DEFAULT_CACHE}"
ES_PORT="${SIANG_ES_PORT:-9250}"
ES_USER="${SIANG_ES_USER:-siang-es}"
ES_PASSWORD="${SIANG_ES_PASSWORD:-siang-test-password}"
RUN_DIR="${SIANG_ES_RUN_DIR:-/tmp/siang-es-$ES_PORT}"
ENV_FILE="${SIANG_ES_ENV_FILE:-$RUN_DIR/env}"
HOME_DIR="$CACHE/elasticsearch-$ES_VERSION"

log() { echo "[elasticsearch] $*" >&2; }
die() { echo "[elasticsearch] ERROR: $*" >&2; exit 1; }

java_home() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then echo "$JAVA_HOME"; return; fi
  local candidate
  for candidate in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-*; do
    [[ -x "$candidate/bin/java" ]] && { echo "$candidate"; return; }
  done
  command -v java >/dev/null || die "Java 17 is required (no java on PATH)"
  dirname "$(dirname "$(readlink -f "$(command -v java)")")"
}

fetch() {
  [[ -x "$HOME_DIR/bin/elasticsearch" ]] && return
  command -v mvn >/dev/null || die "Maven is required to fetch Elasticsearch $ES_VERSION"
  log "fetching Elasticsearch $ES_VERSION (integ-test zip) with Maven"
  local artifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
  mvn -q -B dependency:get -Dartifact="$artifact" -Dtransitive=false \
    || die "Maven could not fetch $artifact"
  local zip="$HOME/.m2/repository/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$ES_VERSION/elasticsearch-$ES_VERSION.zip"
  [[ -f "$zip" ]] || die "expected $zip after Maven fetch"
  mkdir -p "$CACHE"
  local tmp; tmp="$(mktemp -d "$CACHE/unpack.XXXXXX")"
  (cd "$tmp" && jar xf "$zip" 2>/dev/null || unzip -q "$zip" -d "$tmp")
  chmod +x "$tmp/elasticsearch-$ES_VERSION"/bin/*
  mv "$tmp/elasticsearch-$ES_VERSION" "$HOME_DIR"
  rm -rf "$tmp"
}

as_es_user() {
  if [[ "$(id -u)" -eq 0 ]]; then
    runuser -u "$ES_USER" -- env -u JAVA_HOME ES_JAVA_HOME="$ES_JAVA_HOME" "$@"
  else
    env -u JAVA_HOME ES_JAVA_HOME="$ES_JAVA_HOME" "$@"
  fi
}

start() {
  fetch
  ES_JAVA_HOME="$(java_home)"
  "$ES_JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "17' \
    || log "warning: Elasticsearch 8 is tested here with Java 17; found $("$ES_JAVA_HOME/bin/java" -version 2>&1 | head -1)"
  if [[ "$(id -u)" -eq 0 ]] && ! id "$ES_USER" >/dev/null 2>&1; then
    log "creating unprivileged user $ES_USER"
    useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
  fi
  stop_quietly
  rm -rf "$RUN_DIR"
  mkdir -p "$RUN_DIR/config" "$RUN_DIR/data" "$RUN_DIR/logs"
  cp -r "$HOME_DIR/config/." "$RUN_DIR/config/"
  cat > "$RUN_DIR/config/elasticsearch.yml" <<YAML
cluster.name: siang-test
node.name: siang-test-node
path.data: $RUN_DIR/data
path.logs: $RUN_DIR/logs
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $((ES_PORT + 100))
discovery.type: single-node
xpack.security.enabled: true
xpack.security.http.ssl.enabled: false
xpack.security.transport.ssl.enabled: false
action.destructive_requires_name: false
cluster.routing.allocation.disk.threshold_enabled: false
YAML
  cat > "$RUN_DIR/config/jvm.options.d/heap.options" <<OPTS
-Xms${SIANG_ES_HEAP:-1g}
-Xmx${SIANG_ES_HEAP:-1g}
OPTS
  if [[ "$(id -u)" -eq 0 ]]; then chown -R "$ES_USER" "$RUN_DIR"; chmod 755 "$CACHE" "$HOME_DIR"; fi
  export ES_PATH_CONF="$RUN_DIR/config"
  as_es_user env ES_PATH_CONF="$RUN_DIR/config" "$HOME_DIR/bin/elasticsearch-keystore" create >/dev/null
  printf '%s' "$ES_PASSWORD" | as_es_user env ES_PATH_CONF="$RUN_DIR/config" \
    "$HOME_DIR/bin/elasticsearch-keystore" add -x bootstrap.password >/dev/null
  launch
  write_env
}

wait_healthy() {
  local deadline=$((SECONDS + ${SIANG_ES_START_TIMEOUT:-180}))
  until curl -fs -u "elastic:$ES_PASSWORD" "http://127.0.0.1:$ES_PORT/_cluster/health?wait_for_status=yellow&timeout=5s" >/dev/null; do
    if (( SECONDS > deadline )); then
      tail -80 "$RUN_DIR/logs/siang-test.log" >&2 2>/dev/null || tail -80 "$RUN_DIR/logs/stdout.log" >&2 || true
      die "Elasticsearch did not become healthy on 127.0.0.1:$ES_PORT"
    fi
    if [[ -f "$RUN_DIR/pid" ]] && ! kill -0 "$(cat "$RUN_DIR/pid")" 2>/dev/null; then
      tail -80 "$RUN_DIR/logs/siang-test.log" >&2 2>/dev/null || true
      die "Elasticsearch exited during start-up"
    fi
    sleep 2
  done
}

write_env() {
  cat > "$ENV_FILE" <<ENV
SIANG_TEST_ES_URL=http://127.0.0.1:$ES_PORT
SIANG_TEST_ES_USER=elastic
SIANG_TEST_ES_PASSWORD=$ES_PASSWORD
SIANG_TEST_ES_HOME=$HOME_DIR
SIANG_TEST_ES_RUN_DIR=$RUN_DIR
ENV
  log "healthy at http://127.0.0.1:$ES_PORT (details in $ENV_FILE)"
}

stop_quietly() {
  if [[ -f "$RUN_DIR/pid" ]]; then
    local pid; pid="$(cat "$RUN_DIR/pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$RUN_DIR/pid"
  fi
}

launch() {
  ES_JAVA_HOME="$(java_home)"
  log "starting Elasticsearch $ES_VERSION on 127.0.0.1:$ES_PORT as $ES_USER"
  as_es_user env ES_PATH_CONF="$RUN_DIR/config" "$HOME_DIR/bin/elasticsearch" -d -p "$RUN_DIR/pid" \
    >"$RUN_DIR/logs/stdout.log" 2>&1 || { tail -50 "$RUN_DIR/logs/"*.log >&2 || true; die "start failed"; }
  wait_healthy
}

resume() {
  [[ -f "$RUN_DIR/config/elasticsearch.yml" ]] || die "no node to resume in $RUN_DIR (run start first)"
  stop_quietly
  launch
}

case "${1:-}" in
  start) start ;;
  resume) resume ;;
  stop) stop_quietly; log "stopped" ;;
  *) echo "usage: $0 start|stop|resume" >&2; exit 2 ;;
esac
