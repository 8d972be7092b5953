package emulator

import (
	"strings"
	"testing"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

const invites = "/orgs/" + DefaultParentOrgID + "/invites"

func TestInviteByEmail(t *testing.T) {
	a := newTestAPI(t, Options{})
	var resp client.InviteResponse
	res := a.must(200, admin, "POST", invites, `{"emails":["NINA@example.com","new.person@example.org"]}`, &resp)
	if strings.Contains(string(res.body), "failedSSOEmails") {
		t.Errorf("failedSSOEmails present though empty: %s", res.body)
	}
	if len(resp.Users) != 2 || resp.Users[0] != "usr_nina" || resp.Invited != 2 || !validID(resp.Users[1]) {
		t.Fatalf("answer: %+v", resp)
	}
	nina := a.member(DefaultParentOrgID, "usr_nina")
	wantEqual(t, "known user", []any{nina.Status, nina.Role, nina.Disabled, nina.LastSeenAt != nil}, []any{client.MemberStatusActive, client.RoleRead, false, true})
	pending := a.member(DefaultParentOrgID, resp.Users[1])
	wantEqual(t, "unknown address", []any{pending.Status, pending.Role, pending.User.Email, pending.User.DisplayName, pending.LastSeenAt == nil},
		[]any{client.MemberStatusInvited, client.RoleRead, "new.person@example.org", "new.person", true})

	// Members are skipped, whatever the case of the address, and not counted.
	res = a.must(200, admin, "POST", invites, `{"emails":["max@ACME.example","new.person@example.org"]}`, &resp)
	if resp.Invited != 0 || len(resp.Users) != 0 || !strings.Contains(string(res.body), `"users":[]`) {
		t.Errorf("re-invite: %s", res.body)
	}
}

func TestInviteRoles(t *testing.T) {
	a := newTestAPI(t, Options{})
	var resp client.InviteResponse
	a.must(200, admin, "POST", invites, `{"emails":[{"email":"omar@example.com","role":"edit"},"guest@example.org",{"email":"x@example.org"}],"role":null}`, &resp)
	wantEqual(t, "invited", resp.Invited, 3)
	wantEqual(t, "own role", a.member(DefaultParentOrgID, "usr_omar").Role, client.RoleEdit)
	guest := a.must(200, admin, "GET", "/orgs/c/members/"+resp.Users[1], nil, nil)
	if !strings.Contains(string(guest.body), `"role":null`) {
		t.Errorf("default guest role not null: %s", guest.body)
	}
	wantEqual(t, "object form without role takes the default", a.member(DefaultParentOrgID, resp.Users[2]).Role, client.RoleGuest)

	// An admin content role makes an organization ADMIN: seen in the SubOrg view of a sub-org.
	a.must(200, admin, "POST", "/orgs/"+DefaultSoleAdminSubOrgID+"/invites", `{"emails":["nina@example.com"],"role":"admin"}`, nil)
	so := a.subOrg(DefaultSoleAdminSubOrgID)
	m, _ := so.MemberByUserID("usr_nina")
	wantEqual(t, "org role of an admin invite", m.Role, client.OrgRoleAdmin)
	a.must(200, admin, "POST", "/orgs/"+DefaultSoleAdminSubOrgID+"/invites", `{"emails":["omar@example.com"],"role":"review"}`, nil)
	so = a.subOrg(DefaultSoleAdminSubOrgID)
	m, _ = so.MemberByUserID("usr_omar")
	wantEqual(t, "org role of another invite", m.Role, client.OrgRoleStaff)
}

func TestInviteSSO(t *testing.T) {
	a := newTestAPI(t, Options{})
	var resp client.InviteResponse
	res := a.must(200, admin, "POST", invites, `{"emails":["`+DefaultSSOElsewhereEmail+`","omar@example.com"],"sso":true}`, &resp)
	wantEqual(t, "failedSSOEmails", resp.FailedSSOEmails, []string{DefaultSSOElsewhereEmail})
	wantEqual(t, "users", resp.Users, []string{"usr_sasha", "usr_omar"})
	wantEqual(t, "fields", res.fields(t), []string{"failedSSOEmails", "invited", "users"})
	wantEqual(t, "sso elsewhere", a.member(DefaultParentOrgID, "usr_sasha").SSO, false)
	wantEqual(t, "sso", a.member(DefaultParentOrgID, "usr_omar").SSO, true)
}

func TestInviteBadInput(t *testing.T) {
	runCases(t, []tcase{
		{name: "empty list", token: admin, method: "POST", path: invites, body: `{"emails":[]}`, status: 400, check: errorMentions("at least one")},
		{name: "missing list", token: admin, method: "POST", path: invites, body: `{"role":"read"}`, status: 400},
		{name: "null list", token: admin, method: "POST", path: invites, body: `{"emails":null}`, status: 400},
		{name: "malformed address", token: admin, method: "POST", path: invites, body: `{"emails":["not-an-email"]}`, status: 400, check: errorMentions("not-an-email")},
		{name: "display-name form", token: admin, method: "POST", path: invites, body: `{"emails":["Bob <bob@example.com>"]}`, status: 400},
		{name: "two addresses in one", token: admin, method: "POST", path: invites, body: `{"emails":["a@example.com, b@example.com"]}`, status: 400},
		{name: "address with spaces", token: admin, method: "POST", path: invites, body: `{"emails":[" a@example.com"]}`, status: 400},
		{name: "number as address", token: admin, method: "POST", path: invites, body: `{"emails":[7]}`, status: 400},
		{name: "object without email", token: admin, method: "POST", path: invites, body: `{"emails":[{"role":"read"}]}`, status: 400},
		{name: "object with extra field", token: admin, method: "POST", path: invites, body: `{"emails":[{"email":"a@example.com","team":"x"}]}`, status: 400},
		{name: "guest as a string", token: admin, method: "POST", path: invites, body: `{"emails":["a@example.com"],"role":"guest"}`, status: 400},
		{name: "unknown per-address role", token: admin, method: "POST", path: invites, body: `{"emails":[{"email":"a@example.com","role":"owner"}]}`, status: 400},
		{name: "sso not a bool", token: admin, method: "POST", path: invites, body: `{"emails":["a@example.com"],"sso":"yes"}`, status: 400},
		{name: "unknown field", token: admin, method: "POST", path: invites, body: `{"emails":["a@example.com"],"message":"hi"}`, status: 400},
		{name: "not an admin", token: member, method: "POST", path: invites, body: `{"emails":["a@example.com"]}`, status: 403, check: errorMentions("ADMIN")},
		{name: "nothing applied on a bad address", token: admin, method: "POST", path: invites, body: `{"emails":["omar@example.com","bad"]}`, status: 400, check: func(t *testing.T, a *testAPI, _ result) {
			a.do(admin, "GET", "/orgs/c/members/usr_omar", nil).wantError(t, 404)
		}},
	})
}

func TestJoinWithInvite(t *testing.T) {
	a := newTestAPI(t, Options{})
	emea := "/orgs/" + DefaultJoinableSubOrgID
	a.must(200, admin, "POST", "/orgs/c/orgs/"+DefaultJoinableSubOrgID+"/join", `{"role":"ADMIN"}`, nil)
	if err := a.srv.AddSpace(DefaultJoinableSubOrgID, "spc_emea", "EMEA space"); err != nil {
		t.Fatal(err)
	}
	link := a.createLink(DefaultJoinableSubOrgID, `{"role":"comment"}`)
	spaceLink := a.createLink(DefaultJoinableSubOrgID, `{"level":"edit","space":"spc_emea"}`)

	// max is no member of emea and may still join through a link of it.
	res := a.must(200, member, "POST", emea+"/invites/"+link.ID, nil, nil)
	wantEqual(t, "body", strings.TrimSpace(string(res.body)), "{}")
	joined := a.member(DefaultJoinableSubOrgID, DefaultMemberUserID)
	wantEqual(t, "joined", []any{joined.Role, joined.Status}, []any{client.RoleComment, client.MemberStatusActive})
	so := a.subOrg(DefaultJoinableSubOrgID)
	m, _ := so.MemberByUserID(DefaultMemberUserID)
	wantEqual(t, "org role", m.Role, client.OrgRoleStaff)

	// Joining again, even through another link, changes nothing.
	a.must(200, member, "POST", emea+"/invites/"+spaceLink.ID, nil, nil)
	wantEqual(t, "after a second join", a.member(DefaultJoinableSubOrgID, DefaultMemberUserID).Role, client.RoleComment)

	// A scoped link joins the organization too, with the link's level.
	a.must(204, admin, "DELETE", "/orgs/c/orgs/"+DefaultJoinableSubOrgID+"/join", nil, nil) // olivia stays ADMIN
	a.must(200, admin, "POST", emea+"/invites/"+spaceLink.ID, nil, nil)
	var self client.Member
	a.must(200, admin, "GET", emea+"/members/"+DefaultAdminUserID, nil, &self)
	wantEqual(t, "joined through a space link", self.Role, client.RoleEdit)

	a.do(member, "POST", emea+"/invites/inv_nope", nil).wantError(t, 404, "inv_nope")
	a.do("", "POST", emea+"/invites/"+link.ID, nil).wantError(t, 401)
	a.do(member, "POST", "/orgs/org_nope/invites/"+link.ID, nil).wantError(t, 404)
}

func TestJoinWithInviteActivatesInvitedMember(t *testing.T) {
	f := DefaultFixture()
	f.Users = append(f.Users, FixtureUser{ID: "usr_ivy", Name: "Ivy Invited", Email: "ivy@example.com", Token: "ivy-token", TokenOrg: DefaultParentOrgID})
	f.Organizations[0].Members = append(f.Organizations[0].Members, FixtureMember{UserID: "usr_ivy", Role: client.OrgRoleStaff, ContentRole: "review", Status: client.MemberStatusInvited})
	a := newTestAPI(t, Options{Fixture: f})
	link := a.createLink(DefaultParentOrgID, `{"role":"edit"}`)
	a.do("ivy-token", "GET", "/orgs/c/members", nil).wantError(t, 403)
	a.must(200, "ivy-token", "POST", "/orgs/c/invites/"+link.ID, nil, nil)
	ivy := a.member(DefaultParentOrgID, "usr_ivy")
	wantEqual(t, "after joining", []any{ivy.Status, ivy.Role, ivy.LastSeenAt != nil}, []any{client.MemberStatusActive, client.RoleReview, true})
}
