package emulator

import (
	"strings"
	"testing"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

const members = "/orgs/" + DefaultParentOrgID + "/members"

func TestListMembers(t *testing.T) {
	a := newTestAPI(t, Options{})
	var page client.ListPage[client.Member]
	res := a.must(200, member, "GET", members, nil, &page)
	wantEqual(t, "joining order", ids(page.Items, memberID), []string{DefaultAdminUserID, DefaultMemberUserID, DefaultOwnerUserID})
	wantEqual(t, "count", page.Count, 3)
	wantEqual(t, "envelope", res.fields(t), []string{"count", "items"})

	one := a.must(200, member, "GET", members+"/"+DefaultAdminUserID, nil, nil)
	wantEqual(t, "Member fields", one.fields(t), []string{"disabled", "id", "joinedAt", "lastSeenAt", "object", "role", "sites", "spaces", "sso", "status", "teams", "user"})
	for _, fragment := range []string{`"object":"member"`, `"role":"admin"`, `"user":{"object":"user","id":"usr_ada","displayName":"Ada Admin","email":"ada@acme.example","photoURL":"https://avatars.example/ada.png"}`, `"joinedAt":"2023-03-01T09:00:00Z"`, `"lastSeenAt":"2024-05-02T08:00:00Z"`, `"status":"ACTIVE"`, `"spaces":2`} {
		if !strings.Contains(string(one.body), fragment) {
			t.Errorf("member body %s lacks %s", one.body, fragment)
		}
	}
	maxBody := a.must(200, admin, "GET", members+"/"+DefaultMemberUserID, nil, nil)
	if !strings.Contains(string(maxBody.body), `"photoURL":null`) || !strings.Contains(string(maxBody.body), `"lastSeenAt":null`) {
		t.Errorf("nulls missing: %s", maxBody.body)
	}
	var sam client.Member
	a.must(200, admin, "GET", "/orgs/"+DefaultSoleAdminSubOrgID+"/members/usr_sam", nil, &sam)
	wantEqual(t, "disabled member", []any{sam.Disabled, sam.Status}, []any{true, client.MemberStatusDisabled})

	filter := func(query string) []string {
		var p client.ListPage[client.Member]
		a.must(200, admin, "GET", members+"?"+query, nil, &p)
		if p.Count != len(p.Items) {
			t.Errorf("%s: count %d for %d items", query, p.Count, len(p.Items))
		}
		return ids(p.Items, memberID)
	}
	wantEqual(t, "role=admin", filter("role=admin"), []string{DefaultAdminUserID, DefaultOwnerUserID})
	wantEqual(t, "role=read", filter("role=read"), []string{DefaultMemberUserID})
	wantEqual(t, "role=guest", filter("role=guest"), []string{})
	wantEqual(t, "search name", filter("search=MAX"), []string{DefaultMemberUserID})
	wantEqual(t, "search email", filter("search=olivia%40ACME"), []string{DefaultOwnerUserID})
	wantEqual(t, "search and role", filter("search=acme.example&role=admin"), []string{DefaultAdminUserID, DefaultOwnerUserID})
	a.must(200, admin, "POST", "/orgs/c/invites", `{"emails":["nina@example.com"],"role":null}`, nil)
	wantEqual(t, "role=guest after a guest invite", filter("role=guest"), []string{"usr_nina"})

	var first, second client.ListPage[client.Member]
	a.must(200, admin, "GET", members+"?limit=3", nil, &first)
	if first.Next == nil || first.Count != 4 {
		t.Fatalf("first page: %+v", first)
	}
	a.must(200, admin, "GET", members+"?limit=3&page="+first.Next.Page, nil, &second)
	wantEqual(t, "second page", ids(second.Items, memberID), []string{"usr_nina"})

	runCasesOn(t, a, []tcase{
		{name: "unknown role filter", token: admin, method: "GET", path: members + "?role=owner", status: 400, check: errorMentions("owner")},
		{name: "limit 1001", token: admin, method: "GET", path: members + "?limit=1001", status: 400},
		{name: "bad page", token: admin, method: "GET", path: members + "?page=zzz", status: 400},
		{name: "c", token: member, method: "GET", path: "/orgs/c/members?limit=0", status: 200},
		{name: "unknown member", token: admin, method: "GET", path: members + "/usr_nope", status: 404, check: errorMentions("usr_nope")},
		{name: "non-member", token: admin, method: "GET", path: "/orgs/" + DefaultOtherOrgID + "/members", status: 403},
	})
}

func TestUpdateMember(t *testing.T) {
	retail := "/orgs/" + DefaultSoleAdminSubOrgID + "/members/"
	orgRole := func(a *testAPI, userID string) string {
		so := a.subOrg(DefaultSoleAdminSubOrgID)
		m, _ := so.MemberByUserID(userID)
		return m.Role
	}
	runCases(t, []tcase{
		{name: "set a role", token: admin, method: "PATCH", path: members + "/" + DefaultMemberUserID, body: `{"role":"edit"}`, status: 200, check: func(t *testing.T, a *testAPI, res result) {
			var m client.Member
			res.decode(t, &m)
			wantEqual(t, "role", m.Role, client.RoleEdit)
			wantEqual(t, "read back", a.member(DefaultParentOrgID, DefaultMemberUserID).Role, client.RoleEdit)
		}},
		{name: "guest is null", token: admin, method: "PATCH", path: members + "/" + DefaultMemberUserID, body: `{"role":null}`, status: 200, check: func(t *testing.T, _ *testAPI, res result) {
			if !strings.Contains(string(res.body), `"role":null`) || !strings.Contains(string(res.body), `"spaces":0`) {
				t.Errorf("guest member: %s", res.body)
			}
		}},
		{name: "admin makes ADMIN and back makes STAFF", token: admin, method: "PATCH", path: retail + DefaultMemberUserID, body: `{"role":"admin"}`, status: 200, check: func(t *testing.T, a *testAPI, _ result) {
			wantEqual(t, "org role", orgRole(a, DefaultMemberUserID), client.OrgRoleAdmin)
			a.must(200, admin, "PATCH", retail+DefaultMemberUserID, `{"role":"comment"}`, nil)
			wantEqual(t, "org role after comment", orgRole(a, DefaultMemberUserID), client.OrgRoleStaff)
		}},
		{name: "other org roles stay", token: admin, method: "PATCH", path: "/orgs/" + DefaultDeveloperSubOrgID + "/members/usr_sam", body: `{"role":"comment"}`, status: 403, check: func(t *testing.T, a *testAPI, _ result) {
			// The admin is a DEVELOPER of labs; as ADMIN it may change sam, a MANAGER.
			a.must(200, admin, "POST", "/orgs/c/orgs/"+DefaultDeveloperSubOrgID+"/join", `{"role":"ADMIN"}`, nil)
			a.must(200, admin, "PATCH", "/orgs/"+DefaultDeveloperSubOrgID+"/members/usr_sam", `{"role":"comment"}`, nil)
			so := a.subOrg(DefaultDeveloperSubOrgID)
			m, _ := so.MemberByUserID("usr_sam")
			wantEqual(t, "sam's org role", m.Role, client.OrgRoleManager)
		}},
		{name: "last admin", token: admin, method: "PATCH", path: retail + DefaultAdminUserID, body: `{"role":"read"}`, status: 409, check: errorMentions("last admin")},
		{name: "one of two admins", token: admin, method: "PATCH", path: members + "/" + DefaultOwnerUserID, body: `{"role":"read"}`, status: 200, check: func(t *testing.T, a *testAPI, _ result) {
			a.do(admin, "PATCH", members+"/"+DefaultAdminUserID, `{"role":"read"}`).wantError(t, 409)
		}},
		{name: "missing role", token: admin, method: "PATCH", path: members + "/" + DefaultMemberUserID, body: `{}`, status: 400},
		{name: "unknown role", token: admin, method: "PATCH", path: members + "/" + DefaultMemberUserID, body: `{"role":"STAFF"}`, status: 400},
		{name: "unknown field", token: admin, method: "PATCH", path: members + "/" + DefaultMemberUserID, body: `{"role":"read","sso":true}`, status: 400},
		{name: "unknown member", token: admin, method: "PATCH", path: members + "/usr_nope", body: `{"role":"read"}`, status: 404},
		{name: "not an admin", token: member, method: "PATCH", path: members + "/" + DefaultOwnerUserID, body: `{"role":"read"}`, status: 403, check: errorMentions("ADMIN")},
	})
}

func TestRemoveMember(t *testing.T) {
	runCases(t, []tcase{
		{name: "removed", token: admin, method: "DELETE", path: members + "/" + DefaultMemberUserID, status: 205, check: func(t *testing.T, a *testAPI, res result) {
			res.wantEmpty(t, 205)
			a.do(admin, "GET", members+"/"+DefaultMemberUserID, nil).wantError(t, 404)
			a.do(admin, "DELETE", members+"/"+DefaultMemberUserID, nil).wantEmpty(t, 204)
			a.do(member, "GET", members, nil).wantError(t, 403)
		}},
		{name: "not a member", token: admin, method: "DELETE", path: members + "/usr_nina", status: 204, check: func(t *testing.T, _ *testAPI, res result) {
			res.wantEmpty(t, 204)
		}},
		{name: "a non-admin only requests", token: member, method: "DELETE", path: members + "/" + DefaultOwnerUserID, status: 202, check: func(t *testing.T, a *testAPI, res result) {
			res.wantEmpty(t, 202)
			wantEqual(t, "still there", a.member(DefaultParentOrgID, DefaultOwnerUserID).Role, client.RoleAdmin)
		}},
		{name: "last admin", token: admin, method: "DELETE", path: "/orgs/" + DefaultSoleAdminSubOrgID + "/members/" + DefaultAdminUserID, status: 409, check: errorMentions("last admin")},
		{name: "one of two admins", token: admin, method: "DELETE", path: members + "/" + DefaultOwnerUserID, status: 205},
		{name: "non-member caller", token: admin, method: "DELETE", path: "/orgs/" + DefaultOtherOrgID + "/members/usr_sasha", status: 403},
	})
}
