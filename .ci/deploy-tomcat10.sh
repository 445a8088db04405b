#!/usr/bin/env bash
# Deploys target/hixie76-servlet.war to Debian's tomcat10 package and runs DeploymentCheck
# against it. Run as root from anywhere: bash .ci/deploy-tomcat10.sh
#
# Installs tomcat10 with apt-get, leaves the packaged configuration untouched, and starts the
# package's catalina.sh as the tomcat user with CATALINA_BASE=/var/lib/tomcat10 and a copy of
# /etc/tomcat10/server.xml whose HTTP connector listens on a free port of 127.0.0.1 (-config).
# On exit, whatever happened: Tomcat is stopped, the WAR is removed from webapps, and a
# tomcat10 service stopped by this script is started again. Rerunnable.
set -euo pipefail

NAME=deploy-tomcat10
. "$(dirname "$0")/deploy-common.sh"

UNIT=/lib/systemd/system/tomcat10.service
CATALINA_HOME=/usr/share/tomcat10           # both read again from $UNIT once the package is installed
CATALINA_BASE=/var/lib/tomcat10
WEBAPPS=$CATALINA_BASE/webapps
LOGS=$REPO/target/deploy-tomcat10          # this run's console log and configuration
PIDFILE=/run/hixie76-deploy-tomcat10.pid   # a Tomcat left by an interrupted run
IDLE_TIMEOUT_MS=2000                       # the connector's connectionTimeout, shortened for the idle check
IDLE_SECONDS=4                             # how long DeploymentCheck leaves a connection idle
SERVER=Tomcat
RESTART_SERVICE=""

show_logs() {
  show_tomcat_logs "$CATALINA_BASE"
}

remove_deployment() {
  rm -rf "$WEBAPPS/$CONTEXT.war" "$WEBAPPS/$CONTEXT" "$CATALINA_BASE/work/Catalina/localhost/$CONTEXT" \
    "$CATALINA_BASE/conf/Catalina/localhost/$CONTEXT.xml"
}

# After Tomcat stopped: the WAR out of webapps, and the service as it was.
undo_deployment() {
  [ -d "$WEBAPPS" ] && remove_deployment
  if [ -n "$RESTART_SERVICE" ]; then
    log "starting the tomcat10 service again"
    systemctl start tomcat10
  fi
}
trap_cleanup

[ "$(id -u)" = 0 ] || die "run as root (apt-get, and Tomcat runs as the tomcat user)"

build

log "apt-get update; apt-get install tomcat10"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || die "apt-get update failed"
apt-get install -y -q --no-install-recommends tomcat10 >/dev/null || die "apt-get install tomcat10 failed"
TOMCAT_PACKAGE=$(dpkg-query -W -f '${Version}' tomcat10)
log "tomcat10 package $TOMCAT_PACKAGE"
# Where the package keeps Tomcat: the Environment= lines of its systemd unit.
unit_env() {
  sed -n "s/^Environment=\"$1=\(.*\)\"$/\1/p" "$UNIT" 2>/dev/null | head -n 1
}
CATALINA_HOME=$(unit_env CATALINA_HOME)
CATALINA_BASE=$(unit_env CATALINA_BASE)
[ -n "$CATALINA_HOME" ] && [ -n "$CATALINA_BASE" ] || die "no CATALINA_HOME/CATALINA_BASE in $UNIT"
WEBAPPS=$CATALINA_BASE/webapps
log "CATALINA_HOME=$CATALINA_HOME CATALINA_BASE=$CATALINA_BASE (from $UNIT)"
id tomcat >/dev/null 2>&1 || die "the tomcat10 package created no 'tomcat' user"
[ -x "$CATALINA_HOME/bin/catalina.sh" ] || die "$CATALINA_HOME/bin/catalina.sh not found"
[ -d "$WEBAPPS" ] || die "$WEBAPPS not found: is CATALINA_BASE elsewhere in this tomcat10 package?"

# The package's own service must not run on the same CATALINA_BASE (nor hold port 8080).
if [ -d /run/systemd/system ] && systemctl is-active --quiet tomcat10; then
  log "stopping the tomcat10 service for the duration of the check"
  systemctl stop tomcat10 || die "systemctl stop tomcat10 failed"
  RESTART_SERVICE=yes
fi
stop_leftover "$PIDFILE" "catalina.base=$CATALINA_BASE" /tmp/hixie76-tomcat10.
others=$(pgrep -f "catalina.base=$CATALINA_BASE" || true)
[ -z "$others" ] || die "another Tomcat runs on $CATALINA_BASE (pid $others): stop it first"

# Java: the package's own choice (tomcat-locate-java.sh: JAVA_HOME, else the newest JDK installed).
JAVA_HOME=$(bash -c '. /usr/libexec/tomcat10/tomcat-locate-java.sh >/dev/null && echo "$JAVA_HOME"') \
  || die "tomcat-locate-java.sh found no Java"
require_java17 "$JAVA_HOME/bin/java" "Tomcat would run on it (from $JAVA_HOME); the WAR needs"
log "Java $JAVA_MAJOR from $JAVA_HOME"

PORT=$(free_port) || die "no free port found"
TMP=$(mktemp -d /tmp/hixie76-tomcat10.XXXXXX)
echo "$TMP" >"$PIDFILE.dir"
chmod 755 "$TMP"
mkdir "$TMP/temp" && chown tomcat:tomcat "$TMP/temp"
rm -rf "$LOGS" && mkdir -p "$LOGS"

# The package's server.xml with the HTTP connector on 127.0.0.1:$PORT and a short idle timeout;
# /etc stays as it is.
tomcat_server_xml "$CATALINA_BASE/conf/server.xml" "$TMP/server.xml" "$PORT"
chmod 644 "$TMP/server.xml"
cp "$TMP/server.xml" "$LOGS/server.xml"

remove_deployment
install -o tomcat -g tomcat -m 644 "$WAR" "$WEBAPPS/$CONTEXT.war"
log "copied $WAR to $WEBAPPS/$CONTEXT.war"

log "starting Tomcat on 127.0.0.1:$PORT (CATALINA_BASE=$CATALINA_BASE, user tomcat)"
JAVA_OPTS="-Djava.awt.headless=true"
set +u
. /etc/default/tomcat10   # JAVA_OPTS, as the package's tomcat-start.sh does
set -u
(
  cd "$CATALINA_BASE"
  export JAVA_HOME JAVA_OPTS CATALINA_HOME CATALINA_BASE CATALINA_TMPDIR="$TMP/temp"
  exec setpriv --reuid=tomcat --regid=tomcat --init-groups \
    "$CATALINA_HOME/bin/catalina.sh" run -config "$TMP/server.xml"
) >"$LOGS/console.log" 2>&1 &
SERVER_PID=$!
echo "$SERVER_PID" >"$PIDFILE"

wait_ready "$SERVER_PID" "$PORT" 90 "$LOGS/console.log" "Catalina.start Server startup in"
log_tomcat_versions

run_check "$JAVA_HOME/bin/java" "$PORT" --idle "$IDLE_SECONDS"

report_log_lines "$LOGS/console.log" "SEVERE|Exception" "the Tomcat console log shows errors:"
