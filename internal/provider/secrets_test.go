package provider

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
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
