package provider

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// secretToken is a token that cannot appear anywhere by chance.
func secretToken(t *testing.T) string {
	t.Helper()
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "invent-secret-" + hex.EncodeToString(b)
}

// secretsConfig uses every resource and data source, so that each one's requests and logs are seen.
func secretsConfig(orgID, extra string) string {
	return fmt.Sprintf(`
data "invent_current_user" "me" {}

data "invent_sub_orgs" "all" {
  org_id = %[1]q
}

data "invent_org_members" "readers" {
  org_id = %[1]q
  role   = "read"
}

data "invent_invite_links" "all" {
  org_id     = %[1]q
  depends_on = [invent_invite_link.org]
}

resource "invent_invite_link" "org" {
  org_id = %[1]q
  role   = "review"
}

resource "invent_invite_link" "space" {
  org_id   = %[1]q
  space_id = %[2]q
  role     = "read"
}

resource "invent_sub_org_membership" "emea" {
  org_id     = %[1]q
  sub_org_id = %[3]q
  role       = "STAFF"
}

resource "invent_org_member" "nina" {
  org_id = %[1]q
  email  = %[4]q
  role   = "comment"
}
%[5]s`, orgID, emulator.DefaultSpaceID, emulator.DefaultJoinableSubOrgID, emulator.DefaultUninvitedEmail, extra)
}

// The API token appears in no file terraform writes and in nothing it prints, with the most verbose
// logging on, whether things go well or fail: apply, plan, a failing apply and destroy with the token
// in the environment, and a failing plan with a wrong token in the configuration.
func TestAccSecrets_tokenNeverWritten(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	emu := env.needsEmulator(t)
	token, wrongToken := secretToken(t), secretToken(t)
	const keeper = "usr_secret_keeper"
	if err := emu.AddUser(emulator.FixtureUser{
		ID: keeper, Name: "Secret Keeper", Email: "keeper@acme.example", Token: token, TokenOrg: env.OrgID,
	}); err != nil {
		t.Fatal(err)
	}
	if err := emu.SetOrgRole(env.OrgID, keeper, client.OrgRoleAdmin); err != nil {
		t.Fatal(err)
	}

	logs := []string{"TF_LOG=TRACE", "TF_LOG_PATH=trace.log"}
	ws := newCLIWorkspace(t, env.URL, token, logs...)
	ws.writeConfig(secretsConfig(env.OrgID, ""))
	runs := []cliRun{ws.mustRun("apply", "-auto-approve"), ws.expectNoChanges()}

	ws.writeConfig(secretsConfig(env.OrgID, `
resource "invent_invite_link" "nowhere" {
  org_id   = "`+env.OrgID+`"
  space_id = "spc_missing"
  role     = "read"
}
`))
	failed := ws.run("apply", "-auto-approve")
	if failed.exitCode == 0 || !messageRegexp(`space "spc_missing" does not exist`).MatchString(failed.stderr) {
		t.Fatalf("the apply should fail on the unknown space:\n%s", failed)
	}
	ws.writeConfig(secretsConfig(env.OrgID, ""))
	runs = append(runs, failed, ws.mustRun("destroy", "-auto-approve"))

	// This time the token comes through the configuration, from a sensitive variable.
	wrong := newCLIWorkspace(t, env.URL, "", append(logs, "TF_VAR_api_token="+wrongToken)...)
	wrong.writeConfig(`
variable "api_token" {
  type      = string
  sensitive = true
}

provider "invent" {
  api_token = var.api_token
}
` + currentUserConfig)
	refused := wrong.run("plan")
	if refused.exitCode == 0 || !messageRegexp("401 Unauthorized: unknown API key").MatchString(refused.stderr) {
		t.Fatalf("the plan with a wrong token should fail with 401:\n%s", refused)
	}

	for _, secret := range []struct {
		token string
		ws    *cliWorkspace
		runs  []cliRun
	}{{token, ws, runs}, {wrongToken, wrong, []cliRun{refused}}} {
		for _, run := range secret.runs {
			if strings.Contains(run.output(), secret.token) {
				t.Errorf("the token is in the output of terraform %s:\n%s", strings.Join(run.args, " "), run)
			}
		}
		for _, name := range []string{"trace.log", "terraform.tfstate", "terraform.tfstate.backup"} {
			data, err := os.ReadFile(secret.ws.path(name))
			if err != nil {
				if name == "trace.log" || secret.ws == ws {
					t.Errorf("reading %s: %v", name, err)
				}
				continue
			}
			if strings.Contains(string(data), secret.token) {
				t.Errorf("the token is in %s", name)
			}
		}
		// Not vacuous: the provider's own request log is in the file.
		if data, _ := os.ReadFile(secret.ws.path("trace.log")); !strings.Contains(string(data), "Invent API request") {
			t.Errorf("%s holds no provider request log: the test would pass without looking", secret.ws.path("trace.log"))
		}
	}
}

// inviteLinkSecretsConfig manages an organization link with role, a space link, the organization's
// exclusive set of links (invite_ids as written) and the data source, and outputs what may be shown
// of them; extra adds to it.
func inviteLinkSecretsConfig(orgID, role, inviteIDs, extra string) string {
	return fmt.Sprintf(`
resource "invent_invite_link" "org" {
  org_id = %[1]q
  role   = %[2]q
}

resource "invent_invite_link" "space" {
  org_id   = %[1]q
  space_id = %[3]q
  role     = "guest"
}

resource "invent_invite_links_exclusive" "all" {
  org_id     = %[1]q
  invite_ids = %[4]s
}

data "invent_invite_links" "all" {
  org_id     = %[1]q
  depends_on = [invent_invite_link.org]
}

output "fingerprints" {
  value = sort([for l in data.invent_invite_links.all.invite_links : l.fingerprint])
}

output "org_link" {
  value = { fingerprint = invent_invite_link.org.fingerprint, kind = invent_invite_link.org.kind }
}
%[5]s`, orgID, role, emulator.DefaultSpaceID, inviteIDs, extra)
}

// No full invite ID appears in what terraform prints (diffs, warnings, errors, outputs) nor in the
// provider's own log lines, at TRACE, through a link's whole life: creation, the exclusive set's
// import and revocations, a role change, refusals that name links, an API error on a link's path,
// the data source, and destroy. Terraform's own lines of the log are not the provider's to mask (see
// the README's Security section); the fingerprints are shown.
func TestAccSecrets_inviteIDsNeverShown(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	env.needsEmulator(t)
	ids := map[string]bool{}
	outside := createLink(t, env, client.RoleEdit, "")
	ids[outside] = true
	ws := newCLIWorkspace(t, env.URL, env.AdminToken, "TF_LOG=TRACE", "TF_LOG_PATH=trace.log")
	ws.skipUnlessVersion(skipBelowImportBlocks)
	var runs []cliRun
	run := func(wantExit int, args ...string) cliRun {
		t.Helper()
		r := ws.run(args[0], args[1:]...)
		if (r.exitCode == 0) != (wantExit == 0) {
			t.Fatalf("want exit code %d:\n%s", wantExit, r)
		}
		runs = append(runs, r)
		for _, inst := range ws.stateResources("invent_invite_link") {
			if id, ok := inst["id"].(string); ok {
				ids[id] = true
			}
		}
		return r
	}
	expect := func(r cliRun, parts ...string) {
		t.Helper()
		if !messageRegexp(parts...).MatchString(r.output()) {
			t.Fatalf("want %q in:\n%s", parts, r)
		}
	}
	importSet := fmt.Sprintf(`
import {
  to = invent_invite_links_exclusive.all
  id = %q
}
`, env.OrgID)

	ws.writeConfig(inviteLinkSecretsConfig(env.OrgID, "read", "[invent_invite_link.org.id]", importSet))
	expect(run(0, "plan"), `Warning: 1 invite link of organization "org_acme" will be revoked`,
		`- `+client.MaskInviteID(outside)+`, role edit`)
	applied := run(0, "apply", "-auto-approve")
	orgLink := ws.stateResources("invent_invite_link")[0]
	expect(applied, `Outputs:`, fmt.Sprintf(`"fingerprint" = %q`, orgLink["fingerprint"]), `"kind" = "organization"`)

	// A role change shows the ID as sensitive; a link created outside shows by its fingerprint.
	ws.writeConfig(inviteLinkSecretsConfig(env.OrgID, "comment", "[invent_invite_link.org.id]", ""))
	late := createLink(t, env, client.RoleCreate, "")
	ids[late] = true
	expect(run(0, "plan"), `id = (sensitive value)`, `~ role = "read" -> "comment"`, `~ invite_ids = (sensitive value)`, `- `+client.MaskInviteID(late)+`, role create`)
	run(0, "apply", "-auto-approve")

	// Refusals name links by fingerprint: a space link in the set, a duplicate.
	ws.writeConfig(inviteLinkSecretsConfig(env.OrgID, "comment", "[invent_invite_link.org.id, invent_invite_link.space.id]", ""))
	space := ws.stateResources("invent_invite_link")[1]["id"].(string)
	expect(run(1, "plan"), `Not invite links of the organization`, `- `+client.MaskInviteID(space))
	ws.writeConfig(inviteLinkSecretsConfig(env.OrgID, "comment", "[invent_invite_link.org.id, invent_invite_link.org.id]", ""))
	expect(run(1, "plan"), `Attribute invite_ids[1] lists the ID again (first at invite_ids[0])`)

	// An API error on the link's own path: it was revoked outside, and a plan without refresh changes its role.
	if _, err := env.Admin.DeleteInviteLink(testContext(t), env.OrgID, orgLink["id"].(string)); err != nil {
		t.Fatal(err)
	}
	ws.writeConfig(inviteLinkSecretsConfig(env.OrgID, "review", "[invent_invite_link.org.id]", ""))
	expect(run(1, "apply", "-refresh=false", "-auto-approve"), `Cannot update the invite link`,
		`/link-invites/`+client.MaskInviteID(orgLink["id"].(string))+`: 404 Not Found`)
	run(0, "apply", "-auto-approve") // re-creates the link

	// Creating the set while links are outside it names them.
	ws.writeConfig(strings.Replace(inviteLinkSecretsConfig(env.OrgID, "review", "[]", ""),
		`resource "invent_invite_links_exclusive" "all"`, `resource "invent_invite_links_exclusive" "again"`, 1))
	expect(run(1, "plan"), `The organization has invite links outside invite_ids`,
		`- `+client.MaskInviteID(ws.stateResources("invent_invite_link")[0]["id"].(string))+`, role review`)
	// (destroy plans the configuration as its refresh: it would meet the same refusal)
	ws.writeConfig(inviteLinkSecretsConfig(env.OrgID, "review", "[invent_invite_link.org.id]", ""))
	run(0, "destroy", "-auto-approve")

	links, err := env.Admin.ListInviteLinks(testContext(t), env.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		ids[l.ID] = true
	}
	if len(ids) < 5 {
		t.Fatalf("only %d invite IDs seen: the test would pass without looking", len(ids))
	}
	log, err := os.ReadFile(ws.path("trace.log"))
	if err != nil {
		t.Fatal(err)
	}
	var providerLines []string
	for line := range strings.Lines(string(log)) {
		if strings.Contains(line, "provider.terraform-provider-invent") {
			providerLines = append(providerLines, line)
		}
	}
	if !slices.ContainsFunc(providerLines, func(line string) bool { return strings.Contains(line, "/link-invites/…") }) {
		t.Fatalf("the log holds no provider request line on a link's path: the test would pass without looking")
	}
	for id := range ids {
		for _, r := range runs {
			if strings.Contains(r.output(), id) {
				t.Errorf("invite ID %s is in the output of terraform %s:\n%s", id, strings.Join(r.args, " "), r)
			}
		}
		for _, line := range providerLines {
			if strings.Contains(line, id) {
				t.Errorf("invite ID %s is in a log line of the provider: %s", id, line)
			}
		}
	}
}
