# Shared by .ci/deploy-*.sh (sourced, not run): logging, failing loudly, a free port, waiting
# for a deployment, building the project and running DeploymentCheck.
# The sourcing script sets NAME and defines show_logs (what to print when a step fails); it
# calls trap_cleanup once the variables cleanup reads (SERVER, PIDFILE) are set.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WAR="$REPO/target/hixie76-servlet.war"
CONTEXT=hixie76-servlet
STARTED_AT=$SECONDS

log() {
  echo "[$NAME] $*"
}

# Prints the reason and the server's logs, then exits non-zero (the EXIT trap cleans up).
die() {
  echo "[$NAME] FAILED: $*" >&2
  if declare -F show_logs >/dev/null; then
    show_logs >&2 || true
  fi
  exit 1
}

elapsed() {
  echo "$((SECONDS - STARTED_AT)) s"
}

# A TCP port nobody listens on, on loopback or any address.
free_port() {
  local port tries
  for tries in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if command -v ss >/dev/null && [ -n "$(ss -Htln "sport = :$port" 2>/dev/null)" ]; then
      continue
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      continue
    fi
    echo "$port"
    return 0
  done
  return 1
}

# The status code of GET http://127.0.0.1:PORT/PATH, or nothing when no answer came within 5 s.
http_status() {
  local port=$1 path=$2
  timeout 5 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
    printf "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n" "$1" "$0" >&3
    IFS=" " read -r _ status _ <&3 && echo "$status"
  ' "$port" "$path" 2>/dev/null || true
}

# Waits until GET /CONTEXT/ answers 200, while the server process is alive, within a deadline.
# wait_ready PID PORT SECONDS LOG STARTED: once LOG matches the regex STARTED (the server says it
# has started), a deployment that still does not answer 200 within 10 s has failed.
wait_ready() {
  local pid=$1 port=$2 start=$SECONDS deadline=$((SECONDS + $3)) logfile=$4 started=$5 status="" up=""
  log "waiting up to $3 s for http://127.0.0.1:$port/$CONTEXT/ to answer 200"
  while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      die "the server process $pid exited during startup"
    fi
    status=$(http_status "$port" "/$CONTEXT/")
    if [ "$status" = 200 ]; then
      log "deployment ready $((SECONDS - start)) s after the start"
      return 0
    fi
    if [ -z "$up" ] && grep -Eq "$started" "$logfile" 2>/dev/null; then
      up=$SECONDS
    fi
    if [ -n "$up" ] && [ $((SECONDS - up)) -ge 10 ]; then
      die "the server started but GET /$CONTEXT/ answers '${status:-nothing}', not 200: the deployment failed"
    fi
    sleep 0.5
  done
  die "GET /$CONTEXT/ did not answer 200 within $3 s (last status: '${status:-no answer}')"
}

# Sends SIGTERM and waits for the process to end; SIGKILL after the grace period.
stop_process() {
  local pid=$1 grace=${2:-20} deadline
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "[$NAME] process $pid still running after ${grace} s: SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# The major Java version of a java binary (17, 21, ...), or nothing.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

# mvn -B -q, without the colour resets Debian's Maven 3.8 prints even when quiet.
mvn_quiet() {
  mvn -B -q "$@" 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g'
}

# Compiles the checker (and the WAR when it is missing).
build() {
  command -v mvn >/dev/null || die "mvn not found (install maven, or run .ci/run once)"
  cd "$REPO"
  if [ ! -f "$WAR" ]; then
    log "no $WAR: mvn -B -q package -DskipTests"
    mvn_quiet package -DskipTests || die "mvn package failed"
  fi
  log "mvn -B -q test-compile"
  mvn_quiet test-compile || die "mvn test-compile failed"
  [ -f "$WAR" ] || die "$WAR is missing after the build"
}

# Runs DeploymentCheck against ws://127.0.0.1:PORT/CONTEXT with the given java binary; more
# arguments go to DeploymentCheck. It runs in the background (CHECK_PID) so that a signal to
# this script is handled at once, not after the check.
CHECK_PID=""
run_check() {
  local java=$1 port=$2 url="ws://127.0.0.1:$2/$CONTEXT"
  shift 2
  log "DeploymentCheck $url $*"
  timeout 300 "$java" -cp "$REPO/target/classes:$REPO/target/test-classes" \
    io.github.hixie76.testing.DeploymentCheck "$url" "$@" &
  CHECK_PID=$!
  if ! wait "$CHECK_PID"; then
    CHECK_PID=""
    die "DeploymentCheck against $url failed"
  fi
  CHECK_PID=""
}

# Stops a server left running by an interrupted earlier run (killed with SIGKILL, say): the
# pid in PIDFILE, only when its command line still matches PATTERN; then removes that run's
# temporary directory, named in PIDFILE.dir, when it starts with DIR_PREFIX.
stop_leftover() {
  local pidfile=$1 pattern=$2 prefix=$3 old
  if [ -f "$pidfile" ]; then
    old=$(cat "$pidfile")
    if [ -n "$old" ] && tr '\0' ' ' <"/proc/$old/cmdline" 2>/dev/null | grep -Eq "$pattern"; then
      log "stopping process $old left by an interrupted run"
      kill -TERM "$old" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$old" 2>/dev/null || break; sleep 0.2; done
      if kill -0 "$old" 2>/dev/null; then kill -KILL "$old" 2>/dev/null || true; fi
    fi
    rm -f "$pidfile"
  fi
  if [ -f "$pidfile.dir" ]; then
    old=$(cat "$pidfile.dir")
    case "$old" in "$prefix"?*) rm -rf "$old" ;; esac
    rm -f "$pidfile.dir"
  fi
}

# The EXIT trap: stops the check and the server (SERVER_PID, started by the script and named
# SERVER in the log) and forgets its PIDFILE, runs the script's undo_deployment when it defines
# one, removes TMP, and says how the run ended.
SERVER_PID=""
TMP=""
cleanup() {
  local status=$?
  set +e
  [ -n "$CHECK_PID" ] && stop_process "$CHECK_PID" 5
  if [ -n "$SERVER_PID" ]; then
    log "stopping $SERVER (pid $SERVER_PID)"
    stop_process "$SERVER_PID" 30
    rm -f "$PIDFILE"
  fi
  if declare -F undo_deployment >/dev/null; then
    undo_deployment
  fi
  [ -n "$TMP" ] && rm -rf "$TMP" "$PIDFILE.dir"
  if [ $status -eq 0 ]; then
    log "passed in $(elapsed)"
  else
    echo "[$NAME] FAILED (exit $status) after $(elapsed)" >&2
  fi
  exit $status
}

# Cleans up on exit, and turns INT and TERM into an exit.
trap_cleanup() {
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# The java binary JAVA, checked to be Java 17 or later (WHY names what needs it); sets JAVA_MAJOR.
require_java17() {
  local java=$1 why=$2
  command -v "$java" >/dev/null || die "no java ($java)"
  JAVA_MAJOR=$(java_major "$java")
  [ -n "$JAVA_MAJOR" ] && [ "${JAVA_MAJOR%%.*}" -ge 17 ] \
    || die "java is version '${JAVA_MAJOR:-unknown}'; $why 17 or later"
}

# Makes this run's temporary directory TMP (mktemp template PREFIX.XXXXXX), after stopping what an
# interrupted run left (see stop_leftover, PATTERN), and empties LOGS.
make_run_dirs() {
  local prefix=$1 pattern=$2
  stop_leftover "$PIDFILE" "$pattern" "$prefix."
  TMP=$(mktemp -d "$prefix.XXXXXX")
  echo "$TMP" >"$PIDFILE.dir"
  rm -rf "$LOGS" && mkdir -p "$LOGS"
}

# Fetches the tar.gz GROUP:ARTIFACT:VERSION from Maven Central into TMP and unpacks it there.
fetch_distribution() {
  local group=$1 artifact=$2 version=$3 coords="$1:$2:$3:tar.gz"
  log "mvn dependency:copy $coords"
  (cd "$TMP" && mvn_quiet org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="$coords" -DoutputDirectory="$TMP") \
    || die "cannot get $coords from Maven Central"
  tar -xzf "$TMP/$artifact-$version.tar.gz" -C "$TMP" || die "cannot unpack $artifact-$version.tar.gz"
}

# show_logs for Tomcat: the console log in LOGS and the newest localhost log of CATALINA_DIR.
show_tomcat_logs() {
  local catalina_dir=$1 latest
  echo "---- SEVERE and WARNING lines of the Tomcat console"
  grep -E " (SEVERE|WARNING) " "$LOGS/console.log" 2>/dev/null | head -n 20 || echo "(none)"
  echo "---- last 60 lines of the Tomcat console ($LOGS/console.log)"
  tail -n 60 "$LOGS/console.log" 2>/dev/null || echo "(none)"
  latest=$(ls -t "$catalina_dir"/logs/localhost.*.log 2>/dev/null | head -n 1 || true)
  if [ -n "$latest" ]; then
    echo "---- last 30 lines of $latest"
    tail -n 30 "$latest"
  fi
}

# Writes OUT: Tomcat's server.xml IN with the HTTP connector moved to 127.0.0.1:PORT and its idle
# timeout (connectionTimeout, 20 s) shortened to IDLE_TIMEOUT_MS, so that the idle check shows in a
# few seconds whether upgraded connections escape it; more sed arguments may follow.
tomcat_server_xml() {
  local in=$1 out=$2 port=$3
  shift 3
  sed -e "s|<Connector port=\"8080\" protocol=\"HTTP/1.1\"|<Connector port=\"$port\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\"|" \
    -e "s|connectionTimeout=\"20000\"|connectionTimeout=\"$IDLE_TIMEOUT_MS\"|" "$@" \
    "$in" >"$out"
  grep -q "port=\"$port\" address=\"127.0.0.1\"" "$out" \
    || die "no '<Connector port=\"8080\" protocol=\"HTTP/1.1\"' in $in to move"
  grep -q "connectionTimeout=\"$IDLE_TIMEOUT_MS\"" "$out" \
    || die "no connectionTimeout=\"20000\" in $in to shorten"
}

# Logs Tomcat's version lines from its console log.
log_tomcat_versions() {
  grep -E "Server version number|JVM Version" "$LOGS/console.log" | sed -E 's/^.*(Server version number|JVM Version)/\1/' \
    | while read -r line; do log "$line"; done || true
}

# Shows the lines of LOG matching the regex PATTERN (with 3 lines after), when there are any.
report_log_lines() {
  local logfile=$1 pattern=$2 what=$3
  if grep -E "$pattern" "$logfile" >/dev/null; then
    log "$what"
    grep -E -A3 "$pattern" "$logfile" | head -n 40 || true
  fi
}
