# shellcheck shell=bash
# Functions to run the Invent API emulator in the background, for the scripts beside this file
# (source it). Each script makes its temp dir $tmp with use_tmp_dir, which stops the emulator on exit.

# go_const prints the string constant $1 of the emulator's source (internal/emulator/*.go), so that
# a script follows the constants of the default fixture, such as DefaultAdminToken.
go_const() {
	local value
	value=$(sed -n -E "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"([^\"]*)\".*/\1/p" internal/emulator/*.go | head -n 1)
	[ -n "$value" ] || { printf 'ERROR: cannot find the constant %s in internal/emulator/*.go\n' "$1" >&2; return 1; }
	printf '%s\n' "$value"
}

emulator_pid=""

# start_emulator builds the emulator into $tmp/bin, starts it on a free loopback port with the state
# file $1 and the further flags given, logging to $tmp/emulator.log, and sets base_url once it
# listens.
start_emulator() {
	local state=$1
	shift
	mkdir -p "$tmp/bin"
	go build -o "$tmp/bin/invent-emulator" ./internal/emulator/cmd/invent-emulator
	"$tmp/bin/invent-emulator" -addr 127.0.0.1:0 -addr-file "$tmp/addr" -state "$state" "$@" >"$tmp/emulator.log" 2>&1 &
	emulator_pid=$!
	# The address is complete once the file ends in a newline (or stops changing, should it have none).
	local timeout_s=30 prev="" cur i
	base_url=""
	for ((i = 0; i < timeout_s * 10; i++)); do
		if [ -s "$tmp/addr" ]; then
			cur=$(tr -d '[:space:]' <"$tmp/addr")
			if [ -z "$(tail -c 1 "$tmp/addr")" ] || [ "$cur" = "$prev" ]; then
				base_url=$cur
				break
			fi
			prev=$cur
		fi
		kill -0 "$emulator_pid" 2>/dev/null || { echo "ERROR: the emulator exited before it was listening" >&2; return 1; }
		sleep 0.1
	done
	[ -n "$base_url" ] || { echo "ERROR: the emulator did not write its address to $tmp/addr within ${timeout_s}s" >&2; return 1; }
	echo "emulator listening at $base_url (pid $emulator_pid)"
}

# stop_emulator stops the emulator, if it runs, as SIGTERM does gracefully; and shows the end of its
# log when $1 (the exit status of the script) is not 0.
stop_emulator() {
	if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
		printf '\n==> Stopping the emulator (pid %s)\n' "$emulator_pid"
		kill "$emulator_pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$emulator_pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$emulator_pid" 2>/dev/null || true
		wait "$emulator_pid" 2>/dev/null || true
	fi
	emulator_pid=""
	if [ "${1:-0}" -ne 0 ] && [ -s "$tmp/emulator.log" ]; then
		printf '\n==> Last lines of the emulator log\n' >&2
		tail -n 30 "$tmp/emulator.log" >&2 || true
	fi
}

# use_tmp_dir makes $tmp, a temp dir named $1.XXXXXX, and on exit stops the emulator and removes
# $tmp, unless the variable named $2 is 1 (then it says where $tmp is).
use_tmp_dir() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	keep_tmp_var=$2
	trap cleanup_tmp_dir EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

cleanup_tmp_dir() {
	local status=$?
	stop_emulator "$status"
	if [ "${!keep_tmp_var:-}" = 1 ]; then
		printf '\n==> Keeping %s (%s=1)\n' "$tmp" "$keep_tmp_var"
	else
		rm -rf "$tmp"
	fi
	exit "$status"
}
