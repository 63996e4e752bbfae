# shellcheck shell=bash disable=SC2034 # sets lib.sh's SVC_* tables and CURRENT_LOG
# Apache Kafka, single node in KRaft mode (broker + controller, no ZooKeeper),
# run from Maven Central jars on Java 17. Sourced by lib.sh.

KAFKA_VERSION=3.9.1
KAFKA_LIBS="$INSTAINSTRU_CACHE/kafka/$KAFKA_VERSION/libs"
KAFKA_CONF_DIR="$REPO/infra/kafka"
KAFKA_PROPS="$RUN_DIR/kafka.properties"
# Classpath and logging shared by the broker and kafka.tools.StorageTool.
KAFKA_JVM_ARGS=(-Dlog4j.configuration="file:$KAFKA_CONF_DIR/log4j.properties" -cp "$KAFKA_LIBS/*")

SVC_PORTS['kafka']="$KAFKA_PORT $KAFKA_CONTROLLER_PORT"
SVC_PROC['kafka']="kafka.Kafka $KAFKA_PROPS"
SVC_APT['kafka']=""
SVC_TIMEOUT['kafka']=60

address_kafka() { echo "127.0.0.1:$KAFKA_PORT (controller 127.0.0.1:$KAFKA_CONTROLLER_PORT)"; }

# kafka_java: the java binary, checked to be version 17 or newer.
kafka_java() {
  local java=${JAVA_HOME:+$JAVA_HOME/bin/}java version
  command -v "$java" >/dev/null 2>&1 || die "Java 17+ is required for Kafka but '$java' was not found"
  version=$("$java" -version 2>&1 | awk -F'"' '/version/ { print $2; exit }')
  if [[ ! ${version%%.*} =~ ^[0-9]+$ ]] || ((${version%%.*} < 17)); then
    die "Kafka needs Java 17+, but $java is version ${version:-unknown}"
  fi
  echo "$java"
}

# kafka_random_uuid: what `kafka-storage random-uuid` prints (16 random bytes,
# URL-safe base64 without padding, not starting with '-'), without a JVM start.
kafka_random_uuid() {
  local id=-
  while [[ $id == -* ]]; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  done
  echo "$id"
}

install_kafka() {
  [[ -d $KAFKA_LIBS ]] && return 0
  need_cmd mvn "Install Apache Maven (Debian package maven)."
  local parent=${KAFKA_LIBS%/*}
  mkdir -p "$parent"
  CURRENT_LOG=$(install_log_of kafka)
  log "fetching Kafka $KAFKA_VERSION jars from Maven Central (first run only; log: $CURRENT_LOG)"
  # Download into a temp dir and rename it: a libs dir only exists when complete.
  (
    flock 9 || exit 1
    [[ -d $KAFKA_LIBS ]] && exit 0
    rm -rf "$parent"/.libs.* # left over by an interrupted download
    tmp=$(mktemp -d "$parent/.libs.XXXXXX") || exit 1
    mvn -q -B -Dstyle.color=never -f "$KAFKA_CONF_DIR/pom.xml" dependency:copy-dependencies \
      -Dkafka.version="$KAFKA_VERSION" -DoutputDirectory="$tmp" -DincludeScope=runtime \
      >>"$CURRENT_LOG" 2>&1 || exit 1
    [[ -f $tmp/kafka_2.13-$KAFKA_VERSION.jar ]] || exit 1
    chmod 755 "$tmp" && mv "$tmp" "$KAFKA_LIBS"
  ) 9>"$parent/.lock" || die "downloading the Kafka jars with Maven failed (see $CURRENT_LOG)"
}

start_kafka() {
  local java cluster_id
  local -a heap perf
  CURRENT_LOG=$(logfile_of kafka)
  java=$(kafka_java) || exit 1
  mkdir -p "$DATA_DIR/kafka"
  render_template "$KAFKA_CONF_DIR/server.properties.tmpl" "$KAFKA_PROPS" \
    KAFKA_PORT="$KAFKA_PORT" KAFKA_CONTROLLER_PORT="$KAFKA_CONTROLLER_PORT" \
    LOG_DIRS="$DATA_DIR/kafka"
  if [[ ! -f $DATA_DIR/kafka/meta.properties ]]; then
    log "formatting Kafka storage in $DATA_DIR/kafka"
    cluster_id=$(kafka_random_uuid)
    "$java" -XX:TieredStopAtLevel=1 "${KAFKA_JVM_ARGS[@]}" kafka.tools.StorageTool \
      format -t "$cluster_id" -c "$KAFKA_PROPS" >>"$CURRENT_LOG" 2>&1 || die "kafka-storage format failed (see $CURRENT_LOG)"
  fi
  # Same variable names as Kafka's own bin/kafka-run-class.sh. C1-only JIT
  # (TieredStopAtLevel=1): on a busy 2-core box the broker is ready in ~6 s
  # instead of 20-30 s, and a dev/test broker does not need C2's peak speed.
  read -ra heap <<<"${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
  read -ra perf <<<"${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:TieredStopAtLevel=1 -Djava.awt.headless=true}"
  log "starting Kafka $KAFKA_VERSION"
  spawn kafka "$java" "${heap[@]}" "${perf[@]}" "${KAFKA_JVM_ARGS[@]}" kafka.Kafka "$KAFKA_PROPS"
}

ready_kafka() {
  port_open "$KAFKA_PORT" && grep -q 'Kafka Server started' "$(logfile_of kafka)"
}

# Controlled shutdown (moving leadership, flushing logs) takes a few seconds.
stop_kafka() { stop_by_pid kafka 60; }
