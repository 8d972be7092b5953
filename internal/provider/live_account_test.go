package provider

import (
	"context"
	"fmt"
	"io"
	"log"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// Against a live account (INVENT_ACC_LIVE=1) the tests take what they need from the account from
// these variables, besides INVENT_BASE_URL and INVENT_API_TOKEN (an ADMIN of the organization), and
// make everything else through the API. The README's "Acceptance tests against a real account"
// says what each must hold.
const (
	envAccMemberToken  = "INVENT_ACC_MEMBER_TOKEN"  // the key of a non-admin user of the token's organization
	envAccSpaceID      = "INVENT_ACC_SPACE_ID"      // a space of the token's organization
	envAccCollectionID = "INVENT_ACC_COLLECTION_ID" // a collection of the token's organization
	envAccEmailDomain  = "INVENT_ACC_EMAIL_DOMAIN"  // where the invitations to tf-acc-<random>@ addresses go
)

// Everything the tests make in a live account carries accPrefix: the invitation addresses, and the
// sub-organizations, which the API cannot delete, so that the next run finds and reuses them.
const (
	accPrefix = "tf-acc-"
	// A scratch sub-organization holds the organization of one test at a time (newIsolatedTestEnv):
	// the token's user is its only member, an ADMIN, which cannot leave it.
	scratchOrgPrefix = accPrefix + "scratch-"
	// A joinable sub-organization has the member token's user as ADMIN, and not the token's user:
	// the membership tests join and leave it, one test at a time.
	joinableOrgPrefix = accPrefix + "joinable-"
	// twinOrgName names the two sub-organizations that share a name, for the lookup by name.
	twinOrgName = accPrefix + "twin"
)

// liveMode reports whether the tests run against a live account.
func liveMode() bool {
	return os.Getenv(envAccLive) == "1"
}

// accName is a unique name with accPrefix, then kind: tf-acc-<random> (the local part of an
// invitation address), tf-acc-scratch-<random>.
func accName(kind string) string {
	return acctest.RandomWithPrefix(strings.TrimSuffix(accPrefix+kind, "-"))
}

// liveAccount is the account the tests run against, as the environment names it; one per test
// process.
type liveAccount struct {
	baseURL                            *url.URL
	adminToken, memberToken            string
	spaceID, collectionID, emailDomain string
	// admin and member call the API directly, not through a test's request counter, to manage the
	// sub-organizations the tests share.
	admin, member *client.Client
	// me is the token's user, memberUser the member token's.
	me, memberUser *client.User

	scratch, joinable subOrgPool
	titles            func() (contentTitles, error)
}

// contentTitles are the titles of the space and the collection the environment names.
type contentTitles struct {
	space, collection string
}

// theLiveAccount connects to the live account once per test process, and fails t when the
// environment does not name a usable one.
func theLiveAccount(t *testing.T) *liveAccount {
	t.Helper()
	account, err := connectLiveAccount()
	if err != nil {
		t.Fatal(err)
	}
	return account
}

// connectLiveAccount connects to the live account the environment names, once per test process.
var connectLiveAccount = sync.OnceValues(func() (*liveAccount, error) {
	return newLiveAccount(os.Getenv)
})

// newLiveAccount connects to the account that env (os.Getenv, or a test's stand-in) names.
func newLiveAccount(env func(string) string) (*liveAccount, error) {
	vars := map[string]string{}
	var missing []string
	for _, name := range []string{EnvBaseURL, EnvAPIToken, envAccMemberToken, envAccSpaceID, envAccCollectionID, envAccEmailDomain} {
		if vars[name] = env(name); vars[name] == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s=1 runs the acceptance tests against a live account, which needs %s set too (see the README)",
			envAccLive, strings.Join(missing, ", "))
	}
	a := &liveAccount{
		adminToken: vars[EnvAPIToken], memberToken: vars[envAccMemberToken],
		spaceID: vars[envAccSpaceID], collectionID: vars[envAccCollectionID], emailDomain: vars[envAccEmailDomain],
	}
	var err error
	if a.baseURL, err = client.ParseBaseURL(vars[EnvBaseURL]); err != nil {
		return nil, fmt.Errorf("%s: %w", EnvBaseURL, err)
	}
	if a.admin, err = newTestClient(a.baseURL.String(), a.adminToken); err != nil {
		return nil, err
	}
	if a.member, err = newTestClient(a.baseURL.String(), a.memberToken); err != nil {
		return nil, err
	}
	ctx := context.Background()
	if a.me, err = a.admin.CurrentUser(ctx); err != nil {
		return nil, fmt.Errorf("the user of %s: %w", EnvAPIToken, err)
	}
	if a.memberUser, err = a.member.CurrentUser(ctx); err != nil {
		return nil, fmt.Errorf("the user of %s: %w", envAccMemberToken, err)
	}
	if a.memberUser.OrgID != a.me.OrgID || a.memberUser.ID == a.me.ID {
		return nil, fmt.Errorf("%s must be the key of another user of the organization of %s (%s), not of %s in %s",
			envAccMemberToken, EnvAPIToken, a.me.OrgID, a.memberUser.ID, a.memberUser.OrgID)
	}
	a.titles = sync.OnceValues(a.readTitles)
	return a, nil
}

// orgID is the token's organization: the parent of every sub-organization the tests use.
func (a *liveAccount) orgID() string {
	return a.me.OrgID
}

// newEnv is a test's view of the live account: its requests go through a counter of its own (and
// interpose, when not nil), in the token's organization.
func (a *liveAccount) newEnv(t *testing.T, interpose func(http.Handler) http.Handler) *testEnv {
	t.Helper()
	counter := newRequestCounter()
	api := counter.count(newLiveProxy(a.baseURL))
	handler := api
	if interpose != nil {
		handler = interpose(api)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	env := &testEnv{
		URL: srv.URL, AdminToken: a.adminToken, MemberToken: a.memberToken,
		OrgID: a.orgID(), ParentOrgID: a.orgID(),
		AdminUserID: a.me.ID, AdminEmail: a.me.Email, MemberUserID: a.memberUser.ID, MemberEmail: a.memberUser.Email,
		api: api, live: a, counter: counter,
	}
	env.Admin, env.Member = env.newClient(t, env.AdminToken), env.newClient(t, env.MemberToken)
	return env
}

// newLiveProxy passes every request on to the API at target, as it is.
func newLiveProxy(target *url.URL) http.Handler {
	return &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(target) },
		// A request its client abandons (a test of timeouts) is no error of the proxy's.
		ErrorLog: log.New(io.Discard, "", 0),
	}
}

// apiRoutes are the routes of the API contract, as http.ServeMux patterns: what the emulator's
// stats and a requestCounter count requests by.
var apiRoutes = []string{
	routeCurrentUser,
	routeListSubOrgs, "POST /orgs/{org_id}/orgs", routeGetSubOrg, routeJoinSubOrg, "DELETE /orgs/{org_id}/orgs/{sub_org_id}/join",
	routeListInviteLinks, routeCreateInviteLink, routeGetInviteLink,
	"PATCH /orgs/{org_id}/link-invites/{invite_id}", "DELETE /orgs/{org_id}/link-invites/{invite_id}",
	routeInviteByEmail, "POST /orgs/{org_id}/invites/{invite_id}",
	"GET /orgs/{org_id}/members", "GET /orgs/{org_id}/members/{user_id}",
	"PATCH /orgs/{org_id}/members/{user_id}", "DELETE /orgs/{org_id}/members/{user_id}",
}

// requestCounter counts the requests that pass through it by route and answered status, as the
// emulator's stats do, so that a test can count requests against a live account too.
type requestCounter struct {
	routes *http.ServeMux
	mu     sync.Mutex
	stats  emulator.Stats
}

func newRequestCounter() *requestCounter {
	c := &requestCounter{routes: http.NewServeMux()}
	for _, pattern := range apiRoutes {
		c.routes.Handle(pattern, http.NotFoundHandler())
	}
	c.ResetStats()
	return c
}

// count serves each request with next and counts it.
func (c *requestCounter) count(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pattern := c.routes.Handler(r)
		if pattern == "" {
			pattern = "/" // no route of the contract, as the emulator counts it
		}
		rec := &emulator.StatusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.stats.Total++
		c.stats.ByRoute[pattern]++
		if rec.Status != 0 {
			c.stats.ByStatus[rec.Status]++
		}
	})
}

// ResetStats sets every count back to zero.
func (c *requestCounter) ResetStats() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stats = emulator.Stats{ByRoute: map[string]int64{}, ByStatus: map[int]int64{}}
}

// Stats returns the counts.
func (c *requestCounter) Stats() emulator.Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	snap := c.stats
	snap.ByRoute, snap.ByStatus = maps.Clone(snap.ByRoute), maps.Clone(snap.ByStatus)
	return snap
}

// parallelTests are the tests parallel marked.
var parallelTests sync.Map

// parallel marks t parallel once. A test takes sub-organizations of a live account only once it is
// parallel: a test pauses there until the serial ones are done, and would hold them meanwhile.
func parallel(t *testing.T) {
	if _, marked := parallelTests.LoadOrStore(t, true); !marked {
		t.Parallel()
	}
}

// parallelTest is resource.ParallelTest for a test that may be parallel already.
func parallelTest(t *testing.T, tc resource.TestCase) {
	t.Helper()
	parallel(t)
	resource.Test(t, tc)
}

// subOrgPool hands out sub-organizations of the live account, each to one test at a time: those an
// earlier run left (found by listing when first asked), and new ones when none is free.
type subOrgPool struct {
	mu    sync.Mutex
	found bool
	free  []string
}

// take returns a free sub-organization, from find on the first call, or else from create.
func (p *subOrgPool) take(find func() ([]string, error), create func() (string, error)) (string, error) {
	p.mu.Lock()
	if !p.found {
		ids, err := find()
		if err != nil {
			p.mu.Unlock()
			return "", err
		}
		p.free, p.found = ids, true
	}
	if n := len(p.free); n > 0 {
		id := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return id, nil
	}
	p.mu.Unlock()
	return create()
}

func (p *subOrgPool) put(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.free = append(p.free, id)
}

// cleanupContext is the context of the account's own requests: they outlive the test that made
// them (t.Context ends before its Cleanup functions run).
func cleanupContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 5*time.Minute)
}

// scratchOrg takes a scratch sub-organization for t until it ends, emptied of anything but the
// token's user (an ADMIN); when t ends, whatever t made in it is removed again.
func (a *liveAccount) scratchOrg(t *testing.T) string {
	t.Helper()
	ctx, cancel := cleanupContext()
	defer cancel()
	id, err := a.scratch.take(
		func() ([]string, error) { return a.subOrgsNamed(ctx, scratchOrgPrefix) },
		func() (string, error) {
			so, err := a.admin.CreateSubOrg(ctx, a.orgID(), accName("scratch"))
			if err != nil {
				return "", err
			}
			return so.ID, nil
		})
	if err == nil {
		err = a.sweepScratch(ctx, id)
	}
	if err != nil {
		t.Fatalf("taking a scratch sub-organization of %s: %v", a.orgID(), err)
	}
	t.Cleanup(func() {
		ctx, cancel := cleanupContext()
		defer cancel()
		if err := a.sweepScratch(ctx, id); err != nil {
			t.Errorf("emptying scratch sub-organization %s after the test: %v", id, err)
			return // not handed out again
		}
		a.scratch.put(id)
	})
	return id
}

// joinableSubOrg takes for t until it ends a sub-organization of the token's organization of which
// the token's user is not a member and another ACTIVE ADMIN is, so that the token's user can join
// it with any role and leave it again. When t ends, the token's user must have left it. Only the
// joinable sub-organizations the tests made are used: one that existed before is never touched, and
// a crashed run's membership in one is the sweepers' to remove.
func (a *liveAccount) joinableSubOrg(t *testing.T) string {
	t.Helper()
	ctx, cancel := cleanupContext()
	defer cancel()
	id, err := a.joinable.take(func() ([]string, error) { return a.findJoinable(ctx) }, func() (string, error) { return a.makeJoinable(ctx) })
	if err != nil {
		t.Fatalf("taking a sub-organization of %s to join: %v", a.orgID(), err)
	}
	t.Cleanup(func() {
		ctx, cancel := cleanupContext()
		defer cancel()
		so, err := a.admin.GetSubOrg(ctx, a.orgID(), id)
		if err != nil {
			t.Errorf("reading sub-organization %s after the test: %v", id, err)
			return
		}
		if _, member := so.MemberByUserID(a.me.ID); member {
			t.Errorf("the test left the token's user a member of sub-organization %s; leaving it", id)
			if err := a.admin.LeaveSubOrg(ctx, a.orgID(), id); err != nil {
				t.Errorf("leaving sub-organization %s: %v", id, err)
				return
			}
		}
		a.joinable.put(id)
	})
	return id
}

// subOrgsNamed lists the IDs of the token's organization's sub-organizations whose name begins
// with prefix.
func (a *liveAccount) subOrgsNamed(ctx context.Context, prefix string) ([]string, error) {
	all, err := a.admin.ListSubOrgs(ctx, a.orgID())
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, so := range all {
		if strings.HasPrefix(so.Name, prefix) {
			ids = append(ids, so.ID)
		}
	}
	return ids, nil
}

// findJoinable lists the joinable sub-organizations an earlier run made, each emptied first (a
// crashed run may have left the token's user in one).
func (a *liveAccount) findJoinable(ctx context.Context) ([]string, error) {
	all, err := a.admin.ListSubOrgs(ctx, a.orgID())
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, so := range all {
		if !strings.HasPrefix(so.Name, joinableOrgPrefix) {
			continue
		}
		if err := a.sweepJoinable(ctx, &so); err != nil {
			return nil, fmt.Errorf("emptying sub-organization %s: %w", so.ID, err)
		}
		if _, member := so.MemberByUserID(a.me.ID); !member && hasOtherActiveAdmin(so, a.me.ID) {
			ids = append(ids, so.ID)
		}
	}
	return ids, nil
}

// hasOtherActiveAdmin reports whether a member of so other than userID is an ACTIVE ADMIN.
func hasOtherActiveAdmin(so client.SubOrg, userID string) bool {
	return slices.ContainsFunc(so.Members, func(m client.SubOrgMember) bool {
		return m.UserID != userID && m.Role == client.OrgRoleAdmin && m.Status == client.MemberStatusActive
	})
}

// makeJoinable makes a joinable sub-organization: the member token's user joins it as ADMIN through
// an invite link, and the token's user, who had to join it to make the link, leaves.
func (a *liveAccount) makeJoinable(ctx context.Context) (string, error) {
	so, err := a.admin.CreateSubOrg(ctx, a.orgID(), accName("joinable"))
	if err != nil {
		return "", err
	}
	if _, err := a.admin.JoinSubOrg(ctx, a.orgID(), so.ID, client.OrgRoleAdmin); err != nil {
		return "", err
	}
	if err := a.memberJoins(ctx, so.ID, client.RoleAdmin); err != nil {
		return "", err
	}
	return so.ID, a.admin.LeaveSubOrg(ctx, a.orgID(), so.ID)
}

// memberJoins makes the member token's user an ACTIVE member of orgID (of which the token's user
// is an ADMIN) with the content role role: through an invite link, which is revoked again, as a user
// joins an organization.
func (a *liveAccount) memberJoins(ctx context.Context, orgID string, role client.ContentRole) error {
	m, err := a.admin.GetMember(ctx, orgID, a.memberUser.ID)
	switch {
	case client.IsNotFound(err), err == nil && m.Status == client.MemberStatusInvited:
		if err := a.joinThroughLink(ctx, orgID, role); err != nil {
			return err
		}
		if m, err = a.admin.GetMember(ctx, orgID, a.memberUser.ID); err != nil {
			return err
		}
	case err != nil:
		return err
	}
	if m.Status != client.MemberStatusActive {
		return fmt.Errorf("the member token's user %s is %s in %s, not ACTIVE", a.memberUser.ID, m.Status, orgID)
	}
	if m.Role != role {
		_, err = a.admin.UpdateMemberRole(ctx, orgID, a.memberUser.ID, role)
	}
	return err
}

// joinThroughLink has the member token's user join orgID through a new invite link with role, which
// is revoked again.
func (a *liveAccount) joinThroughLink(ctx context.Context, orgID string, role client.ContentRole) error {
	link, err := a.admin.CreateInviteLink(ctx, orgID, client.NewInviteLinkRequest(role, "", ""))
	if err != nil {
		return err
	}
	joinErr := a.member.JoinWithInvite(ctx, orgID, link.ID)
	if _, err := a.admin.DeleteInviteLink(ctx, orgID, link.ID); err != nil {
		return err
	}
	return joinErr
}

// sweepScratch empties a scratch sub-organization: the token's user an ACTIVE ADMIN of it, no other
// member, no organization link.
func (a *liveAccount) sweepScratch(ctx context.Context, id string) error {
	so, err := a.admin.GetSubOrg(ctx, a.orgID(), id)
	if err != nil {
		return err
	}
	if m, ok := so.MemberByUserID(a.me.ID); !ok || m.Role != client.OrgRoleAdmin || m.Status != client.MemberStatusActive {
		if so, err = a.admin.JoinSubOrg(ctx, a.orgID(), id, client.OrgRoleAdmin); err != nil {
			return err
		}
	}
	return a.emptyOrg(ctx, so, a.me.ID)
}

// sweepJoinable empties a joinable sub-organization: the member token's user an ACTIVE ADMIN of it,
// no other member (the token's user included). It looks at the links only when it has to join.
func (a *liveAccount) sweepJoinable(ctx context.Context, so *client.SubOrg) error {
	clean := len(so.Members) == 1 && so.Members[0].UserID == a.memberUser.ID &&
		so.Members[0].Role == client.OrgRoleAdmin && so.Members[0].Status == client.MemberStatusActive
	if clean {
		return nil
	}
	joined, err := a.admin.JoinSubOrg(ctx, a.orgID(), so.ID, client.OrgRoleAdmin)
	if err != nil {
		return err
	}
	if err := a.memberJoins(ctx, so.ID, client.RoleAdmin); err != nil {
		return err
	}
	if err := a.emptyOrg(ctx, joined, a.me.ID, a.memberUser.ID); err != nil {
		return err
	}
	if err := a.admin.LeaveSubOrg(ctx, a.orgID(), so.ID); err != nil {
		return err
	}
	fresh, err := a.admin.GetSubOrg(ctx, a.orgID(), so.ID)
	if err == nil {
		*so = *fresh
	}
	return err
}

// emptyOrg revokes every organization link of so (of which the token's user is an ADMIN) and removes
// every member but keep.
func (a *liveAccount) emptyOrg(ctx context.Context, so *client.SubOrg, keep ...string) error {
	links, err := a.admin.ListInviteLinks(ctx, so.ID)
	if err != nil {
		return err
	}
	for _, l := range links {
		if _, err := a.admin.DeleteInviteLink(ctx, so.ID, l.ID); err != nil {
			return err
		}
	}
	for _, m := range so.Members {
		if !slices.Contains(keep, m.UserID) {
			if _, err := a.admin.RemoveMember(ctx, so.ID, m.UserID); err != nil {
				return err
			}
		}
	}
	return nil
}

// readTitles reads the titles of the space and the collection: the API names them only in a link,
// so it makes a link to each and revokes it again.
func (a *liveAccount) readTitles() (contentTitles, error) {
	ctx, cancel := cleanupContext()
	defer cancel()
	title := func(spaceID, collectionID string) (string, error) {
		link, err := a.admin.CreateInviteLink(ctx, a.orgID(), client.NewInviteLinkRequest(client.RoleRead, spaceID, collectionID))
		if err != nil {
			return "", err
		}
		if _, err := a.admin.DeleteInviteLink(ctx, a.orgID(), link.ID); err != nil {
			return "", err
		}
		if link.Target() == nil {
			return "", fmt.Errorf("the API's link to %s%s names no space or collection", spaceID, collectionID)
		}
		return link.Target().Title, nil
	}
	var titles contentTitles
	var err error
	if titles.space, err = title(a.spaceID, ""); err != nil {
		return titles, err
	}
	titles.collection, err = title("", a.collectionID)
	return titles, err
}
