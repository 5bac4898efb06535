# Sourced by the bench scripts: start_service JAR LOG [ARG...] starts JAR (with the service arguments ARG) on port
# 18080 in the background, sets $pid and
# returns once the service is ready; exits when it dies first, or is not ready within 2 minutes (or the port is
# taken by another process).
start_service() {
  java -jar "$1" --server.port=18080 "${@:3}" > "$2" 2>&1 &
  pid=$!
  for _ in $(seq 1 240); do
    kill -0 $pid 2> /dev/null || { cat "$2"; echo "$1 did not start" >&2; exit 1; }
    curl -sf http://127.0.0.1:18080/actuator/health/readiness > /dev/null 2>&1 && break
    sleep 0.5
  done
  grep -q 'ready on' "$2" || { echo "not ready after 2 minutes (or port 18080 taken)" >&2; kill $pid; exit 1; }
}

# Sourced too: new_shapes_workdir sets JAR (built when missing) and work (a temporary directory, removed at exit with
# the service of $pid stopped) and writes $work/shapes: the 80 training images of the four new shapes of
# `experiment transfer` (set 1001), ImageFolder layout.
new_shapes_workdir() {
  JAR=target/resnet-serve.jar
  [ -f $JAR ] || mvn -B -ntp -q -DskipTests package
  work=$(mktemp -d)
  pid=
  trap '[ -n "$pid" ] && kill $pid 2> /dev/null; rm -rf "$work"' EXIT
  java -jar $JAR generate --classes novel --folders true --count 80 --seed 1001 --out "$work/shapes" > /dev/null
}
