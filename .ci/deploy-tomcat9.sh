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
  show_tomcat_logs "${CATALINA_HOME:-/nonexistent}"
}

trap_cleanup

build

JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
require_java17 "$JAVA" "the WAR needs"
JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")")
log "Java $JAVA_MAJOR ($JAVA_HOME)"

make_run_dirs /tmp/hixie76-tomcat9 "catalina.home=/tmp/hixie76-tomcat9\.[^/ ]+/apache-tomcat-"
fetch_distribution org.apache.tomcat tomcat "$TOMCAT_VERSION"
CATALINA_HOME="$TMP/apache-tomcat-$TOMCAT_VERSION"
[ -x "$CATALINA_HOME/bin/catalina.sh" ] || die "no bin/catalina.sh in tomcat-$TOMCAT_VERSION.tar.gz"
# RFC 6455 goes through the distribution's own WebSocket implementation (Tomcat 9's WsServerContainer)
[ -f "$CATALINA_HOME/lib/tomcat-websocket.jar" ] || die "no lib/tomcat-websocket.jar in tomcat-$TOMCAT_VERSION"

PORT=$(free_port) || die "no free port found"
# The distribution's server.xml with the HTTP connector on 127.0.0.1:$PORT, a short idle timeout,
# and the shutdown port (8005) off: the script stops Tomcat with SIGTERM, and another Tomcat on this
# machine may hold 8005.
SERVER_XML="$CATALINA_HOME/conf/server.xml"
tomcat_server_xml "$SERVER_XML" "$TMP/server.xml" "$PORT" \
  -e "s|<Server port=\"8005\" shutdown=\"SHUTDOWN\">|<Server port=\"-1\" shutdown=\"SHUTDOWN\">|"
grep -q "<Server port=\"-1\"" "$TMP/server.xml" || die "no '<Server port=\"8005\"' in conf/server.xml to switch off"
cp "$TMP/server.xml" "$SERVER_XML"
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
log_tomcat_versions
grep -q "Deployment of web application archive \[$CATALINA_HOME/webapps/$CONTEXT.war\] has finished" "$LOGS/console.log" \
  || die "Tomcat did not say it deployed webapps/$CONTEXT.war"

run_check "$JAVA" "$PORT" --idle "$IDLE_SECONDS"

report_log_lines "$LOGS/console.log" "SEVERE|Exception" "the Tomcat console log shows errors:"
