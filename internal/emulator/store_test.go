package emulator

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

func TestGeneratedSubOrgPagination(t *testing.T) {
	a := newTestAPI(t, Options{GeneratedSubOrgs: 250})
	var all []client.SubOrg
	for page := 1; ; page++ {
		var subs []client.SubOrg
		a.must(200, admin, "GET", fmt.Sprintf("/orgs/c/orgs?page=%d", page), nil, &subs)
		all = append(all, subs...)
		if len(subs) < 100 {
			wantEqual(t, "pages", page, 3)
			wantEqual(t, "last page", len(subs), 53)
			break
		}
	}
	wantEqual(t, "total", len(all), 253)
	wantEqual(t, "fixture sub-orgs first", ids(all[:3], subOrgID), []string{DefaultJoinableSubOrgID, DefaultDeveloperSubOrgID, DefaultSoleAdminSubOrgID})
	for i, so := range all[3:] {
		if want := fmt.Sprintf("generated-%05d", i+1); so.Name != want || so.ID != fmt.Sprintf("org_gen_%05d", i+1) {
			t.Fatalf("position %d: %s %s, want %s", i+3, so.ID, so.Name, want)
		}
	}
	var subs []client.SubOrg
	a.must(200, admin, "GET", "/orgs/c/orgs?page=2&take=100", nil, &subs)
	wantEqual(t, "page 2 starts", subs[0].Name, "generated-00098")
	wantEqual(t, "generated get", a.subOrg("org_gen_00250").Name, "generated-00250")
}

func TestPersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	a := newTestAPI(t, Options{StatePath: path})
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("state file not written at start: %v", err)
	}
	guest := a.createLink(DefaultParentOrgID, `{"role":null}`)
	spaceLink := a.createLink(DefaultParentOrgID, `{"level":"edit","space":"`+DefaultSpaceID+`"}`)
	var so client.SubOrg
	a.must(201, admin, "POST", "/orgs/c/orgs", `{"name":"Persisted"}`, &so)
	a.must(200, admin, "POST", "/orgs/c/orgs/"+so.ID+"/join", `{"role":"ADMIN"}`, nil)
	var invited client.InviteResponse
	a.must(200, admin, "POST", "/orgs/c/invites", `{"emails":["later@example.com"]}`, &invited)
	if err := a.srv.AddUser(FixtureUser{ID: "usr_tok", Name: "Tok", Email: "tok@example.com", Token: "tok-token"}); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("temp files left beside the state: %v", entries)
	}

	// A new server from the same file sees everything, and keeps handing out fresh ids.
	b := newTestAPI(t, Options{StatePath: path, GeneratedSubOrgs: 5})
	wantEqual(t, "guest link", b.must(200, admin, "GET", links+"/"+guest.ID, nil, nil).body, a.must(200, admin, "GET", links+"/"+guest.ID, nil, nil).body)
	var gotSpace client.InviteLink
	b.must(200, admin, "GET", links+"/"+spaceLink.ID, nil, &gotSpace)
	wantEqual(t, "space link", gotSpace, spaceLink)
	wantEqual(t, "sub-org", b.subOrg(so.ID).Members[0].Role, client.OrgRoleAdmin)
	wantEqual(t, "invited", b.member(DefaultParentOrgID, invited.Users[0]).Status, client.MemberStatusInvited)
	b.must(200, "tok-token", "GET", "/users/me", nil, nil)
	var subs []client.SubOrg
	b.must(200, admin, "GET", "/orgs/c/orgs", nil, &subs)
	wantEqual(t, "the state file wins over the fixture options", len(subs), 4)
	if next := b.createLink(DefaultParentOrgID, `{"role":"read"}`); next.ID == guest.ID || next.ID == spaceLink.ID {
		t.Errorf("id %s reused", next.ID)
	}

	if err := os.WriteFile(path, []byte(`{"version":99}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{StatePath: path}); err == nil || !strings.Contains(err.Error(), "version") {
		t.Errorf("a state file of another version: %v", err)
	}
}

func TestLoadFixture(t *testing.T) {
	dir := t.TempDir()
	data, err := json.MarshalIndent(DefaultFixture(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "fixture.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := LoadFixture(path)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "round trip", f, DefaultFixture())
	a := newTestAPI(t, Options{Fixture: f})
	wantEqual(t, "loaded sub-org", a.subOrg(DefaultSoleAdminSubOrgID).Name, "Acme Retail")

	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"users":[],"orgs":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFixture(bad); err == nil {
		t.Error("a fixture with an unknown field loaded")
	}
	if _, err := LoadFixture(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("a missing fixture loaded")
	}
}

func TestFixtureValidation(t *testing.T) {
	for name, change := range map[string]func(f *Fixture){
		"duplicate user id":   func(f *Fixture) { f.Users[1].ID = f.Users[0].ID },
		"duplicate email":     func(f *Fixture) { f.Users[1].Email = strings.ToUpper(f.Users[0].Email) },
		"duplicate token":     func(f *Fixture) { f.Users[1].Token = f.Users[0].Token },
		"bad email":           func(f *Fixture) { f.Users[0].Email = "nope" },
		"token org a sub-org": func(f *Fixture) { f.Users[0].TokenOrg = DefaultJoinableSubOrgID },
		"bad org role":        func(f *Fixture) { f.Organizations[0].Members[0].Role = "OWNER" },
		"admin disagreement":  func(f *Fixture) { f.Organizations[0].Members[1].ContentRole = "admin" },
		"bad content role":    func(f *Fixture) { f.Organizations[0].Members[1].ContentRole = "boss" },
		"bad status":          func(f *Fixture) { f.Organizations[0].Members[1].Status = "GONE" },
		"member twice":        func(f *Fixture) { f.Organizations[0].Members[1].UserID = DefaultAdminUserID },
		"duplicate org id":    func(f *Fixture) { f.Organizations[1].ID = DefaultParentOrgID },
		"bad plan":            func(f *Fixture) { f.Organizations[0].SubOrgs[0].Plan = "gold" },
		"duplicate space":     func(f *Fixture) { f.Organizations[0].Collections[0].ID = DefaultSpaceID },
		"bad id":              func(f *Fixture) { f.Organizations[0].SubOrgs[0].ID = "has space" },
	} {
		f := DefaultFixture()
		change(f)
		if _, err := New(Options{Fixture: f}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSetupHelpers(t *testing.T) {
	a := newTestAPI(t, Options{})
	s := a.srv
	if err := s.AddUser(FixtureUser{ID: "usr_new", Name: "New", Email: "new@example.com", Token: "new-token"}); err != nil {
		t.Fatal(err)
	}
	var me client.User
	a.must(200, "new-token", "GET", "/users/me", nil, &me)
	wantEqual(t, "new user", me.Email, "new@example.com")
	a.do("new-token", "GET", "/orgs/c/members", nil).wantError(t, 403) // c is org_acme, not yet joined
	if err := s.AddUser(FixtureUser{ID: "usr_new", Name: "Again", Email: "again@example.com"}); err == nil {
		t.Error("AddUser accepted a taken id")
	}

	id, err := s.AddSubOrg(DefaultParentOrgID, FixtureSubOrg{Name: "Helper Org", Members: []FixtureMember{{UserID: "usr_new", Role: client.OrgRoleAdmin}}})
	if err != nil || !validID(id) {
		t.Fatalf("AddSubOrg: %q, %v", id, err)
	}
	wantEqual(t, "helper sub-org", ids(a.subOrg(id).Members, subOrgMemberRole), []string{"usr_new:ADMIN"})
	if _, err := s.AddSubOrg(id, FixtureSubOrg{Name: "nested"}); err == nil {
		t.Error("AddSubOrg nested a sub-organization")
	}
	if _, err := s.AddSubOrg(DefaultParentOrgID, FixtureSubOrg{Name: "x", Members: []FixtureMember{{UserID: "ghost", Role: "ADMIN"}}}); err == nil {
		t.Error("AddSubOrg accepted an unknown member")
	}

	// Make the admin the last ADMIN of labs, then demote it without the API's guard.
	if err := s.RemoveMembership(DefaultDeveloperSubOrgID, DefaultOwnerUserID); err != nil {
		t.Fatal(err)
	}
	if err := s.SetOrgRole(DefaultDeveloperSubOrgID, DefaultAdminUserID, client.OrgRoleAdmin); err != nil {
		t.Fatal(err)
	}
	a.do(admin, "DELETE", "/orgs/c/orgs/"+DefaultDeveloperSubOrgID+"/join", nil).wantError(t, 409)
	if err := s.SetOrgRole(DefaultParentOrgID, DefaultAdminUserID, client.OrgRoleStaff); err != nil {
		t.Fatal(err)
	}
	a.do(admin, "POST", links, `{"role":"read"}`).wantError(t, 403, "ADMIN")
	wantEqual(t, "content role after leaving ADMIN", a.member(DefaultParentOrgID, DefaultAdminUserID).Role, client.RoleRead)
	if err := s.SetOrgRole(DefaultJoinableSubOrgID, "usr_new", client.OrgRoleManager); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"unknown org":          s.SetOrgRole("org_nope", DefaultAdminUserID, "ADMIN"),
		"unknown user":         s.SetOrgRole(DefaultParentOrgID, "usr_nope", "ADMIN"),
		"unknown role":         s.SetOrgRole(DefaultParentOrgID, DefaultAdminUserID, "OWNER"),
		"remove a non-member":  s.RemoveMembership(DefaultJoinableSubOrgID, DefaultAdminUserID),
		"space id taken":       s.AddSpace(DefaultParentOrgID, DefaultSpaceID, "again"),
		"collection bad id":    s.AddCollection(DefaultParentOrgID, "a/b", "x"),
		"space of unknown org": s.AddSpace("org_nope", "spc_x", "x"),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}

	if err := s.AddCollection(DefaultParentOrgID, "col_new", "New collection"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetOrgRole(DefaultParentOrgID, DefaultAdminUserID, client.OrgRoleAdmin); err != nil {
		t.Fatal(err)
	}
	l := a.createLink(DefaultParentOrgID, `{"level":"read","collection":"col_new"}`)
	wantEqual(t, "collection title", l.Collection.Title, "New collection")
}
