# serve_lib.sh - starting and stopping `luutru serve` in a test (source
# after lib.sh). start_serve ARGS... sets SERVE_URL and SERVE_PID; the
# server is stopped when the test exits.

SERVE_PID=
# stop_serve: SIGTERM; the server must exit 0 (under the sanitizers a
# leak or an error found on the way makes it fail).
stop_serve() {
	local pid=$SERVE_PID rc=0
	SERVE_PID=
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || rc=$?
	if [ "$rc" != 0 ]; then
		show_file "$T/serve.err" "serve stderr" >&2
		fail "luutru serve exited $rc after SIGTERM"
	fi
}
trap 'stop_serve || true; cleanup' EXIT

# start_serve ARGS...: luutru serve ARGS on a free port; waits for its address.
start_serve() {
	stop_serve
	: >"$T/serve.out"
	"$LUUTRU" --archive "$ARCHIVE" serve "$@" >"$T/serve.out" 2>"$T/serve.err" &
	SERVE_PID=$!
	SERVE_URL=
	for _ in $(seq 1 100); do
		SERVE_URL=$(sed -n 's/^serving .* at \(https*:[^ ]*\)\/ .*/\1/p' "$T/serve.out")
		[ -n "$SERVE_URL" ] && return 0
		kill -0 "$SERVE_PID" 2>/dev/null || break
		sleep 0.1
	done
	show_file "$T/serve.err" "serve stderr" >&2
	fail "luutru serve $* did not start"
}

# http NAME URL [CURL ARGS...]: GET URL; body in $T/NAME.body, headers in
# $T/NAME.head, status in STATUS.
http() {
	local name=$1 url=$2; shift 2
	STATUS=$(curl -s --path-as-is -o "$T/$name.body" -D "$T/$name.head" -w '%{http_code}' "$@" "$url" || true)
}
