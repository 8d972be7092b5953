package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

func TestAuthAndRouting(t *testing.T) {
	runCases(t, []tcase{
		{name: "no header", method: "GET", path: "/users/me", status: 401, check: errorMentions("Authorization")},
		{name: "unknown key", token: "nope", method: "GET", path: "/users/me", status: 401, check: errorMentions("unknown API key")},
		{name: "org route without key", method: "GET", path: "/orgs/c/link-invites", status: 401},
		{name: "unknown route", token: admin, method: "GET", path: "/nope", status: 404, check: errorMentions("no such endpoint")},
		{name: "wrong method", token: admin, method: "PUT", path: "/users/me", status: 405, check: func(t *testing.T, _ *testAPI, res result) {
			wantEqual(t, "Allow", res.header.Get("Allow"), "GET")
		}},
		{name: "unknown org", token: admin, method: "GET", path: "/orgs/org_nope/members", status: 404, check: errorMentions("org_nope")},
		{name: "not a member of the org", token: admin, method: "GET", path: "/orgs/" + DefaultOtherOrgID + "/link-invites", status: 403, check: errorMentions("not a member")},
		{name: "401 wins over a bad body", method: "POST", path: "/orgs/c/link-invites", body: "{", status: 401},
	})
}

func TestMalformedAuthorization(t *testing.T) {
	a := newTestAPI(t, Options{})
	for _, header := range []string{"Basic " + admin, admin, "Bearer", "Bearer  "} {
		req, err := http.NewRequest(http.MethodGet, a.url+"/users/me", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("Authorization %q: status %d, want 401", header, resp.StatusCode)
		}
	}
}

func TestInactiveMemberHasNoAccess(t *testing.T) {
	f := DefaultFixture()
	f.Users[4].Token = "sam-token" // usr_sam: DISABLED in retail, MANAGER in labs
	a := newTestAPI(t, Options{Fixture: f})
	a.do("sam-token", "GET", "/orgs/"+DefaultSoleAdminSubOrgID+"/members", nil).wantError(t, 403, "not a member")
	a.must(200, "sam-token", "GET", "/orgs/"+DefaultDeveloperSubOrgID+"/members", nil, nil)
	var me client.User
	a.must(200, "sam-token", "GET", "/users/me", nil, &me)
	// c is never a sub-organization: sam's first membership is in labs, so c is labs' parent.
	wantEqual(t, "c of a token without token_org", a.srv.store.tokens["sam-token"].TokenOrgID, DefaultParentOrgID)
	wantEqual(t, "org_id of a token without token_org", me.OrgID, DefaultParentOrgID)
}

func TestUsersMe(t *testing.T) {
	a := newTestAPI(t, Options{})
	// A key created in Globex, by a user who belongs to no organization at all.
	if err := a.srv.AddUser(FixtureUser{ID: "usr_gus", Name: "Gus", Email: "gus@globex.example", Token: "gus-token", TokenOrg: DefaultOtherOrgID}); err != nil {
		t.Fatal(err)
	}
	for token, want := range map[string]client.User{
		admin:       {ID: DefaultAdminUserID, Name: "Ada Admin", Email: "ada@acme.example", OrgID: DefaultParentOrgID},
		member:      {ID: DefaultMemberUserID, Name: "Max Member", Email: "max@acme.example", OrgID: DefaultParentOrgID},
		"gus-token": {ID: "usr_gus", Name: "Gus", Email: "gus@globex.example", OrgID: DefaultOtherOrgID},
	} {
		var got client.User
		res := a.must(200, token, "GET", "/users/me", nil, &got)
		wantEqual(t, "user", got, want)
		wantEqual(t, "fields", res.fields(t), []string{"email", "id", "name", "org_id"})
		// org_id is the organization that "c" stands for in a path.
		wantEqual(t, "c for "+want.ID, a.srv.store.tokens[token].TokenOrgID, got.OrgID)
	}
	a.do("gus-token", "GET", "/orgs/c/members", nil).wantError(t, http.StatusForbidden, DefaultOtherOrgID)
}

func TestListSubOrgs(t *testing.T) {
	a := newTestAPI(t, Options{})
	var subs []client.SubOrg
	a.must(200, admin, "GET", "/orgs/"+DefaultParentOrgID+"/orgs", nil, &subs)
	wantEqual(t, "ids", ids(subs, subOrgID), []string{DefaultJoinableSubOrgID, DefaultDeveloperSubOrgID, DefaultSoleAdminSubOrgID})

	// c is the key's organization, for any member.
	var viaC []client.SubOrg
	a.must(200, member, "GET", "/orgs/c/orgs", nil, &viaC)
	wantEqual(t, "c listing", viaC, subs)

	emea := subs[0]
	if emea.Billing == nil || emea.Billing.PaymentMethod == nil || emea.Billing.PaymentMethod.Last4 != "4242" || emea.Features == nil ||
		emea.Features.CustomDomain == nil || !*emea.Features.CustomDomain || emea.Config == nil || emea.Config.Access == nil || emea.Config.Modules == nil {
		t.Errorf("emea lacks plausible billing/features/config: %+v", emea)
	}
	wantEqual(t, "emea members", ids(emea.Members, subOrgMemberRole), []string{"usr_olivia:ADMIN", "usr_devon:DEVELOPER"})
	m := emea.Members[0]
	if m.ID == "" || m.OrgID != DefaultJoinableSubOrgID || m.Email != "olivia@acme.example" || m.Status != client.MemberStatusActive ||
		m.Preferences == nil || m.Preferences.Notifications.AssignedToMe.NotifiedAt == nil {
		t.Errorf("emea member: %+v", m)
	}
	if subs[1].Billing.PaymentMethod != nil {
		t.Errorf("labs payment method = %+v, want null", subs[1].Billing.PaymentMethod)
	}
	raw := a.must(200, admin, "GET", "/orgs/org_acme/orgs/"+DefaultDeveloperSubOrgID, nil, nil)
	if !strings.Contains(string(raw.body), `"payment_method":null`) {
		t.Errorf("labs body does not write payment_method null: %s", raw.body)
	}
	wantEqual(t, "SubOrg fields", raw.fields(t), []string{"balance", "billing", "config", "created_at", "features", "id", "logo_url", "members", "name", "plan", "promo_balance", "spending_cap_used"})

	runCases(t, []tcase{
		{name: "take and page", token: admin, method: "GET", path: "/orgs/c/orgs?take=2&page=2", status: 200, check: func(t *testing.T, _ *testAPI, res result) {
			var page []client.SubOrg
			res.decode(t, &page)
			wantEqual(t, "page 2", ids(page, subOrgID), []string{DefaultSoleAdminSubOrgID})
		}},
		{name: "past the end", token: admin, method: "GET", path: "/orgs/c/orgs?page=9", status: 200, check: func(t *testing.T, _ *testAPI, res result) {
			wantEqual(t, "body", strings.TrimSpace(string(res.body)), "[]")
		}},
		{name: "take 0", token: admin, method: "GET", path: "/orgs/c/orgs?take=0", status: 400, check: errorMentions("take")},
		{name: "take 101", token: admin, method: "GET", path: "/orgs/c/orgs?take=101", status: 400, check: errorMentions("take", "1 to 100")},
		{name: "take not a number", token: admin, method: "GET", path: "/orgs/c/orgs?take=ten", status: 400},
		{name: "page 0", token: admin, method: "GET", path: "/orgs/c/orgs?page=0", status: 400, check: errorMentions("page")},
		{name: "page not a number", token: admin, method: "GET", path: "/orgs/c/orgs?page=1.5", status: 400},
		{name: "other org", token: admin, method: "GET", path: "/orgs/" + DefaultOtherOrgID + "/orgs", status: 403},
		{name: "unknown org", token: admin, method: "GET", path: "/orgs/org_nope/orgs", status: 404},
		{name: "a sub-org has none", token: admin, method: "GET", path: "/orgs/" + DefaultSoleAdminSubOrgID + "/orgs", status: 200, check: func(t *testing.T, _ *testAPI, res result) {
			wantEqual(t, "body", strings.TrimSpace(string(res.body)), "[]")
		}},
	})
}

func TestGetSubOrg(t *testing.T) {
	runCases(t, []tcase{
		{name: "found", token: member, method: "GET", path: "/orgs/c/orgs/" + DefaultSoleAdminSubOrgID, status: 200, check: func(t *testing.T, _ *testAPI, res result) {
			var so client.SubOrg
			res.decode(t, &so)
			wantEqual(t, "name", so.Name, "Acme Retail")
			if so.Billing.PaymentMethod.FailedMessage == nil || so.Billing.LastSpendingCapNotificationAt == nil {
				t.Errorf("retail billing: %+v", so.Billing)
			}
			wantEqual(t, "members", ids(so.Members, subOrgMemberRole), []string{"usr_ada:ADMIN", "usr_max:STAFF", "usr_sam:MANAGER"})
			wantEqual(t, "disabled status", so.Members[2].Status, client.MemberStatusDisabled)
		}},
		{name: "unknown", token: admin, method: "GET", path: "/orgs/c/orgs/org_nope", status: 404, check: errorMentions("org_nope")},
		{name: "not a child", token: admin, method: "GET", path: "/orgs/c/orgs/" + DefaultOtherOrgID, status: 404, check: errorMentions("not a child")},
		{name: "the parent itself", token: admin, method: "GET", path: "/orgs/c/orgs/" + DefaultParentOrgID, status: 404},
		{name: "non-member of the parent", token: admin, method: "GET", path: "/orgs/" + DefaultOtherOrgID + "/orgs/x", status: 403},
	})
}

func TestCreateSubOrg(t *testing.T) {
	a := newTestAPI(t, Options{})
	before := time.Now().UTC().Add(-time.Second)
	var so client.SubOrg
	a.must(201, admin, "POST", "/orgs/c/orgs", `{"name":"  New Branch  "}`, &so)
	if !validID(so.ID) || so.Name != "New Branch" || so.Plan != client.PlanFree || so.Balance != 0 || so.PromoBalance != 0 ||
		so.SpendingCapUsed != 0 || len(so.Members) != 0 || so.CreatedAt.Before(before) || so.Billing == nil || so.Features == nil || so.Config == nil {
		t.Errorf("created: %+v", so)
	}
	var subs []client.SubOrg
	a.must(200, admin, "GET", "/orgs/c/orgs", nil, &subs)
	wantEqual(t, "last listed", subs[len(subs)-1].ID, so.ID)
	wantEqual(t, "fetched", a.subOrg(so.ID).Name, "New Branch")

	long := strings.Repeat("x", 65)
	runCases(t, []tcase{
		{name: "64 chars", token: admin, method: "POST", path: "/orgs/c/orgs", body: `{"name":"` + long[:64] + `"}`, status: 201},
		{name: "65 chars", token: admin, method: "POST", path: "/orgs/c/orgs", body: `{"name":"` + long + `"}`, status: 400, check: errorMentions("2 to 64")},
		{name: "1 char after trimming", token: admin, method: "POST", path: "/orgs/c/orgs", body: `{"name":"  x "}`, status: 400},
		{name: "missing name", token: admin, method: "POST", path: "/orgs/c/orgs", body: `{}`, status: 400, check: errorMentions(`"name" is required`)},
		{name: "name not a string", token: admin, method: "POST", path: "/orgs/c/orgs", body: `{"name":12}`, status: 400},
		{name: "unknown field", token: admin, method: "POST", path: "/orgs/c/orgs", body: `{"name":"ok name","plan":"business"}`, status: 400, check: errorMentions(`"plan"`)},
		{name: "invalid JSON", token: admin, method: "POST", path: "/orgs/c/orgs", body: `{"name":`, status: 400, check: errorMentions("JSON")},
		{name: "empty body", token: admin, method: "POST", path: "/orgs/c/orgs", body: "", status: 400, check: errorMentions("empty")},
		{name: "trailing data", token: admin, method: "POST", path: "/orgs/c/orgs", body: `{"name":"ok name"} {}`, status: 400},
		{name: "not an admin", token: member, method: "POST", path: "/orgs/c/orgs", body: `{"name":"ok name"}`, status: 403, check: errorMentions("ADMIN")},
		{name: "under a sub-org", token: admin, method: "POST", path: "/orgs/" + DefaultSoleAdminSubOrgID + "/orgs", body: `{"name":"nested"}`, status: 400, check: errorMentions("sub-organization")},
	})
}

func TestJoinSubOrg(t *testing.T) {
	join := func(id string) string { return "/orgs/" + DefaultParentOrgID + "/orgs/" + id + "/join" }
	runCases(t, []tcase{
		{name: "join as DEVELOPER", token: admin, method: "POST", path: join(DefaultJoinableSubOrgID), body: `{"role":"DEVELOPER"}`, status: 200, check: func(t *testing.T, a *testAPI, res result) {
			var so client.SubOrg
			res.decode(t, &so)
			m, ok := so.MemberByUserID(DefaultAdminUserID)
			if !ok || m.Role != client.OrgRoleDeveloper || m.Status != client.MemberStatusActive || m.OrgID != DefaultJoinableSubOrgID || m.Email != "ada@acme.example" {
				t.Errorf("joined member: %+v (found %v)", m, ok)
			}
			wantEqual(t, "content role of a new DEVELOPER", a.member(DefaultJoinableSubOrgID, DefaultAdminUserID).Role, client.RoleRead)
			wantEqual(t, "fetched", len(a.subOrg(DefaultJoinableSubOrgID).Members), 3)
		}},
		{name: "join as ADMIN gives content admin", token: admin, method: "POST", path: join(DefaultJoinableSubOrgID), body: `{"role":"ADMIN"}`, status: 200, check: func(t *testing.T, a *testAPI, _ result) {
			wantEqual(t, "content role", a.member(DefaultJoinableSubOrgID, DefaultAdminUserID).Role, client.RoleAdmin)
		}},
		{name: "upsert changes the role in place", token: admin, method: "POST", path: join(DefaultDeveloperSubOrgID), body: `{"role":"MANAGER"}`, status: 200, check: func(t *testing.T, a *testAPI, res result) {
			var so client.SubOrg
			res.decode(t, &so)
			wantEqual(t, "members", ids(so.Members, subOrgMemberRole), []string{"usr_ada:MANAGER", "usr_olivia:ADMIN", "usr_sam:MANAGER"})
		}},
		{name: "leaving ADMIN makes content read", token: admin, method: "POST", path: join(DefaultDeveloperSubOrgID), body: `{"role":"ADMIN"}`, status: 200, check: func(t *testing.T, a *testAPI, _ result) {
			wantEqual(t, "as ADMIN", a.member(DefaultDeveloperSubOrgID, DefaultAdminUserID).Role, client.RoleAdmin)
			a.must(200, admin, "POST", join(DefaultDeveloperSubOrgID), `{"role":"STAFF"}`, nil)
			wantEqual(t, "after leaving ADMIN", a.member(DefaultDeveloperSubOrgID, DefaultAdminUserID).Role, client.RoleRead)
		}},
		{name: "demoting the last ADMIN", token: admin, method: "POST", path: join(DefaultSoleAdminSubOrgID), body: `{"role":"STAFF"}`, status: 409, check: func(t *testing.T, a *testAPI, res result) {
			res.wantError(t, 409, "last ADMIN")
			so := a.subOrg(DefaultSoleAdminSubOrgID)
			m, _ := so.MemberByUserID(DefaultAdminUserID)
			wantEqual(t, "role unchanged", m.Role, client.OrgRoleAdmin)
		}},
		{name: "last ADMIN staying ADMIN", token: admin, method: "POST", path: join(DefaultSoleAdminSubOrgID), body: `{"role":"ADMIN"}`, status: 200},
		{name: "not ADMIN of the parent", token: member, method: "POST", path: join(DefaultJoinableSubOrgID), body: `{"role":"STAFF"}`, status: 403, check: errorMentions("ADMIN")},
		{name: "missing role", token: admin, method: "POST", path: join(DefaultJoinableSubOrgID), body: `{}`, status: 400, check: errorMentions("role")},
		{name: "unknown role", token: admin, method: "POST", path: join(DefaultJoinableSubOrgID), body: `{"role":"OWNER"}`, status: 400, check: errorMentions("OWNER")},
		{name: "content role is not an org role", token: admin, method: "POST", path: join(DefaultJoinableSubOrgID), body: `{"role":"admin"}`, status: 400},
		{name: "null role", token: admin, method: "POST", path: join(DefaultJoinableSubOrgID), body: `{"role":null}`, status: 400},
		{name: "unknown field", token: admin, method: "POST", path: join(DefaultJoinableSubOrgID), body: `{"role":"STAFF","x":1}`, status: 400},
		{name: "unknown sub-org", token: admin, method: "POST", path: join("org_nope"), body: `{"role":"STAFF"}`, status: 404},
		{name: "via c", token: admin, method: "POST", path: "/orgs/c/orgs/" + DefaultJoinableSubOrgID + "/join", body: `{"role":"STAFF"}`, status: 200},
	})
}

func TestLeaveSubOrg(t *testing.T) {
	leave := func(id string) string { return "/orgs/c/orgs/" + id + "/join" }
	runCases(t, []tcase{
		{name: "leave", token: admin, method: "DELETE", path: leave(DefaultDeveloperSubOrgID), status: 204, check: func(t *testing.T, a *testAPI, res result) {
			res.wantEmpty(t, 204)
			if so := a.subOrg(DefaultDeveloperSubOrgID); len(so.Members) != 2 {
				t.Error("still a member after leaving")
			}
			a.do(admin, "DELETE", leave(DefaultDeveloperSubOrgID), nil).wantError(t, 404, "not a member")
		}},
		{name: "not a member", token: admin, method: "DELETE", path: leave(DefaultJoinableSubOrgID), status: 404},
		{name: "last ADMIN", token: admin, method: "DELETE", path: leave(DefaultSoleAdminSubOrgID), status: 409, check: errorMentions("last ADMIN")},
		{name: "a non-admin member leaves", token: member, method: "DELETE", path: leave(DefaultSoleAdminSubOrgID), status: 204},
		{name: "unknown sub-org", token: admin, method: "DELETE", path: leave("org_nope"), status: 404},
		{name: "non-member of the parent", token: admin, method: "DELETE", path: "/orgs/" + DefaultOtherOrgID + "/orgs/x/join", status: 403},
	})
}
