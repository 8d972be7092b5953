package provider

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// The reliability tests drive terraform through the CLI (cli_driver_test.go) against an emulator
// that misbehaves, and then check through the API that it holds exactly what the configuration
// declares: every declared object, no duplicate, no orphan.

const (
	routeCreateInviteLink = "POST /orgs/{org_id}/link-invites"
	routeJoinSubOrg       = "POST /orgs/{org_id}/orgs/{sub_org_id}/join"
)

// terraformParallelism is terraform's default -parallelism: how many operations run at once.
const terraformParallelism = 10

// declaredLink is one invite link of a fleet: its kind, its space or collection ("" for an
// organization link) and its role.
type declaredLink struct {
	kind, target, role string
}

func (l declaredLink) String() string {
	return l.kind + "/" + l.target + "/" + l.role
}

// fleet is a configuration of many objects: invite links of every kind and role, and memberships of
// the token's user in generated sub-organizations found through invent_sub_orgs.
type fleet struct {
	orgID string
	links []declaredLink
	// membershipRoles[i] is the role in the i-th generated sub-organization.
	membershipRoles []string
}

// newFleet declares links invite links, cycling through every role and through the kinds (two in
// five organization links, the rest links to the default fixture's spaces and collection) unless
// orgLinksOnly, and memberships memberships in the first generated sub-organizations.
func newFleet(orgID string, links, memberships int, orgLinksOnly bool) fleet {
	f := fleet{orgID: orgID}
	targets := []declaredLink{
		{kind: client.InviteLinkKindOrganization},
		{kind: client.InviteLinkKindSpace, target: emulator.DefaultSpaceID},
		{kind: client.InviteLinkKindOrganization},
		{kind: client.InviteLinkKindCollection, target: emulator.DefaultCollectionID},
		{kind: client.InviteLinkKindSpace, target: "spc_api"},
	}
	if orgLinksOnly {
		targets = targets[:1]
	}
	for i := range links {
		l := targets[i%len(targets)]
		l.role = string(client.ContentRoles[i%len(client.ContentRoles)])
		f.links = append(f.links, l)
	}
	for i := range memberships {
		f.membershipRoles = append(f.membershipRoles, client.OrgRoles[i%len(client.OrgRoles)])
	}
	return f
}

// config is the fleet's configuration, without a provider block: the CLI driver configures the
// provider through the environment.
func (f fleet) config() string {
	var b strings.Builder
	b.WriteString("resource \"invent_invite_link\" \"fleet\" {\n  for_each = {\n")
	for i, l := range f.links {
		space, collection := "", ""
		if l.kind == client.InviteLinkKindSpace {
			space = l.target
		} else {
			collection = l.target
		}
		fmt.Fprintf(&b, "    l%03d = { role = %q, space_id = %s, collection_id = %s }\n",
			i, l.role, hclStringOrNull(space), hclStringOrNull(collection))
	}
	fmt.Fprintf(&b, `  }
  org_id        = %q
  role          = each.value.role
  space_id      = each.value.space_id
  collection_id = each.value.collection_id
}
`, f.orgID)
	if len(f.membershipRoles) == 0 {
		return b.String()
	}
	roles := make([]string, len(f.membershipRoles))
	for i, r := range f.membershipRoles {
		roles[i] = fmt.Sprintf("%q", r)
	}
	fmt.Fprintf(&b, `
data "invent_sub_orgs" "generated" {
  org_id     = %[1]q
  name_regex = "^generated-"
}

resource "invent_sub_org_membership" "fleet" {
  count      = %[2]d
  org_id     = %[1]q
  sub_org_id = data.invent_sub_orgs.generated.ids[count.index]
  role       = [%[3]s][count.index]
}
`, f.orgID, len(roles), strings.Join(roles, ", "))
	return b.String()
}

// apiMemberships maps each sub-organization of the admin's organization to the admin's role in it.
func apiMemberships(t *testing.T, env *testEnv) map[string]string {
	t.Helper()
	ctx := testContext(t)
	me, err := env.Admin.CurrentUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	subOrgs, err := env.Admin.ListSubOrgs(ctx, env.ParentOrgID)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]string{}
	for _, so := range subOrgs {
		if m, ok := so.MemberByUserID(me.ID); ok {
			roles[so.ID] = m.Role
		}
	}
	return roles
}

// expectExactly checks that the state, the API's listings and the emulator's count of created links
// all agree with the fleet: every declared link and membership exists once, nothing else was
// created. before is apiMemberships before the first apply.
func (f fleet) expectExactly(t *testing.T, env *testEnv, ws *cliWorkspace, before map[string]string) {
	t.Helper()
	f.expectLinks(t, env, ws, f.links)
	want := map[string]string{}
	for i, role := range f.membershipRoles {
		want[fmt.Sprintf("org_gen_%05d", i+1)] = role
	}
	expectMemberships(t, env, ws, before, want)
}

// stateMemberships maps the sub-organization of each membership in state to its role.
func stateMemberships(ws *cliWorkspace) map[string]string {
	roles := map[string]string{}
	for _, m := range ws.stateResources("invent_sub_org_membership") {
		roles[m["sub_org_id"].(string)] = m["role"].(string)
	}
	return roles
}

// expectMemberships checks that the state holds the memberships want (sub-organization to role), and
// that the admin's memberships in the API are exactly before plus those.
func expectMemberships(t *testing.T, env *testEnv, ws *cliWorkspace, before, want map[string]string) {
	t.Helper()
	if got := stateMemberships(ws); !maps.Equal(got, want) {
		t.Errorf("memberships in state:\n got  %v\n want %v", got, want)
	}
	inAPI := maps.Clone(before)
	maps.Copy(inAPI, want)
	if got := apiMemberships(t, env); !maps.Equal(got, inAPI) {
		t.Errorf("the admin's sub-organization memberships:\n got  %v\n want %v", got, inAPI)
	}
}

// expectLinks checks that the state holds want (in any order), each under its own ID; that the API
// holds each of them and lists no other organization link; and that the API created no link beyond
// them. Space and collection links are not listed by the API, so the count of 201 answers (here
// only link creates answer 201) is what shows that none was created and lost.
func (f fleet) expectLinks(t *testing.T, env *testEnv, ws *cliWorkspace, want []declaredLink) {
	t.Helper()
	ctx := testContext(t)
	var got []declaredLink
	stateOrgLinks := map[string]bool{}
	ids := map[string]bool{}
	for _, attrs := range ws.stateResources("invent_invite_link") {
		id := attrs["id"].(string)
		if ids[id] {
			t.Errorf("link %s is in state twice", id)
		}
		ids[id] = true
		l := declaredLink{kind: attrs["kind"].(string), role: attrs["role"].(string)}
		for _, attr := range []string{"space_id", "collection_id"} {
			if target, ok := attrs[attr].(string); ok {
				l.target = target
			}
		}
		got = append(got, l)
		if l.kind == client.InviteLinkKindOrganization {
			stateOrgLinks[id] = true
			continue
		}
		link, err := env.Admin.GetInviteLink(ctx, f.orgID, id)
		if err != nil {
			t.Errorf("link %s (%s) is in state: %v", id, l, err)
			continue
		}
		if link.Target() == nil || link.Target().ID != l.target || string(link.EffectiveRole()) != l.role {
			t.Errorf("link %s is %s in state, but the API holds %s/%v/%s", id, l, link.Kind(), link.Target(), link.EffectiveRole())
		}
	}
	if g, w := sortedStrings(got), sortedStrings(want); !slices.Equal(g, w) {
		t.Errorf("links in state (kind/target/role):\n got  %v\n want %v", g, w)
	}

	listed, err := env.Admin.ListInviteLinks(ctx, f.orgID)
	if err != nil {
		t.Fatal(err)
	}
	apiOrgLinks := map[string]bool{}
	for _, l := range listed {
		if apiOrgLinks[l.ID] {
			t.Errorf("the API lists link %s twice", l.ID)
		}
		apiOrgLinks[l.ID] = true
	}
	for id := range apiOrgLinks {
		if !stateOrgLinks[id] {
			t.Errorf("orphan: the API holds organization link %s, which is not in state", id)
		}
	}
	for id := range stateOrgLinks {
		if !apiOrgLinks[id] {
			t.Errorf("the state holds organization link %s, which the API does not list", id)
		}
	}
	if created := env.counts().Stats().ByStatus[http.StatusCreated]; created != int64(len(want)) {
		t.Errorf("the API created %d links for %d declared ones", created, len(want))
	}
}

func sortedStrings[T fmt.Stringer](items []T) []string {
	out := make([]string, len(items))
	for i, item := range items {
		out[i] = item.String()
	}
	slices.Sort(out)
	return out
}

// countRetries counts the provider's retries in a terraform log file written with provider logging
// at WARN or finer: its log line for each request it retries (provider.go, logRequest).
func countRetries(t *testing.T, logPath string) int {
	t.Helper()
	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(data), "Invent API request will be retried")
}

// injectedFault is in the detail of every error an injected fault causes: a 500 to a create, which
// the client does not repeat because the API may have acted on it, or a fault repeated until the
// retries ran out.
var injectedFault = messageRegexp("injected fault")

// runThroughFaults runs a terraform command, and again while it fails only because of injected
// faults, up to maxRuns times in all. Any other error fails the test. It returns every run; the
// caller judges the last.
func runThroughFaults(t *testing.T, ws *cliWorkspace, maxRuns int, command string, args ...string) []cliRun {
	t.Helper()
	var runs []cliRun
	for len(runs) < maxRuns {
		run := ws.run(command, args...)
		runs = append(runs, run)
		if run.exitCode != 1 { // 0: done; 2: a plan with changes
			break
		}
		errs := strings.Count(run.stderr, "Error: ")
		if faults := len(injectedFault.FindAllStringIndex(run.stderr, -1)); errs == 0 || faults != errs {
			t.Fatalf("terraform %s failed on something else than injected faults:\n%s", command, run)
		}
	}
	return runs
}

// With a quarter of the requests failing (429, 500 or 503) the configuration converges: a few
// applies, each failing only on injected faults, then an empty plan, and the API holds exactly what
// is declared.
//
// The client repeats every request but a create answered 500, so about 1 create in 10 fails (a
// 500 before any success among its attempts): 4 of the 40 link creates in the first apply, and
// each further apply leaves a tenth of the rest. A read fails only after 6 faults in a row (0.25^6,
// about 1 in 4,000). So 5 applies leave something undone about once in 2,500 runs. Terraform's
// parallelism decides which request meets which fault, so the count varies although the seed is
// fixed. The final plan runs under faults too, and may be re-run for the same reason.
func TestAccReliability_convergesUnderFaults(t *testing.T) {
	t.Parallel()
	const maxApplies, maxPlans = 5, 2
	f := newFleet(emulator.DefaultParentOrgID, 40, 10, false)
	// The faults start after the set-up reads; the seed fixes the faults' sequence from there on.
	env := newTestEnv(t, emulator.Options{GeneratedSubOrgs: len(f.membershipRoles), Seed: 20240611})
	emu := env.needsEmulator(t, knobFaults)
	before := apiMemberships(t, env)
	emu.SetFaults(0.25, []int{http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable}, 3*time.Millisecond)
	emu.ResetStats()

	ws := newCLIWorkspace(t, env.URL, env.AdminToken, "TF_LOG_PROVIDER=WARN", "TF_LOG_PATH=provider.log")
	ws.writeConfig(f.config())
	started := time.Now()
	applies := runThroughFaults(t, ws, maxApplies, "apply", "-auto-approve")
	if last := applies[len(applies)-1]; last.exitCode != 0 {
		t.Fatalf("no convergence after %d applies; the last:\n%s", len(applies), last)
	}
	plans := runThroughFaults(t, ws, maxPlans, "plan", "-detailed-exitcode")
	if last := plans[len(plans)-1]; last.exitCode != 0 || !strings.Contains(last.stdout, "No changes.") {
		t.Fatalf("the plan after apply must find no changes (exit code 0), got:\n%s", last)
	}
	elapsed := time.Since(started)

	stats := emu.Stats()
	emu.SetFaults(0, nil, 0)
	f.expectExactly(t, env, ws, before)
	t.Logf("fault rate 25%% (429/500/503), %d links + %d memberships + invent_sub_orgs: %d applies and %d plans; "+
		"%d requests, %d faults injected (%d of them 429), %d retries; %s",
		len(f.links), len(f.membershipRoles), len(applies), len(plans), stats.Total, stats.Faults,
		stats.ByStatus[http.StatusTooManyRequests], countRetries(t, ws.path("provider.log")), elapsed.Round(time.Second))
}

// At 60 requests a minute the same apply needs more than one minute's worth of requests. It
// succeeds, and the 429 answers stay few: once an answer says the minute's requests are used up
// (X-RateLimit-Remaining: 0), the client holds every request until the reset, so only the requests
// already in flight, at most one per terraform operation, meet a 429. A client that retried before
// the reset (backoff instead of Retry-After) would run into 429s until its retries ran out.
func TestAccReliability_rateLimit(t *testing.T) {
	t.Parallel()
	const perMinute = 60
	f := newFleet(emulator.DefaultParentOrgID, 40, 10, false)
	// The latency keeps terraform's operations in flight together, as against a distant API.
	env := newTestEnv(t, emulator.Options{GeneratedSubOrgs: len(f.membershipRoles), Latency: 20 * time.Millisecond})
	emu := env.needsEmulator(t, knobRateLimit)
	before := apiMemberships(t, env)
	emu.SetRateLimit(perMinute, time.Minute)
	emu.ResetStats()

	ws := newCLIWorkspace(t, env.URL, env.AdminToken, "TF_LOG_PROVIDER=WARN", "TF_LOG_PATH=provider.log")
	ws.writeConfig(f.config())
	apply := ws.mustRun("apply", "-auto-approve")
	ws.expectNoChanges()

	stats := emu.Stats()
	if stats.Total <= perMinute {
		t.Fatalf("the test must exceed the rate limit to mean anything: %d requests for a limit of %d", stats.Total, perMinute)
	}
	if maxLimited := int64(terraformParallelism + 2); stats.RateLimited > maxLimited {
		t.Errorf("%d answers were 429: the client does not hold its requests once the limit is used up (at most %d expected)",
			stats.RateLimited, maxLimited)
	}
	emu.SetRateLimit(0, 0)
	f.expectExactly(t, env, ws, before)
	t.Logf("rate limit %d/min, %d links + %d memberships: 1 apply in %s, %d requests, %d answered 429, %d retries",
		perMinute, len(f.links), len(f.membershipRoles), apply.elapsed.Round(time.Second), stats.Total,
		stats.RateLimited, countRetries(t, ws.path("provider.log")))
}

// answerDelay holds each answer of next for delay after next has acted, as a distant API does: a
// request abandoned meanwhile has changed the state, but its caller never learns the result.
func answerDelay(next http.Handler, delay time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		timer := time.NewTimer(delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			return
		}
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// An apply interrupted part-way (SIGINT, as Ctrl-C sends) saves what it created, and the next apply
// creates the rest: exactly the declared links and memberships, none twice. The API takes 50 ms
// before and 50 ms after acting on each request, so the interruption finds writes in both states:
// one not yet acted on is abandoned, one acted on is awaited (the client never abandons a sent
// write) and saved.
//
// A killed terraform (SIGKILL) is not tested because no provider can recover from it: the state of
// creates the API already acted on is lost with the process, and an invite link has no identity the
// client chooses, so nothing tells such a link from one made by someone else. The next apply
// creates it again, and the lost one is left for `terraform import` or revoking by hand.
func TestAccReliability_interruptedApply(t *testing.T) {
	t.Parallel()
	const interruptAfter = 10
	f := newFleet(emulator.DefaultParentOrgID, 40, 10, true)
	env := newTestEnv(t, emulator.Options{GeneratedSubOrgs: len(f.membershipRoles)})
	emu := env.needsEmulator(t, knobLatency)
	before := apiMemberships(t, env)
	emu.SetFaults(0, nil, 50*time.Millisecond) // the latency before acting; answerDelay adds the one after
	slow := httptest.NewServer(answerDelay(emu, 50*time.Millisecond))
	t.Cleanup(slow.Close)

	ws := newCLIWorkspace(t, slow.URL, env.AdminToken)
	ws.writeConfig(f.config())
	apply := ws.start("apply", "-auto-approve")
	writes := func() int64 {
		byRoute := emu.Stats().ByRoute
		return byRoute[routeCreateInviteLink] + byRoute[routeJoinSubOrg]
	}
	deadline := time.Now().Add(time.Minute)
	for writes() < interruptAfter {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %d writes within a minute:\n%s", interruptAfter, apply.wait(t))
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := interrupt(apply.cmd); err != nil {
		t.Fatal(err)
	}
	interrupted := apply.wait(t)
	if interrupted.exitCode == 0 || !strings.Contains(interrupted.output(), "Interrupt received") {
		t.Fatalf("the apply should have been interrupted:\n%s", interrupted)
	}
	var savedLinks []declaredLink
	for _, attrs := range ws.stateResources("invent_invite_link") {
		savedLinks = append(savedLinks, declaredLink{kind: client.InviteLinkKindOrganization, role: attrs["role"].(string)})
	}
	savedMemberships := stateMemberships(ws)
	if len(savedLinks)+len(savedMemberships) >= len(f.links)+len(f.membershipRoles) {
		t.Fatal("the interrupted apply made everything: nothing was interrupted")
	}
	// What the interrupted apply saved is all the API holds.
	f.expectLinks(t, env, ws, savedLinks)
	expectMemberships(t, env, ws, before, savedMemberships)

	ws.mustRun("apply", "-auto-approve")
	ws.expectNoChanges()
	f.expectExactly(t, env, ws, before)
	t.Logf("interrupted after %s with %d of %d links and %d of %d memberships made and saved; the next apply made the rest",
		interrupted.elapsed.Round(time.Millisecond), len(savedLinks), len(f.links), len(savedMemberships), len(f.membershipRoles))
}

// 100 links applied 32 at a time: all created, none twice.
func TestAccReliability_parallelism(t *testing.T) {
	parallel(t)
	env := newIsolatedTestEnv(t)
	f := newFleet(env.OrgID, 100, 0, true)
	ws := newCLIWorkspace(t, env.URL, env.AdminToken)
	ws.writeConfig(f.config())
	apply := ws.mustRun("apply", "-auto-approve", "-parallelism=32")
	ws.expectNoChanges()
	f.expectLinks(t, env, ws, f.links)
	t.Logf("100 links at -parallelism=32: apply in %s", apply.elapsed.Round(time.Millisecond))
}

// routeInviteByEmail is the email invitation's route, as an http.ServeMux pattern.
const routeInviteByEmail = "POST /orgs/{org_id}/invites"

// interposeOn serves the requests of each route (an http.ServeMux pattern) with its handler, which
// gets the API as next, and passes every other request to the API.
func interposeOn(routes map[string]func(next http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		mux := http.NewServeMux()
		for pattern, handler := range routes {
			mux.Handle(pattern, handler(next))
		}
		mux.Handle("/", next)
		return mux
	}
}

// actThen lets next act on a request and throw its answer away, then answers with answer: what a
// gateway that fails after the API acted looks like to the client.
func actThen(answer http.HandlerFunc) func(next http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(httptest.NewRecorder(), r)
			answer(w, r)
		})
	}
}

// htmlError answers status with an HTML page of about 4 KiB, as a load balancer does.
func htmlError(status int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, htmlErrorPage(status))
	}
}

func htmlErrorPage(status int) string {
	return fmt.Sprintf("<html><head><title>%d %s</title></head><body>%s</body></html>",
		status, http.StatusText(status), strings.Repeat("<p>upstream trouble</p>", 170))
}

// dropConnection closes the connection without an answer.
func dropConnection(w http.ResponseWriter, _ *http.Request) {
	if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
		_ = conn.Close()
	}
}

// hang never answers: the request waits until its client gives up. (The server notices that only
// once the request's body is read.)
func hang(http.Handler) http.Handler {
	return http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	})
}

// withBaseURL is the workspace with the provider pointed at baseURL instead.
func (w *cliWorkspace) withBaseURL(baseURL string) *cliWorkspace {
	other := *w
	other.env = append(slices.Clone(w.env), EnvBaseURL+"="+baseURL) // the last value of a name wins
	return &other
}

// stateSummary lists the managed resource instances of the state file with their IDs, sorted.
func (w *cliWorkspace) stateSummary(resourceTypes ...string) []string {
	w.t.Helper()
	var out []string
	for _, typ := range resourceTypes {
		for _, attrs := range w.stateResources(typ) {
			out = append(out, fmt.Sprintf("%s %v", typ, attrs["id"]))
		}
	}
	slices.Sort(out)
	return out
}

// oneOfEach is a configuration of each resource that creates: two organization links and the member
// email in the test's organization, and a membership in subOrgID of the token's organization.
func oneOfEach(env *testEnv, subOrgID, email string) string {
	return fmt.Sprintf(`
resource "invent_invite_link" "team" {
  for_each = toset(["read", "edit"])
  org_id   = %[1]q
  role     = each.key
}

resource "invent_org_member" "nina" {
  org_id = %[1]q
  email  = %[2]q
  role   = "read"
}

resource "invent_sub_org_membership" "emea" {
  org_id     = %[3]q
  sub_org_id = %[4]q
  role       = "STAFF"
}
`, env.OrgID, email, env.ParentOrgID, subOrgID)
}

// managedTypes are the resource types of the configurations below.
var managedTypes = []string{"invent_invite_link", "invent_org_member", "invent_sub_org_membership"}

// A base URL that is not the API never removes anything from state, nor counts a destroy as done:
// neither a server that answers every request with a 404 in the API's own format (as the API answers
// a route it does not have: what a base URL with a path such as /v1 meets), nor a proxy that passes
// GET /users/me on but answers everything else with its own 404 page. Plan, apply and
// `destroy -refresh=false` all fail, quoting only the start of the page, and the state and the API
// stay as they were; with the right base URL the next plan finds no changes.
func TestAccReliability_wrongBaseURLRemovesNothing(t *testing.T) {
	parallel(t)
	env := newIsolatedTestEnv(t)
	notTheAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = fmt.Fprintf(w, `{"error":{"code":404,"message":"no such endpoint: %s %s"}}`, r.Method, r.URL.Path)
	}))
	t.Cleanup(notTheAPI.Close)
	apiURL, err := url.Parse(env.URL)
	if err != nil {
		t.Fatal(err)
	}
	misrouted := httptest.NewServer(interposeOn(map[string]func(http.Handler) http.Handler{
		routeCurrentUser: func(http.Handler) http.Handler { return httputil.NewSingleHostReverseProxy(apiURL) },
	})(htmlError(http.StatusNotFound)))
	t.Cleanup(misrouted.Close)

	ws := newCLIWorkspace(t, env.URL, env.AdminToken)
	ws.writeConfig(oneOfEach(env, env.joinableSubOrgID(t), env.newAddress()))
	ws.mustRun("apply", "-auto-approve")
	saved := ws.stateSummary(managedTypes...)
	if len(saved) != 4 {
		t.Fatalf("state after the apply: %v", saved)
	}

	for name, wrong := range map[string]struct {
		url  string
		want *regexp.Regexp
	}{
		"JSON 404 for every route": {notTheAPI.URL, messageRegexp(`GET /users/me: 404 Not Found: no such endpoint`)},
		"proxy's own 404 page": {misrouted.URL, messageRegexp(`404 Not Found: an answer that is not the API's error body`,
			`"<html><head><title>404 Not Found</title></head><body><p>upstream trouble</p>`,
			`This 404 is not in the Invent API's error format`)},
	} {
		// The destroy of the links alone reaches their Delete: the plan of the others' destroy
		// needs requests of its own (the lock-out and last-ADMIN checks), which fail first.
		for _, args := range [][]string{{"plan"}, {"apply", "-auto-approve"}, {"destroy", "-auto-approve", "-refresh=false", "-target=invent_invite_link.team"}} {
			run := ws.withBaseURL(wrong.url).run(args[0], args[1:]...)
			if run.exitCode != 1 || !wrong.want.MatchString(run.stderr) {
				t.Errorf("%s: want an error matching %s, got:\n%s", name, wrong.want, run)
			}
			if strings.Contains(run.output(), strings.Repeat("<p>upstream trouble</p>", 10)) {
				t.Errorf("%s: the error quotes the whole page:\n%s", name, run)
			}
			if got := ws.stateSummary(managedTypes...); !slices.Equal(got, saved) {
				t.Fatalf("%s: terraform %s changed the state:\n got  %v\n want %v", name, strings.Join(args, " "), got, saved)
			}
		}
	}
	ws.expectNoChanges()
	ctx := testContext(t)
	for _, attrs := range ws.stateResources("invent_invite_link") {
		if _, err := env.Admin.GetInviteLink(ctx, env.OrgID, attrs["id"].(string)); err != nil {
			t.Errorf("a link in state is gone from the API: %v", err)
		}
	}
	if created := env.counts().Stats().ByStatus[http.StatusCreated]; created != 2 {
		t.Errorf("the API created %d links for 2 declared ones", created)
	}
	ws.mustRun("destroy", "-auto-approve")
}

// Creates answered with a failure after the API acted (a 500 page, a dropped connection, a 502 to
// every attempt of the join) are found and recorded, each with a warning: the two organization links
// (among the organization's links, by role), the member (by address) and the membership (by its
// sub-organization). A space link cannot be looked for, since the API lists none: its error says that
// it may exist, and how to find it. Nothing found is left unmanaged, nothing is created twice.
func TestAccReliability_createsAnsweredAfterActing(t *testing.T) {
	parallel(t)
	// A live account lists no space links either, so a space link made by a create whose answer is
	// lost would stay there for good: against it, the space link's create fails before the API sees it.
	createLinkThen := actThen(htmlError(http.StatusInternalServerError))
	if liveMode() {
		createLinkThen = func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				if bytes.Contains(body, []byte(`"space"`)) {
					htmlError(http.StatusInternalServerError)(w, r)
					return
				}
				r.Body = io.NopCloser(bytes.NewReader(body))
				actThen(htmlError(http.StatusInternalServerError))(next).ServeHTTP(w, r)
			})
		}
	}
	env := newTestEnvThrough(t, emulator.Options{}, interposeOn(map[string]func(http.Handler) http.Handler{
		routeCreateInviteLink: createLinkThen,
		routeInviteByEmail:    actThen(dropConnection),
		routeJoinSubOrg:       actThen(htmlError(http.StatusBadGateway)),
	})).isolate(t)
	direct := httptest.NewServer(env.api)
	t.Cleanup(direct.Close)
	subOrgID, email := env.joinableSubOrgID(t), env.newAddress()
	ws := newCLIWorkspace(t, env.URL, env.AdminToken)
	ws.writeConfig(oneOfEach(env, subOrgID, email) + fmt.Sprintf(`
provider "invent" {
  max_retries = 1
}

resource "invent_invite_link" "handbook" {
  org_id   = %q
  role     = "read"
  space_id = %q
}
`, env.ParentOrgID, env.spaceID()))
	apply := ws.run("apply", "-auto-approve")
	out := apply.output()
	for _, want := range []*regexp.Regexp{
		messageRegexp("Warning: The invite link was created, but the API's answer was lost", "500 Internal Server Error",
			"Exactly one such link (ID ending"),
		messageRegexp(fmt.Sprintf("Warning: Invited %s, but the API's answer was lost", email), "EOF",
			"The organization now has a member with that address"),
		messageRegexp(fmt.Sprintf(`Warning: Joined sub-organization %q, but the API's answer was lost`, subOrgID), "502 Bad Gateway",
			"The sub-organization read again lists the token's user with the role STAFF"),
		messageRegexp("Error: Cannot create the invite link", fmt.Sprintf(`so a link to space %q with role read may exist`, env.spaceID()),
			"The API lists no space links, so the provider cannot look for it"),
	} {
		if !want.MatchString(out) {
			t.Errorf("the apply's output does not match %s:\n%s", want, apply)
		}
	}
	if apply.exitCode != 1 {
		t.Fatalf("want exit code 1, for the space link:\n%s", apply)
	}
	adopted := ws.stateSummary(managedTypes...)
	if len(adopted) != 4 {
		t.Fatalf("the state holds %v, want the two organization links, the member and the membership", adopted)
	}
	ctx := testContext(t)
	links, err := env.Admin.ListInviteLinks(ctx, env.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	var stateLinks []string
	for _, attrs := range ws.stateResources("invent_invite_link") {
		stateLinks = append(stateLinks, attrs["id"].(string))
	}
	for _, l := range links {
		if !slices.Contains(stateLinks, l.ID) {
			t.Errorf("orphan: organization link with role %s is not in state", l.Role)
		}
	}
	if member, err := env.Admin.GetMember(ctx, env.OrgID, ws.stateResources("invent_org_member")[0]["user_id"].(string)); err != nil ||
		!strings.EqualFold(member.User.Email, email) || member.Role != client.RoleRead {
		t.Errorf("the member in state: %+v, %v", member, err)
	}

	// Without the failures, the next apply makes the space link; the one the failed create made
	// (in the emulator) stays, as its error said.
	ws = ws.withBaseURL(direct.URL)
	ws.mustRun("apply", "-auto-approve")
	ws.expectNoChanges()
	spaceLinks := int64(2)
	if env.live != nil {
		spaceLinks = 1
	}
	if created := env.counts().Stats().ByStatus[http.StatusCreated]; created != 2+spaceLinks {
		t.Errorf("the API created %d links, want %d: two organization links once each, and the space link %d times", created, 2+spaceLinks, spaceLinks)
	}
	final := ws.stateSummary(managedTypes...)
	for _, kept := range adopted {
		if !slices.Contains(final, kept) {
			t.Errorf("%s was recorded by the first apply, but not kept by the second: %v", kept, final)
		}
	}
	if len(final) != 5 {
		t.Errorf("the state after the second apply holds %v, want the 5 declared resources", final)
	}
	ws.mustRun("destroy", "-auto-approve")
}

// When more than one link of the role appeared while a create failed (here someone else made one
// during the request), the provider cannot tell which one the create made: it records none, says how
// many appeared with the last 4 characters of their IDs (never a whole ID, which would let anyone
// in), and how to find them.
func TestAccReliability_lostLinkAmongOthers(t *testing.T) {
	env := newTestEnvThrough(t, emulator.Options{}, interposeOn(map[string]func(http.Handler) http.Handler{
		routeCreateInviteLink: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				for range 2 { // the create, and someone else's create of a link with the same role
					again := r.Clone(r.Context())
					again.Body = io.NopCloser(bytes.NewReader(body))
					next.ServeHTTP(httptest.NewRecorder(), again)
				}
				htmlError(http.StatusInternalServerError)(w, r)
			})
		},
	})).isolate(t)
	before, err := env.Admin.ListInviteLinks(testContext(t), env.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             noManagedResources,
		Steps: []resource.TestStep{{
			Config: env.providerConfig(inviteLinkConfig(env.OrgID, "read", "")),
			ExpectError: messageRegexp("Cannot create the invite link", "500 Internal Server Error",
				"2 such links (IDs ending", "appeared in the organization during this run without a create recording them",
				"The invent_invite_links data source lists the organization's links",
				fmt.Sprintf(`terraform import <address> "%s/<invite_id>"`, env.OrgID)),
		}},
	})
	after, err := env.Admin.ListInviteLinks(testContext(t), env.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before)+2 {
		t.Errorf("the organization had %d links and has %d, want the two that appeared", len(before), len(after))
	}
}

// A create's timeout bounds its request even when the API never answers: the create fails at its
// deadline (not at the client's 60-second timeout), the provider looks for the link, finds none, and
// says so.
func TestAccReliability_createTimeoutBoundsTheRequest(t *testing.T) {
	env := newTestEnvThrough(t, emulator.Options{}, interposeOn(map[string]func(http.Handler) http.Handler{
		routeCreateInviteLink: hang,
	})).isolate(t)
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             noManagedResources,
		Steps: []resource.TestStep{{
			Config: env.providerConfig(fmt.Sprintf(`
resource "invent_invite_link" "test" {
  org_id = %q
  role   = "read"
  timeouts {
    create = "2s"
  }
}
`, env.OrgID)),
			ExpectError: messageRegexp("Cannot create the invite link", "context deadline exceeded",
				"the organization lists no such link that appeared during this run: the create did not take effect"),
		}},
	})
}

// With c for the organization, the invite link and the member resolve it (GET /users/me, for their
// identity) before they write: when that fails, nothing is created, rather than a create that the
// failure taints and the next apply replaces. The membership names what failed: the token's user, not
// the sub-organization.
func TestAccReliability_callerLookupFailsBeforeWriting(t *testing.T) {
	env := newTestEnvThrough(t, emulator.Options{}, interposeOn(map[string]func(http.Handler) http.Handler{
		routeCurrentUser: func(http.Handler) http.Handler { return htmlError(http.StatusInternalServerError) },
	}))
	counts := env.counts()
	provider := func(planChecks bool) string {
		return fmt.Sprintf("provider \"invent\" {\n  base_url    = %q\n  api_token   = %q\n  max_retries = 0\n  plan_checks = %t\n}\n",
			env.URL, env.AdminToken, planChecks)
	}
	lookupFailed := "invent API GET /users/me: 500 Internal Server Error"
	nothingWritten := func() { noWrites(t, counts) }
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             noManagedResources,
		Steps: []resource.TestStep{
			{
				Config:      provider(true) + inviteLinkConfig("c", "read", ""),
				ExpectError: messageRegexp(`Cannot resolve organization "c"`, lookupFailed),
			},
			{
				PreConfig:   nothingWritten,
				Config:      provider(false) + orgMemberConfig("c", env.newAddress(), "read"),
				ExpectError: messageRegexp(`Cannot resolve organization "c"`, lookupFailed),
			},
			{
				PreConfig:   nothingWritten,
				Config:      provider(true) + subOrgMembershipConfig(env.ParentOrgID, env.joinableSubOrgID(t), client.OrgRoleStaff),
				PlanOnly:    true,
				ExpectError: messageRegexp(`Cannot identify the API token's user`, lookupFailed),
			},
		},
	})
}
