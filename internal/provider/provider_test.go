package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// testAccProtoV6ProviderFactories serves the provider in-process to the real terraform CLI, through
// the same protocol server as main.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"invent": NewProtocol6("test"),
}

// envAccLive opts into running the acceptance tests against the live account that INVENT_BASE_URL
// and INVENT_API_TOKEN name. It is a variable of its own so that a shell set up for the emulator, or
// for daily use, never sends test traffic to a real organization by accident.
const envAccLive = "INVENT_ACC_LIVE"

// testEnv is the API one acceptance test talks to: its own in-process emulator (so tests run in
// parallel without seeing each other's objects), or a live account when INVENT_ACC_LIVE=1 and
// INVENT_BASE_URL and INVENT_API_TOKEN are set.
type testEnv struct {
	URL         string
	AdminToken  string
	MemberToken string
	OrgID       string
	// Emulator is nil against a live account.
	Emulator *emulator.Server
	// Admin and Member call the API directly, for drift set-up and destroy checks.
	Admin  *client.Client
	Member *client.Client
}

// newTestEnv starts an emulator with opts (or connects to the live account) for one test.
func newTestEnv(t *testing.T, opts emulator.Options) *testEnv {
	t.Helper()
	return newTestEnvThrough(t, opts, nil)
}

// newTestEnvThrough is newTestEnv with the emulator served through interpose (when not nil), a
// handler that can alter what the API answers; such a test needs the emulator.
func newTestEnvThrough(t *testing.T, opts emulator.Options, interpose func(http.Handler) http.Handler) *testEnv {
	t.Helper()
	testAccPreCheck(t)
	env := &testEnv{}
	live := os.Getenv(envAccLive) == "1"
	if live && interpose != nil {
		t.Skip("alters the API's answers, which only the emulator allows; not run against a live account")
	}
	if liveURL, liveToken := os.Getenv(EnvBaseURL), os.Getenv(EnvAPIToken); live && liveURL != "" && liveToken != "" {
		env.URL, env.AdminToken = liveURL, liveToken
		env.MemberToken = os.Getenv("INVENT_ACC_MEMBER_TOKEN")
		env.OrgID = "c"
	} else {
		env.Emulator, env.URL = serveEmulator(t, opts, interpose)
		env.AdminToken, env.MemberToken = emulator.DefaultAdminToken, emulator.DefaultMemberToken
		env.OrgID = emulator.DefaultParentOrgID
	}
	env.Admin = env.newClient(t, env.AdminToken)
	if env.MemberToken != "" {
		env.Member = env.newClient(t, env.MemberToken)
	}
	return env
}

// newEmulatorEnv starts an emulator with opts for a unit test that calls the provider's code in
// process: it needs no CLI, so it runs without TF_ACC, and never against a live account.
func newEmulatorEnv(t *testing.T, opts emulator.Options) *testEnv {
	t.Helper()
	env := &testEnv{
		AdminToken: emulator.DefaultAdminToken, MemberToken: emulator.DefaultMemberToken, OrgID: emulator.DefaultParentOrgID,
	}
	env.Emulator, env.URL = serveEmulator(t, opts, nil)
	env.Admin, env.Member = env.newClient(t, env.AdminToken), env.newClient(t, env.MemberToken)
	return env
}

// serveEmulator starts an in-process emulator with opts, served through interpose (when not nil),
// for the length of the test, and returns it and its URL.
func serveEmulator(t *testing.T, opts emulator.Options, interpose func(http.Handler) http.Handler) (*emulator.Server, string) {
	t.Helper()
	emu, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	var handler http.Handler = emu
	if interpose != nil {
		handler = interpose(emu)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return emu, srv.URL
}

// needsEmulator skips a test that needs emulator-only state or knobs when running against a live
// account. In CI there is no live account, so nothing is skipped there.
func (e *testEnv) needsEmulator(t *testing.T) *emulator.Server {
	t.Helper()
	if e.Emulator == nil {
		t.Skip("needs the emulator's fixture or knobs; not run against a live account")
	}
	return e.Emulator
}

func (e *testEnv) newClient(t *testing.T, token string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{
		BaseURL: e.URL, Token: token, UserAgent: "terraform-provider-invent-tests",
		MaxRetries: client.DefaultMaxRetries, MinRetryWait: 10 * time.Millisecond, MaxRetryWait: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatalf("creating the test client: %v", err)
	}
	return c
}

// providerConfig is the provider block acting as the admin, followed by body.
func (e *testEnv) providerConfig(body string) string {
	return e.providerConfigWithToken(e.AdminToken, body)
}

// providerConfigWithToken is the provider block acting as the holder of token, followed by body.
func (e *testEnv) providerConfigWithToken(token, body string) string {
	return fmt.Sprintf(`
provider "invent" {
  base_url  = %q
  api_token = %q
}
`, e.URL, token) + body
}

// skipUnlessAcc skips an acceptance test unless TF_ACC is set, with the message of
// terraform-plugin-testing's resource.Test, so that plain `go test ./...` runs the unit tests only.
// `make test` sets TF_ACC and fails if any test skips but for a version gate (internal/tools/skipguard).
func skipUnlessAcc(t *testing.T) {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("Acceptance tests skipped unless env '%s' set", resource.EnvTfAcc)
	}
}

// testAccPreCheck skips an acceptance test without TF_ACC, and fails one whose CLI is missing.
func testAccPreCheck(t *testing.T) {
	t.Helper()
	skipUnlessAcc(t)
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("TF_ACC_TERRAFORM_PATH=%s: %v", p, err)
		}
	}
}

// testContext is a context for direct API calls in tests. It lives as long as the test, however
// long the test waits in the parallel queue first, so it cannot expire before a step uses it.
func testContext(t *testing.T) context.Context {
	t.Helper()
	return t.Context()
}

// messageRegexp matches the parts of a diagnostic in order, each exactly but wherever Terraform
// wraps its lines; anything may come between parts (Terraform puts the resource's address and
// configuration between a summary and its detail).
func messageRegexp(parts ...string) *regexp.Regexp {
	patterns := make([]string, len(parts))
	for i, part := range parts {
		words := strings.Fields(part)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		patterns[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(strings.Join(patterns, `[\s\S]*`))
}

// planErrorCase is a configuration (provider block included) whose plan must fail with want.
type planErrorCase struct {
	config string
	want   *regexp.Regexp
}

// expectPlanErrors plans each case's configuration, in parallel, and expects its error. Nothing is
// applied.
func expectPlanErrors(t *testing.T, cases map[string]planErrorCase) {
	t.Helper()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tc.config,
					PlanOnly:    true,
					ExpectError: tc.want,
				}},
			})
		})
	}
}

// contentRoleError is the plan-time error for a content role that is not one of the API's.
func contentRoleError(got string) string {
	return `Attribute role value must be one of: ["admin" "create" "edit" "review" "comment" "read" "guest"], got: "` + got + `"`
}

// captureAttribute remembers an attribute of the resource at addr for a later step's PreConfig.
func captureAttribute(addr, name string, dst *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		*dst = rs.Primary.Attributes[name]
		return nil
	}
}

// expectOnlyChanges checks that the plan updates addr in place, changing exactly the attributes
// changed (to known values), leaving exactly those of unknown unknown, and planning every other
// attribute as its prior state has it: a reviewer sees what changes and nothing else.
func expectOnlyChanges(addr string, changed, unknown []string) plancheck.PlanCheck {
	return onlyChangesCheck{addr: addr, changed: changed, unknown: unknown}
}

type onlyChangesCheck struct {
	addr             string
	changed, unknown []string
}

func (c onlyChangesCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		if !rc.Change.Actions.Update() {
			resp.Error = fmt.Errorf("%s: planned %v, want an update in place", c.addr, rc.Change.Actions)
			return
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		afterUnknown, _ := rc.Change.AfterUnknown.(map[string]any)
		var problems []string
		for name, prior := range before {
			isUnknown := afterUnknown[name] == true
			switch {
			case slices.Contains(c.unknown, name):
				if !isUnknown {
					problems = append(problems, fmt.Sprintf("%s is %v, want unknown", name, after[name]))
				}
			case isUnknown:
				problems = append(problems, fmt.Sprintf("%s is unknown, want %v", name, prior))
			case slices.Contains(c.changed, name):
				if reflect.DeepEqual(after[name], prior) {
					problems = append(problems, fmt.Sprintf("%s stays %v, want a change", name, prior))
				}
			case !reflect.DeepEqual(after[name], prior):
				problems = append(problems, fmt.Sprintf("%s changes from %v to %v, want no change", name, prior, after[name]))
			}
		}
		if len(problems) > 0 {
			resp.Error = fmt.Errorf("%s: %s", c.addr, strings.Join(problems, "; "))
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", c.addr)
}

// resourceSchema is r's schema, for tests that call a resource's methods directly.
func resourceSchema(t *testing.T, r fwresource.Resource) schema.Schema {
	t.Helper()
	var resp fwresource.SchemaResponse
	r.Schema(context.Background(), fwresource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp.Schema
}

// nullTimeouts is a null timeouts block of r's schema.
func nullTimeouts(t *testing.T, r fwresource.Resource) timeouts.Value {
	t.Helper()
	block := resourceSchema(t, r).Blocks["timeouts"]
	timeoutsType, ok := block.Type().(timeouts.Type)
	if !ok {
		t.Fatalf("the timeouts block has type %T", block.Type())
	}
	return timeouts.Value{Object: types.ObjectNull(timeoutsType.AttrTypes)}
}

// resourcePlan is the model m as a plan of r.
func resourcePlan(t *testing.T, r fwresource.Resource, m any) tfsdk.Plan {
	t.Helper()
	plan := tfsdk.Plan{Schema: resourceSchema(t, r)}
	if diags := plan.Set(context.Background(), m); diags.HasError() {
		t.Fatal(diags)
	}
	return plan
}

// emptyState is the state of a resource that does not exist yet, as Create receives it.
func emptyState(plan tfsdk.Plan) tfsdk.State {
	return tfsdk.State{Schema: plan.Schema, Raw: tftypes.NewValue(plan.Raw.Type(), nil)}
}

// emptyPrivate sets *p to empty private state, as the framework passes to a resource: for tests that
// call a resource's methods directly. The framework's type is internal, so it is inferred.
func emptyPrivate[P any](p **P) {
	*p = new(P)
}
