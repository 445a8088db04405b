#!/usr/bin/env bash
# Deploys target/hixie76-servlet.war to a Jetty distribution (jetty-home from Maven Central,
# a fresh jetty-base with the http, ee10-deploy and ee10-websocket-jakarta modules) and runs
# DeploymentCheck against it. Run from anywhere: bash .ci/deploy-jetty-home.sh
#
# Everything lives in a temporary directory removed on exit, and Jetty is stopped on exit,
# whatever happened. Rerunnable. JETTY_VERSION overrides the jetty-home version.
set -euo pipefail

NAME=deploy-jetty-home
. "$(dirname "$0")/deploy-common.sh"

# jetty-home 12.1.12 is the newest jetty-home on Maven Central (its maven-metadata.xml lists
# 12.1.0-12.1.8, 12.1.11 and 12.1.12), although jetty-server 12.1.14 exists.
JETTY_VERSION=${JETTY_VERSION:-12.1.12}
LOGS=$REPO/target/deploy-jetty-home       # this run's Jetty log
IDLE_TIMEOUT_MS=2000                      # the connector's idle timeout, shortened for the idle check
IDLE_SECONDS=4                            # how long DeploymentCheck leaves a connection idle
PIDFILE=/tmp/hixie76-deploy-jetty-home.pid  # a Jetty left by an interrupted run
SERVER=Jetty

show_logs() {
  echo "---- WARN and ERROR lines of the Jetty log"
  grep -E ":(WARN|ERROR) ?:" "$LOGS/jetty.log" 2>/dev/null | head -n 20 || echo "(none)"
  echo "---- last 80 lines of the Jetty log ($LOGS/jetty.log)"
  tail -n 80 "$LOGS/jetty.log" 2>/dev/null || echo "(none)"
}

trap_cleanup

build

JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
require_java17 "$JAVA" "Jetty 12 and the WAR need"
log "Java $JAVA_MAJOR ($(command -v "$JAVA"))"

make_run_dirs /tmp/hixie76-jetty "/tmp/hixie76-jetty\.[^/]+/jetty-home-[^/]+/start\.jar"
fetch_distribution org.eclipse.jetty jetty-home "$JETTY_VERSION"
export JETTY_HOME="$TMP/jetty-home-$JETTY_VERSION"
[ -f "$JETTY_HOME/start.jar" ] || die "no start.jar in $JETTY_HOME"

JETTY_BASE="$TMP/jetty-base"
mkdir "$JETTY_BASE"
# ee10-websocket-jakarta: the container's jakarta.websocket, through which the WAR serves RFC 6455
MODULES=http,ee10-deploy,ee10-websocket-jakarta
[ -f "$JETTY_HOME/modules/ee10-websocket-jakarta.mod" ] \
  || die "jetty-home $JETTY_VERSION has no modules/ee10-websocket-jakarta.mod (RFC 6455 needs it)"
log "jetty-base: --add-modules=$MODULES"
(cd "$JETTY_BASE" && "$JAVA" -jar "$JETTY_HOME/start.jar" --add-modules=$MODULES) >"$LOGS/add-modules.log" 2>&1 \
  || { cat "$LOGS/add-modules.log" >&2; die "start.jar --add-modules=$MODULES failed"; }

PORT=$(free_port) || die "no free port found"
# The idle timeout (30 s by default) is shortened so that the idle check below shows in a few
# seconds whether upgraded connections escape it.
printf '\njetty.http.host=127.0.0.1\njetty.http.port=%s\njetty.http.idleTimeout=%s\n' "$PORT" "$IDLE_TIMEOUT_MS" \
  >>"$JETTY_BASE/start.d/http.ini"
mkdir "$JETTY_BASE/work"   # where Jetty unpacks the WAR (instead of /tmp)
cp "$WAR" "$JETTY_BASE/webapps/$CONTEXT.war"
log "copied $WAR to jetty-base/webapps/$CONTEXT.war"

log "starting Jetty $JETTY_VERSION on 127.0.0.1:$PORT"
(cd "$JETTY_BASE" && exec "$JAVA" -jar "$JETTY_HOME/start.jar") >"$LOGS/jetty.log" 2>&1 &
SERVER_PID=$!
echo "$SERVER_PID" >"$PIDFILE"

wait_ready "$SERVER_PID" "$PORT" 90 "$LOGS/jetty.log" "Started oejs.Server@"
grep -m1 -o "jetty-$JETTY_VERSION; built.*" "$LOGS/jetty.log" | while read -r line; do log "$line"; done || true

run_check "$JAVA" "$PORT" --idle "$IDLE_SECONDS"

# The WAR reaches Jetty's connection API by reflection (JettyTransport) for its connection-level
# upgrade; when that fails it logs one WARNING and falls back to the servlet upgrade, which loses a
# late key3. In a stock distribution that must not happen.
if grep -F "cannot reach Jetty's connection API" "$LOGS/jetty.log" >"$TMP/warning"; then
  sed 's/^/    /' "$TMP/warning"
  die "the WAR could not use Jetty's connection-level upgrade in this distribution"
fi
log "the WAR uses Jetty's connection-level upgrade here (no fallback warning in the Jetty log)"
report_log_lines "$LOGS/jetty.log" "WARN|SEVERE|Exception" "the Jetty log shows warnings or errors:"
