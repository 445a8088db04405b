#!/usr/bin/env bash
# Deploys target/hixie76-servlet-javax.war (the javax build) to Apache Tomcat 9 as the Apache
# distribution publishes it on Maven Central (org.apache.tomcat:tomcat:VERSION:tar.gz), unpacked
# as it comes, and runs DeploymentCheck against it. Run from anywhere: bash .ci/deploy-tomcat9.sh
#
# Everything lives in a temporary directory removed on exit: the distribution's conf/server.xml
# is changed only there (the HTTP connector on a free port of 127.0.0.1 with a short idle
# timeout, the shutdown port off), and Tomcat is stopped on exit, whatever happened. Rerunnable.
# TOMCAT_VERSION overrides the version.
set -euo pipefail

NAME=deploy-tomcat9
. "$(dirname "$0")/deploy-common.sh"

# 9.0.117 is the newest 9.0 whose tar.gz Maven Central has (its maven-metadata.xml lists up to
# 9.0.117; 9.0.111 and 9.0.112 are not published there, although tomcat-embed-core 9.0.112 is).
TOMCAT_VERSION=${TOMCAT_VERSION:-9.0.117}
WAR="$REPO/target/hixie76-servlet-javax.war"    # the javax WAR, deployed under the same context
LOGS=$REPO/target/deploy-tomcat9                # this run's console log and configuration
IDLE_TIMEOUT_MS=2000                            # the connector's connectionTimeout, shortened for the idle check
IDLE_SECONDS=4                                  # how long DeploymentCheck leaves a connection idle
PIDFILE=/tmp/hixie76-deploy-tomcat9.pid         # a Tomcat left by an interrupted run
SERVER=Tomcat

show_logs() {
  echo "---- SEVERE and WARNING lines of the Tomcat console"
  grep -E " (SEVERE|WARNING) " "$LOGS/console.log" 2>/dev/null | head -n 20 || echo "(none)"
  echo "---- last 60 lines of the Tomcat console ($LOGS/console.log)"
  tail -n 60 "$LOGS/console.log" 2>/dev/null || echo "(none)"
  local latest
  latest=$(ls -t "${CATALINA_HOME:-/nonexistent}"/logs/localhost.*.log 2>/dev/null | head -n 1 || true)
  if [ -n "$latest" ]; then
    echo "---- last 30 lines of $latest"
    tail -n 30 "$latest"
  fi
}

trap_cleanup

build

JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
command -v "$JAVA" >/dev/null || die "no java ($JAVA)"
JAVA_MAJOR=$(java_major "$JAVA")
[ -n "$JAVA_MAJOR" ] && [ "${JAVA_MAJOR%%.*}" -ge 17 ] \
  || die "java is version '${JAVA_MAJOR:-unknown}'; the WAR needs 17 or later"
JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")")
log "Java $JAVA_MAJOR ($JAVA_HOME)"

stop_leftover "$PIDFILE" "catalina.home=/tmp/hixie76-tomcat9\.[^/ ]+/apache-tomcat-" /tmp/hixie76-tomcat9.
TMP=$(mktemp -d /tmp/hixie76-tomcat9.XXXXXX)
echo "$TMP" >"$PIDFILE.dir"
rm -rf "$LOGS" && mkdir -p "$LOGS"

log "mvn dependency:copy org.apache.tomcat:tomcat:$TOMCAT_VERSION:tar.gz"
(cd "$TMP" && mvn_quiet org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
  -Dartifact="org.apache.tomcat:tomcat:$TOMCAT_VERSION:tar.gz" -DoutputDirectory="$TMP") \
  || die "cannot get org.apache.tomcat:tomcat:$TOMCAT_VERSION:tar.gz from Maven Central"
tar -xzf "$TMP/tomcat-$TOMCAT_VERSION.tar.gz" -C "$TMP" || die "cannot unpack tomcat-$TOMCAT_VERSION.tar.gz"
CATALINA_HOME="$TMP/apache-tomcat-$TOMCAT_VERSION"
[ -x "$CATALINA_HOME/bin/catalina.sh" ] || die "no bin/catalina.sh in tomcat-$TOMCAT_VERSION.tar.gz"
# RFC 6455 goes through the distribution's own WebSocket implementation (Tomcat 9's WsServerContainer)
[ -f "$CATALINA_HOME/lib/tomcat-websocket.jar" ] || die "no lib/tomcat-websocket.jar in tomcat-$TOMCAT_VERSION"

PORT=$(free_port) || die "no free port found"
# The distribution's server.xml with the HTTP connector moved to 127.0.0.1:$PORT, its idle timeout
# (connectionTimeout, 20 s) shortened so that the idle check below shows in a few seconds whether
# upgraded connections escape it, and the shutdown port (8005) off: the script stops Tomcat with
# SIGTERM, and another Tomcat on this machine may hold 8005.
SERVER_XML="$CATALINA_HOME/conf/server.xml"
sed -i -e "s|<Connector port=\"8080\" protocol=\"HTTP/1.1\"|<Connector port=\"$PORT\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\"|" \
  -e "s|connectionTimeout=\"20000\"|connectionTimeout=\"$IDLE_TIMEOUT_MS\"|" \
  -e "s|<Server port=\"8005\" shutdown=\"SHUTDOWN\">|<Server port=\"-1\" shutdown=\"SHUTDOWN\">|" "$SERVER_XML"
grep -q "port=\"$PORT\" address=\"127.0.0.1\"" "$SERVER_XML" \
  || die "no '<Connector port=\"8080\" protocol=\"HTTP/1.1\"' in conf/server.xml to move"
grep -q "connectionTimeout=\"$IDLE_TIMEOUT_MS\"" "$SERVER_XML" || die "no connectionTimeout=\"20000\" in conf/server.xml to shorten"
grep -q "<Server port=\"-1\"" "$SERVER_XML" || die "no '<Server port=\"8005\"' in conf/server.xml to switch off"
cp "$SERVER_XML" "$LOGS/server.xml"

cp "$WAR" "$CATALINA_HOME/webapps/$CONTEXT.war"
log "copied $WAR to apache-tomcat-$TOMCAT_VERSION/webapps/$CONTEXT.war"

log "starting Tomcat $TOMCAT_VERSION on 127.0.0.1:$PORT"
(
  cd "$CATALINA_HOME"
  export JAVA_HOME CATALINA_HOME CATALINA_BASE="$CATALINA_HOME"
  exec "$CATALINA_HOME/bin/catalina.sh" run
) >"$LOGS/console.log" 2>&1 &
SERVER_PID=$!
echo "$SERVER_PID" >"$PIDFILE"

wait_ready "$SERVER_PID" "$PORT" 90 "$LOGS/console.log" "Server startup in"
grep -E "Server version number|JVM Version" "$LOGS/console.log" | sed -E 's/^.*(Server version number|JVM Version)/\1/' \
  | while read -r line; do log "$line"; done || true
grep -q "Deployment of web application archive \[$CATALINA_HOME/webapps/$CONTEXT.war\] has finished" "$LOGS/console.log" \
  || die "Tomcat did not say it deployed webapps/$CONTEXT.war"

run_check "$JAVA" "$PORT" --idle "$IDLE_SECONDS"

if grep -E "SEVERE|Exception" "$LOGS/console.log" >/dev/null; then
  log "the Tomcat console log shows errors:"
  grep -E -A3 "SEVERE|Exception" "$LOGS/console.log" | head -n 40 || true
fi
