#!/usr/bin/env bash
# Runs examples/demo against a local Invent API emulator: builds the provider and the emulator,
# starts the emulator on a free loopback port with throw-away state, applies the demo through a
# dev_overrides CLI config (no `terraform init`), prints the outputs, and fails unless a second
# plan finds no changes. Needs only Go and Terraform. Called by `make demo`.
#
# Knobs (environment): DEMO_KEEP=1 keeps the temp dir for a look afterwards;
# DEMO_EMULATOR_ARGS adds flags to the emulator (e.g. "-latency 50ms -fault-rate 0.1").
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

step() { printf '\n==> %s\n' "$*"; }
die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || die "go not found on PATH"
terraform=$(command -v terraform 2>/dev/null) || die "terraform not found on PATH: the demo needs the Terraform CLI"

# The emulator's default fixture: its admin token and parent organization, read from the source so
# that the demo follows the constants emulator.DefaultAdminToken and emulator.DefaultParentOrgID.
go_const() {
	sed -n -E "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"([^\"]*)\".*/\1/p" internal/emulator/*.go | head -n 1
}
admin_token=$(go_const DefaultAdminToken)
parent_org=$(go_const DefaultParentOrgID)
[ -n "$admin_token" ] || die "cannot find the constant DefaultAdminToken in internal/emulator/*.go"
[ -n "$parent_org" ] || die "cannot find the constant DefaultParentOrgID in internal/emulator/*.go"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/invent-demo.XXXXXX")
emulator_pid=""
cleanup() {
	status=$?
	if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
		printf '\n==> Stopping the emulator (pid %s)\n' "$emulator_pid"
		kill "$emulator_pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$emulator_pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$emulator_pid" 2>/dev/null || true
		wait "$emulator_pid" 2>/dev/null || true
	fi
	if [ "$status" -ne 0 ] && [ -s "$tmp/emulator.log" ]; then
		printf '\n==> Last lines of the emulator log\n' >&2
		tail -n 30 "$tmp/emulator.log" >&2 || true
	fi
	if [ "${DEMO_KEEP:-}" = 1 ]; then
		printf '\n==> Keeping %s (DEMO_KEEP=1)\n' "$tmp"
	else
		rm -rf "$tmp"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$tmp/bin" "$tmp/work"

step "Building the provider into $tmp/bin"
go build -o "$tmp/bin/terraform-provider-invent" .

step "Building the emulator"
go build -o "$tmp/bin/invent-emulator" ./internal/emulator/cmd/invent-emulator

step "Starting the emulator on a free loopback port"
# shellcheck disable=SC2086 # DEMO_EMULATOR_ARGS is a list of flags
"$tmp/bin/invent-emulator" -addr 127.0.0.1:0 -addr-file "$tmp/addr" -state "$tmp/state.json" \
	${DEMO_EMULATOR_ARGS:-} >"$tmp/emulator.log" 2>&1 &
emulator_pid=$!

step "Waiting for the emulator's address"
# The address is complete once the file ends in a newline (or stops changing, should it have none).
timeout_s=30
base_url="" prev=""
for ((i = 0; i < timeout_s * 10; i++)); do
	if [ -s "$tmp/addr" ]; then
		cur=$(tr -d '[:space:]' <"$tmp/addr")
		if [ -z "$(tail -c 1 "$tmp/addr")" ] || [ "$cur" = "$prev" ]; then
			base_url=$cur
			break
		fi
		prev=$cur
	fi
	kill -0 "$emulator_pid" 2>/dev/null || die "the emulator exited before it was listening (log below)"
	sleep 0.1
done
[ -n "$base_url" ] || die "the emulator did not write its address to $tmp/addr within ${timeout_s}s"
echo "emulator listening at $base_url (pid $emulator_pid)"

step "Writing a Terraform CLI config with dev_overrides for orgkit/invent"
cat >"$tmp/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "orgkit/invent" = "$tmp/bin"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$tmp/terraformrc"
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export INVENT_BASE_URL="$base_url" INVENT_API_TOKEN="$admin_token"
export TF_VAR_org_id="$parent_org"

step "Copying examples/demo/*.tf to $tmp/work"
cp examples/demo/*.tf "$tmp/work/"
cd "$tmp/work"

# Colours only on a terminal: CI logs stay readable.
tf_flags=()
[ -t 1 ] || tf_flags=(-no-color)

step "terraform apply (no init: dev_overrides supply the provider)"
"$terraform" apply -auto-approve -input=false "${tf_flags[@]}" 2>&1 | tee "$tmp/apply.txt"

step "terraform output"
"$terraform" output "${tf_flags[@]}" 2>&1 | tee "$tmp/output.txt"

step "terraform plan -detailed-exitcode: the second plan must find no changes"
set +e
"$terraform" plan -detailed-exitcode -input=false "${tf_flags[@]}" 2>&1 | tee "$tmp/plan.txt"
plan_status=${PIPESTATUS[0]}
set -e
case "$plan_status" in
0) ;;
2) die "the plan after apply has changes (exit code 2): the demo does not converge" ;;
*) die "terraform plan failed (exit code $plan_status)" ;;
esac
grep -q "No changes" "$tmp/plan.txt" || die "terraform plan exited 0 but did not say \"No changes\""

step "Invite link IDs are secrets: no output above shows one, only fingerprints"
# Anyone signed in who knows an organization link's ID can join with its role, so plans, outputs and
# the provider's logs show a link by its fingerprint (the ID's last 4 characters). Reading the ID
# takes an explicit request, as for any sensitive output:
invite_id=$("$terraform" output -raw readers_invite_id)
[ -n "$invite_id" ] || die "the readers link has no ID in state"
if grep -qF -- "$invite_id" "$tmp/apply.txt" "$tmp/output.txt" "$tmp/plan.txt"; then
	die "an invite link ID was printed"
fi
echo "no invite ID was printed; \`terraform output -raw readers_invite_id\` prints the readers link's ID on request"

step "Demo passed in ${SECONDS}s: applied, and the follow-up plan has no changes"
