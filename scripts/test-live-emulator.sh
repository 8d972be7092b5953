#!/usr/bin/env bash
# Runs the acceptance tests against the emulator started as a separate process, as against a live
# account (INVENT_ACC_LIVE=1): a stand-in for one, with one shared organization. Then it checks that
# the tests removed what they made and changed nothing else (comparing the emulator's state file
# before and after, with internal/tools/leftovers), runs the sweepers (`make sweep`) and checks
# again. Called by `make test-live-emulator` with the CLI to run the tests on ($1): the newest
# Terraform, on which no test may skip but those that need the emulator's knobs, as in the GitHub
# workflow's live-account job.
#
# Knobs (environment): LIVE_EMULATOR_ARGS adds flags to the emulator (its rate limit is off by
# default; "-rate-limit 500" is the API's); LIVE_KEEP=1 keeps the temp dir (state files, logs).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

cli=${1:?usage: test-live-emulator.sh /path/to/terraform}
step() { printf '\n==> %s (%ds)\n' "$*" "$SECONDS"; }

# shellcheck source=scripts/emulator.sh
. scripts/emulator.sh

use_tmp_dir invent-live LIVE_KEEP

step "Starting the emulator with the default fixture"
# shellcheck disable=SC2086 # LIVE_EMULATOR_ARGS is a list of flags
start_emulator "$tmp/state.json" -quiet -rate-limit 0 ${LIVE_EMULATOR_ARGS:-}
cp "$tmp/state.json" "$tmp/before.json"

# What a live run takes from the environment, here the default fixture's.
export INVENT_ACC_LIVE=1 INVENT_BASE_URL="$base_url"
INVENT_API_TOKEN=$(go_const DefaultAdminToken)
INVENT_ACC_MEMBER_TOKEN=$(go_const DefaultMemberToken)
INVENT_ACC_SPACE_ID=$(go_const DefaultSpaceID)
INVENT_ACC_COLLECTION_ID=$(go_const DefaultCollectionID)
export INVENT_API_TOKEN INVENT_ACC_MEMBER_TOKEN INVENT_ACC_SPACE_ID INVENT_ACC_COLLECTION_ID
export INVENT_ACC_EMAIL_DOMAIN=example.com
leftovers=(go run ./internal/tools/leftovers -before "$tmp/before.json"
	-admin "$(go_const DefaultAdminUserID)" -member "$(go_const DefaultMemberUserID)")

failed=()
step "The acceptance tests on $cli, against the emulator at $base_url as a live account"
started=$SECONDS
make --no-print-directory test-cli CLI="$cli" CLI_NEWEST=1 || failed+=("the acceptance tests")
tests_took=$((SECONDS - started))
# What the run cost: the requests the emulator served, and the invitations (each sends an email to
# each of its addresses).
stats=$(curl -fsS "$base_url/_emulator/stats") || stats="" # only shown: "?" without curl
count() { grep -o "\"$1\": *[0-9]*" <<<"$stats" | grep -o '[0-9]*$' || echo "?"; }
printf 'requests: %s, invitation requests (POST /orgs/{org_id}/invites): %s\n' "$(count total)" "$(count 'POST /orgs/{org_id}/invites')"

step "What the tests left: the emulator's state now, against the state before them"
cp "$tmp/state.json" "$tmp/after-tests.json"
"${leftovers[@]}" -after "$tmp/after-tests.json" || failed+=("what the tests left")

step "make sweep"
make --no-print-directory sweep || failed+=("make sweep")

step "What is left after make sweep"
stop_emulator 0
"${leftovers[@]}" -after "$tmp/state.json" || failed+=("what is left after make sweep")

if [ "${#failed[@]}" -gt 0 ]; then
	printf '\nFAILED: %s\n' "$(IFS=,; echo "${failed[*]}" | sed 's/,/, /g')" >&2
	exit 1
fi
step "Passed: the tests took ${tests_took}s against the emulator as a live account; nothing they made is left"
