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
// and INVENT_API_TOKEN name (live_account_test.go). It is a variable of its own so that a shell set
// up for the emulator, or for daily use, never sends test traffic to a real organization by accident.
const envAccLive = "INVENT_ACC_LIVE"

// testEnv is the API one acceptance test talks to: its own in-process emulator (so tests run in
// parallel without seeing each other's objects), or a live account when INVENT_ACC_LIVE=1.
type testEnv struct {
	URL         string
	AdminToken  string
	MemberToken string
	// OrgID is the organization the test works in: the emulator's org_acme; against a live account
	// the token's organization, or a scratch sub-organization of it that the test has to itself
	// (newIsolatedTestEnv).
	OrgID string
	// ParentOrgID is the token's organization, whose sub-organizations the membership tests join.
	ParentOrgID string
	// The users of the admin token and of the member token.
	AdminUserID, AdminEmail, MemberUserID, MemberEmail string
	// Emulator is nil against a live account.
	Emulator *emulator.Server
	// Admin and Member call the API directly, for drift set-up and destroy checks.
	Admin  *client.Client
	Member *client.Client
	// api serves the API without the interposed handler of newTestEnvThrough.
	api http.Handler
	// live is the live account and counter the count of the test's requests to it; both are nil
	// against the emulator.
	live    *liveAccount
	counter *requestCounter
}

// newTestEnv starts an emulator with opts (or connects to the live account) for one test.
func newTestEnv(t *testing.T, opts emulator.Options) *testEnv {
	t.Helper()
	return newTestEnvThrough(t, opts, nil)
}

// newTestEnvThrough is newTestEnv with the API served through interpose (when not nil), a handler
// that can alter what the API answers.
func newTestEnvThrough(t *testing.T, opts emulator.Options, interpose func(http.Handler) http.Handler) *testEnv {
	t.Helper()
	testAccPreCheck(t)
	if liveMode() {
		return theLiveAccount(t).newEnv(t, interpose)
	}
	emu, url := serveEmulator(t, opts, interpose)
	env := emulatorEnv(t, emu, url)
	env.api = emu
	return env
}

// newIsolatedTestEnv is newTestEnv for a test that changes the members or the organization links of
// OrgID, or needs to know all of them (see isolate).
func newIsolatedTestEnv(t *testing.T) *testEnv {
	t.Helper()
	return newTestEnv(t, emulator.Options{}).isolate(t)
}

// isolate gives the test an organization of its own, for a test that changes the members or the
// organization links of OrgID, or needs to know all of them: the emulator's is the test's already;
// against a live account OrgID becomes a scratch sub-organization that the test has to itself, and
// the test is parallel from here on (see parallel).
func (e *testEnv) isolate(t *testing.T) *testEnv {
	t.Helper()
	if e.live != nil {
		parallel(t)
		e.OrgID = e.live.scratchOrg(t)
	}
	return e
}

// newEmulatorEnv starts an emulator with opts for a unit test that calls the provider's code in
// process: it needs no CLI, so it runs without TF_ACC, and never against a live account.
func newEmulatorEnv(t *testing.T, opts emulator.Options) *testEnv {
	t.Helper()
	emu, url := serveEmulator(t, opts, nil)
	return emulatorEnv(t, emu, url)
}

// The default fixture's addresses of the admin and the member tokens' users, and its collection's
// title.
const (
	adminEmail             = "ada@acme.example"
	memberEmail            = "max@acme.example"
	defaultCollectionTitle = "Guides"
)

// emulatorEnv is the test environment of the emulator emu served at url, with its default fixture's
// organization and users.
func emulatorEnv(t *testing.T, emu *emulator.Server, url string) *testEnv {
	t.Helper()
	env := &testEnv{
		URL: url, AdminToken: emulator.DefaultAdminToken, MemberToken: emulator.DefaultMemberToken,
		OrgID: emulator.DefaultParentOrgID, ParentOrgID: emulator.DefaultParentOrgID,
		AdminUserID: emulator.DefaultAdminUserID, AdminEmail: adminEmail,
		MemberUserID: emulator.DefaultMemberUserID, MemberEmail: memberEmail,
		Emulator: emu,
	}
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

// The emulator's knobs, which no live account has: a test that needs one skips against a live
// account, naming it. The skip guard allows these skips in live mode, and no other
// (SKIPGUARD_FLAGS in the GNUmakefile).
const (
	knobFaults           = "fault injection"
	knobRateLimit        = "rate limit"
	knobLatency          = "latency"
	knobGeneratedSubOrgs = "generated sub-organizations"
	// knobSetup: state made without the API (a user of another organization, a DISABLED membership,
	// a thousand members), which the API cannot make or would make only by sending an email to each.
	knobSetup = "setup helpers"
	// knobOtherOrg: the emulator's second organization, of which no token's user is a member.
	knobOtherOrg = "second fixture organization"
)

// needsEmulator returns the test's emulator, or skips the test, which needs the emulator's knob,
// against a live account.
func (e *testEnv) needsEmulator(t *testing.T, knob string) *emulator.Server {
	t.Helper()
	if e.Emulator == nil {
		t.Skipf("needs the emulator's %s; not run against a live account", knob)
	}
	return e.Emulator
}

// requestCounts counts the requests an API served, by route and answered status.
type requestCounts interface {
	Stats() emulator.Stats
	ResetStats()
}

// counts counts the requests the test's API served: the emulator's stats, or against a live
// account the requests the test sent through its URL.
func (e *testEnv) counts() requestCounts {
	if e.Emulator != nil {
		return e.Emulator
	}
	return e.counter
}

// apiSays is message, a part of an error that the API wrote, when the test runs against the
// emulator, whose wording it knows; against a live account it is empty, which messageRegexp reads
// as anything.
func (e *testEnv) apiSays(message string) string {
	if e.live != nil {
		return ""
	}
	return message
}

// newAddress is an invitation address of its own for the test: tf-acc-<random>@ the live account's
// email domain, or example.com in the emulator, whose directory does not know it.
func (e *testEnv) newAddress() string {
	domain := "example.com"
	if e.live != nil {
		domain = e.live.emailDomain
	}
	return accName("") + "@" + domain
}

// spaceID and collectionID name a space and a collection of ParentOrgID.
func (e *testEnv) spaceID() string {
	if e.live != nil {
		return e.live.spaceID
	}
	return emulator.DefaultSpaceID
}

func (e *testEnv) collectionID() string {
	if e.live != nil {
		return e.live.collectionID
	}
	return emulator.DefaultCollectionID
}

// titles are the titles of the space and the collection.
func (e *testEnv) titles(t *testing.T) contentTitles {
	t.Helper()
	if e.live == nil {
		return contentTitles{space: emulator.DefaultSpaceTitle, collection: defaultCollectionTitle}
	}
	titles, err := e.live.titles()
	if err != nil {
		t.Fatalf("reading the titles of %s and %s: %v", e.spaceID(), e.collectionID(), err)
	}
	return titles
}

// joinableSubOrgID is a sub-organization of ParentOrgID the token's user is not a member of, and
// that has another ACTIVE ADMIN: the token's user may join it with any role and leave it again. The
// test must leave it by its end.
func (e *testEnv) joinableSubOrgID(t *testing.T) string {
	t.Helper()
	if e.live == nil {
		return emulator.DefaultJoinableSubOrgID
	}
	parallel(t)
	return e.live.joinableSubOrg(t)
}

// developerSubOrgID is a sub-organization of ParentOrgID of which the token's user is a DEVELOPER,
// with another ACTIVE ADMIN. Against a live account the token's user joins a joinable one for the
// test, and leaves it when the test ends.
func (e *testEnv) developerSubOrgID(t *testing.T) string {
	t.Helper()
	if e.live == nil {
		return emulator.DefaultDeveloperSubOrgID
	}
	id := e.joinableSubOrgID(t)
	if _, err := e.live.admin.JoinSubOrg(testContext(t), e.ParentOrgID, id, client.OrgRoleDeveloper); err != nil {
		t.Fatalf("joining sub-organization %s as DEVELOPER: %v", id, err)
	}
	t.Cleanup(func() {
		ctx, cancel := cleanupContext()
		defer cancel()
		if err := e.live.admin.LeaveSubOrg(ctx, e.ParentOrgID, id); err != nil && !client.IsNotFound(err) {
			t.Errorf("leaving sub-organization %s: %v", id, err)
		}
	})
	return id
}

// soleAdminSubOrgID is a sub-organization of ParentOrgID whose only ACTIVE ADMIN is the token's
// user: against a live account a scratch sub-organization of the test's own (OrgID, when the test
// has one). secondAdmin gives it another, so that the token's user may leave.
func (e *testEnv) soleAdminSubOrgID(t *testing.T) string {
	t.Helper()
	switch {
	case e.live == nil:
		return emulator.DefaultSoleAdminSubOrgID
	case e.OrgID != e.ParentOrgID:
		return e.OrgID
	}
	parallel(t)
	return e.live.scratchOrg(t)
}

// memberlessSubOrgID is a sub-organization of ParentOrgID of which the member token's user is no
// member: the emulator's Acme EMEA, or a scratch sub-organization (see soleAdminSubOrgID).
func (e *testEnv) memberlessSubOrgID(t *testing.T) string {
	t.Helper()
	if e.live == nil {
		return emulator.DefaultJoinableSubOrgID
	}
	return e.soleAdminSubOrgID(t)
}

// secondAdmin makes another user an ACTIVE ADMIN of orgID: the emulator's Nina, a user of its
// directory with no membership, or the member token's user, who joins it (when the test ends, a
// scratch sub-organization is emptied again).
func (e *testEnv) secondAdmin(t *testing.T, orgID string) {
	t.Helper()
	var err error
	if e.live == nil {
		err = e.Emulator.SetOrgRole(orgID, "usr_nina", client.OrgRoleAdmin)
	} else {
		err = e.live.memberJoins(testContext(t), orgID, client.RoleAdmin)
	}
	if err != nil {
		t.Fatalf("making a second ADMIN of %s: %v", orgID, err)
	}
}

// memberJoins makes the member token's user an ACTIVE member of OrgID with the content role read, as
// it is of the emulator's organization already.
func (e *testEnv) memberJoins(t *testing.T) {
	t.Helper()
	if e.live == nil {
		return
	}
	if err := e.live.memberJoins(testContext(t), e.OrgID, client.RoleRead); err != nil {
		t.Fatalf("the member token's user joining %s: %v", e.OrgID, err)
	}
}

func (e *testEnv) newClient(t *testing.T, token string) *client.Client {
	t.Helper()
	c, err := newTestClient(e.URL, token)
	if err != nil {
		t.Fatalf("creating the test client: %v", err)
	}
	return c
}

// newTestClient is a client of the API at baseURL for the tests' own requests, with short waits
// between retries.
func newTestClient(baseURL, token string) (*client.Client, error) {
	return client.New(client.Config{
		BaseURL: baseURL, Token: token, UserAgent: "terraform-provider-invent-tests",
		MaxRetries: client.DefaultMaxRetries, MinRetryWait: 10 * time.Millisecond, MaxRetryWait: 200 * time.Millisecond,
	})
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
			parallelTest(t, resource.TestCase{
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
