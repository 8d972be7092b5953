package provider

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"

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
func secretsConfig(env *testEnv, subOrgID, email, extra string) string {
	return fmt.Sprintf(`
data "invent_current_user" "me" {}

data "invent_sub_orgs" "all" {
  org_id = %[2]q
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
  org_id   = %[2]q
  space_id = %[3]q
  role     = "read"
}

resource "invent_sub_org_membership" "emea" {
  org_id     = %[2]q
  sub_org_id = %[4]q
  role       = "STAFF"
}

resource "invent_org_member" "nina" {
  org_id = %[1]q
  email  = %[5]q
  role   = "comment"
}
%[6]s`, env.OrgID, env.ParentOrgID, env.spaceID(), subOrgID, email, extra)
}

// The API token appears in no file terraform writes and in nothing it prints, with the most verbose
// logging on, whether things go well or fail: apply, plan, a failing apply and destroy with the token
// in the environment, and a failing plan with a wrong token in the configuration.
func TestAccSecrets_tokenNeverWritten(t *testing.T) {
	parallel(t)
	env := newIsolatedTestEnv(t)
	// The token to keep secret: one made for the test, of an admin added to the emulator; against a
	// live account its own.
	token, wrongToken := env.AdminToken, secretToken(t)
	if emu := env.Emulator; emu != nil {
		token = secretToken(t)
		const keeper = "usr_secret_keeper"
		if err := emu.AddUser(emulator.FixtureUser{
			ID: keeper, Name: "Secret Keeper", Email: "keeper@acme.example", Token: token, TokenOrg: env.OrgID,
		}); err != nil {
			t.Fatal(err)
		}
		if err := emu.SetOrgRole(env.OrgID, keeper, client.OrgRoleAdmin); err != nil {
			t.Fatal(err)
		}
	}
	subOrgID, email := env.joinableSubOrgID(t), env.newAddress()

	logs := []string{"TF_LOG=TRACE", "TF_LOG_PATH=trace.log"}
	ws := newCLIWorkspace(t, env.URL, token, logs...)
	ws.writeConfig(secretsConfig(env, subOrgID, email, ""))
	runs := []cliRun{ws.mustRun("apply", "-auto-approve"), ws.expectNoChanges()}

	ws.writeConfig(secretsConfig(env, subOrgID, email, `
resource "invent_invite_link" "nowhere" {
  org_id   = "`+env.OrgID+`"
  space_id = "spc_missing"
  role     = "read"
}
`))
	failed := ws.run("apply", "-auto-approve")
	if failed.exitCode == 0 || !messageRegexp(`Cannot create the invite link`, `400 Bad Request`, env.apiSays(`space "spc_missing" does not exist`)).MatchString(failed.stderr) {
		t.Fatalf("the apply should fail on the unknown space:\n%s", failed)
	}
	ws.writeConfig(secretsConfig(env, subOrgID, email, ""))
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
	if refused.exitCode == 0 || !messageRegexp("401 Unauthorized", env.apiSays("unknown API key")).MatchString(refused.stderr) {
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
func inviteLinkSecretsConfig(env *testEnv, role, inviteIDs, extra string) string {
	return fmt.Sprintf(`
resource "invent_invite_link" "org" {
  org_id = %[1]q
  role   = %[2]q
}

resource "invent_invite_link" "space" {
  org_id   = %[3]q
  space_id = %[4]q
  role     = "guest"
}

resource "invent_invite_links_exclusive" "all" {
  org_id     = %[1]q
  invite_ids = %[5]s
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
%[6]s`, env.OrgID, role, env.ParentOrgID, env.spaceID(), inviteIDs, extra)
}

// inviteIDWatch runs terraform in a workspace that logs at TRACE, and remembers every invite ID the
// runs' state and the API held, to check at the end that none appears in what terraform printed or
// in a log line of the provider. Terraform's own lines of the log are not the provider's to mask
// (see the README's Security section); the fingerprints are shown.
type inviteIDWatch struct {
	t    *testing.T
	env  *testEnv
	ws   *cliWorkspace
	ids  map[string]bool
	runs []cliRun
	// cliShowsIDs: the CLI prints a link's ID in its own progress lines (see cliProgressLinesWithIDs).
	cliShowsIDs bool
}

func newInviteIDWatch(t *testing.T, env *testEnv) *inviteIDWatch {
	t.Helper()
	ws := newCLIWorkspace(t, env.URL, env.AdminToken, "TF_LOG=TRACE", "TF_LOG_PATH=trace.log")
	return &inviteIDWatch{t: t, env: env, ws: ws, ids: map[string]bool{}, cliShowsIDs: cliShowsSensitiveIDsInProgress(ws)}
}

// cliShowsSensitiveIDsInProgress reports whether the workspace's CLI prints a resource's id in its
// progress lines ("invent_invite_link.org: Creation complete after 0s [id=…]") although the
// attribute is sensitive. Terraform 1.0.11 and OpenTofu 1.6.3 do; Terraform 1.11.4 and 1.15.9 and
// OpenTofu 1.12.6 do not. The releases between were not run here: they count as the older ones.
// Those lines are the CLI's own: the provider marks the id sensitive and cannot hide it further.
func cliShowsSensitiveIDsInProgress(ws *cliWorkspace) bool {
	hidesFrom := "1.11.0" // Terraform
	if ws.isOpenTofu() {
		hidesFrom = "1.12.0"
	}
	return ws.version().LessThan(version.Must(version.NewVersion(hidesFrom)))
}

// cliProgressLinesWithIDs are the CLI's progress lines on an invite link that name its id, on the
// CLIs that print them (cliShowsSensitiveIDsInProgress): refreshing, creating, modifying,
// destroying and reading it, their completions, and the "Still …" lines while they last.
var cliProgressLinesWithIDs = regexp.MustCompile(`(?m)^invent_invite_link\.[\w-]+(\[[^\]\n]+\])?( \(deposed object \w+\))?: ` +
	`(((Refreshing state|Creating|Modifying|Destroying|Reading)\.\.\.|(Creation|Modifications|Destruction|Read) complete after \w+) \[id=[^\s,\]]+\]|` +
	`Still (creating|modifying|destroying|reading)\.\.\. \[id=[^\s,\]]+, \w+ elapsed\])$`)

// shown is what the run r printed that the provider answers for: all of it, but the CLI's progress
// lines that name an ID on the CLIs that print them.
func (w *inviteIDWatch) shown(r cliRun) string {
	if !w.cliShowsIDs {
		return r.output()
	}
	return cliProgressLinesWithIDs.ReplaceAllString(r.output(), "")
}

// createLink creates an organization link outside Terraform, and watches its ID.
func (w *inviteIDWatch) createLink(role client.ContentRole) string {
	w.t.Helper()
	id := createLink(w.t, w.env, role, "")
	w.ids[id] = true
	return id
}

// run runs a terraform command that must end with wantExit (0, or any failure), and watches the IDs
// of the links in state.
func (w *inviteIDWatch) run(wantExit int, args ...string) cliRun {
	w.t.Helper()
	r := w.ws.run(args[0], args[1:]...)
	if (r.exitCode == 0) != (wantExit == 0) {
		w.t.Fatalf("want exit code %d:\n%s", wantExit, r)
	}
	w.runs = append(w.runs, r)
	for _, inst := range w.ws.stateResources("invent_invite_link") {
		if id, ok := inst["id"].(string); ok {
			w.ids[id] = true
		}
	}
	return r
}

// expect fails unless r printed parts, in order.
func (w *inviteIDWatch) expect(r cliRun, parts ...string) {
	w.t.Helper()
	if !messageRegexp(parts...).MatchString(r.output()) {
		w.t.Fatalf("want %q in:\n%s", parts, r)
	}
}

// expectNoneShown checks that no watched ID (at least minIDs of them, with the organization's links
// now) is in the runs' output or in the provider's log lines.
func (w *inviteIDWatch) expectNoneShown(minIDs int) {
	t := w.t
	t.Helper()
	links, err := w.env.Admin.ListInviteLinks(testContext(t), w.env.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		w.ids[l.ID] = true
	}
	if len(w.ids) < minIDs {
		t.Fatalf("only %d invite IDs seen: the test would pass without looking", len(w.ids))
	}
	log, err := os.ReadFile(w.ws.path("trace.log"))
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
	for id := range w.ids {
		for _, r := range w.runs {
			if strings.Contains(w.shown(r), id) {
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

// No full invite ID appears in what terraform prints (diffs, warnings, errors, outputs) nor in the
// provider's own log lines, at TRACE, through a link's whole life: creation, the exclusive set's
// refusal to be created beside a link outside it, its creation and revocations, a role change,
// refusals that name links, an API error on a link's path, the data source, and destroy. Without
// import blocks, so that it runs on every CLI, whose progress lines differ;
// TestAccSecrets_inviteIDsNeverShownImported adopts the set with one.
func TestAccSecrets_inviteIDsNeverShown(t *testing.T) {
	parallel(t)
	env := newIsolatedTestEnv(t)
	w := newInviteIDWatch(t, env)
	outside := w.createLink(client.RoleEdit)

	// Creating the set while a link is outside it names the link, and creates no set.
	w.ws.writeConfig(inviteLinkSecretsConfig(env, "read", "[invent_invite_link.org.id]", ""))
	w.expect(w.run(1, "apply", "-auto-approve"), `The organization has invite links outside invite_ids`,
		`- `+client.MaskInviteID(outside)+`, role edit`)
	if _, err := env.Admin.DeleteInviteLink(testContext(t), env.OrgID, outside); err != nil {
		t.Fatal(err)
	}
	applied := w.run(0, "apply", "-auto-approve")
	orgLink := w.ws.stateResources("invent_invite_link")[0]
	w.expect(applied, `Outputs:`, fmt.Sprintf(`"fingerprint" = %q`, orgLink["fingerprint"]), `"kind" = "organization"`)

	// A role change shows the ID as sensitive; a link created outside shows by its fingerprint.
	w.ws.writeConfig(inviteLinkSecretsConfig(env, "comment", "[invent_invite_link.org.id]", ""))
	late := w.createLink(client.RoleCreate)
	w.expect(w.run(0, "plan"), `id = (sensitive value)`, `~ role = "read" -> "comment"`, `~ invite_ids = (sensitive value)`,
		`- `+client.MaskInviteID(late)+`, role create`)
	w.run(0, "apply", "-auto-approve")

	// Refusals name links by fingerprint: a space link in the set, a duplicate.
	w.ws.writeConfig(inviteLinkSecretsConfig(env, "comment", "[invent_invite_link.org.id, invent_invite_link.space.id]", ""))
	space := w.ws.stateResources("invent_invite_link")[1]["id"].(string)
	w.expect(w.run(1, "plan"), `Not invite links of the organization`, `- `+client.MaskInviteID(space))
	w.ws.writeConfig(inviteLinkSecretsConfig(env, "comment", "[invent_invite_link.org.id, invent_invite_link.org.id]", ""))
	w.expect(w.run(1, "plan"), `Attribute invite_ids[1] lists the ID again (first at invite_ids[0])`)

	// An API error on the link's own path: it was revoked outside, and a plan without refresh changes its role.
	if _, err := env.Admin.DeleteInviteLink(testContext(t), env.OrgID, orgLink["id"].(string)); err != nil {
		t.Fatal(err)
	}
	w.ws.writeConfig(inviteLinkSecretsConfig(env, "review", "[invent_invite_link.org.id]", ""))
	w.expect(w.run(1, "apply", "-refresh=false", "-auto-approve"), `Cannot update the invite link`,
		`/link-invites/`+client.MaskInviteID(orgLink["id"].(string))+`: 404 Not Found`)
	w.run(0, "apply", "-auto-approve") // re-creates the link

	// Creating a second set names the links outside it.
	w.ws.writeConfig(strings.Replace(inviteLinkSecretsConfig(env, "review", "[]", ""),
		`resource "invent_invite_links_exclusive" "all"`, `resource "invent_invite_links_exclusive" "again"`, 1))
	w.expect(w.run(1, "plan"), `The organization has invite links outside invite_ids`,
		`- `+client.MaskInviteID(w.ws.stateResources("invent_invite_link")[0]["id"].(string))+`, role review`)
	// (destroy plans the configuration as its refresh: it would meet the same refusal)
	w.ws.writeConfig(inviteLinkSecretsConfig(env, "review", "[invent_invite_link.org.id]", ""))
	w.run(0, "destroy", "-auto-approve")
	w.expectNoneShown(5)
}

// TestAccSecrets_inviteIDsNeverShown for the exclusive set's adoption by an import block (Terraform
// 1.5 and later): its plan names the link it will revoke by fingerprint, and the apply revokes it.
func TestAccSecrets_inviteIDsNeverShownImported(t *testing.T) {
	parallel(t)
	env := newIsolatedTestEnv(t)
	w := newInviteIDWatch(t, env)
	w.ws.skipUnlessVersion(skipBelowImportBlocks)
	outside := w.createLink(client.RoleEdit)
	importSet := fmt.Sprintf(`
import {
  to = invent_invite_links_exclusive.all
  id = %q
}
`, env.OrgID)
	w.ws.writeConfig(inviteLinkSecretsConfig(env, "read", "[invent_invite_link.org.id]", importSet))
	w.expect(w.run(0, "plan"), fmt.Sprintf(`Warning: 1 invite link of organization %q will be revoked`, env.OrgID),
		`- `+client.MaskInviteID(outside)+`, role edit`)
	applied := w.run(0, "apply", "-auto-approve")
	orgLink := w.ws.stateResources("invent_invite_link")[0]
	w.expect(applied, `Outputs:`, fmt.Sprintf(`"fingerprint" = %q`, orgLink["fingerprint"]), `"kind" = "organization"`)
	if _, err := env.Admin.GetInviteLink(testContext(t), env.OrgID, outside); !client.IsNotFound(err) {
		t.Errorf("the link outside the set should be revoked; GET answered %v", err)
	}
	w.ws.writeConfig(inviteLinkSecretsConfig(env, "read", "[invent_invite_link.org.id]", ""))
	w.run(0, "destroy", "-auto-approve")
	w.expectNoneShown(3)
}

// cliProgressLinesWithIDs takes out the progress lines Terraform 1.0 and OpenTofu 1.6 print, as it printed them, and
// nothing else that names an ID: not a diff, an output, an error or a line of another resource.
func TestCLIProgressLinesWithIDs(t *testing.T) {
	progress := []string{
		"invent_invite_link.org: Refreshing state... [id=inv_00000F]",
		"invent_invite_link.space: Creation complete after 0s [id=inv_00000E]",
		"invent_invite_link.org: Modifying... [id=inv_00000F]",
		"invent_invite_link.org: Modifications complete after 1s [id=inv_00000F]",
		"invent_invite_link.bulk[3]: Destroying... [id=inv_00000F]",
		`invent_invite_link.bulk["a"]: Destruction complete after 0s [id=inv_00000F]`,
		"invent_invite_link.org (deposed object 1a2b3c4d): Still destroying... [id=inv_00000F, 10s elapsed]",
	}
	others := []string{
		`      ~ id          = "inv_00000F" -> (known after apply)`,
		`org_link_id = "inv_00000F"`,
		`│ Error: Cannot update the invite link invent_invite_link.org: Modifying... [id=inv_00000F]`,
		"invent_invite_links_exclusive.all: Modifying... [id=inv_00000F]",
		"invent_invite_link.org: Refreshing state... [id=inv_00000F] and inv_00000E",
	}
	for _, line := range progress {
		if got := cliProgressLinesWithIDs.ReplaceAllString("before\n"+line+"\nafter", ""); got != "before\n\nafter" {
			t.Errorf("the progress line %q was not taken out: %q", line, got)
		}
	}
	for _, line := range others {
		if cliProgressLinesWithIDs.MatchString(line) {
			t.Errorf("%q was taken for a progress line", line)
		}
	}
}
