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

# shellcheck source=scripts/emulator.sh
. scripts/emulator.sh
# The emulator's default fixture: its admin token and parent organization.
admin_token=$(go_const DefaultAdminToken)
parent_org=$(go_const DefaultParentOrgID)

use_tmp_dir invent-demo DEMO_KEEP

mkdir -p "$tmp/bin" "$tmp/work"

step "Building the provider into $tmp/bin"
go build -o "$tmp/bin/terraform-provider-invent" .

step "Building and starting the emulator on a free loopback port"
# shellcheck disable=SC2086 # DEMO_EMULATOR_ARGS is a list of flags
start_emulator "$tmp/state.json" ${DEMO_EMULATOR_ARGS:-}

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
