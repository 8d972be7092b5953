package client_test

// The client against the in-process emulator: every endpoint of the contract, pagination over many
// pages, and the error paths, through the same code the provider uses.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

type world struct {
	emu    *emulator.Server
	admin  *client.Client
	member *client.Client
	url    string
}

func newWorld(t *testing.T, opts emulator.Options) *world {
	t.Helper()
	return newWrappedWorld(t, opts, nil)
}

// newWrappedWorld is newWorld whose server runs the emulator inside wrap (nil: none), so that a test
// can act between requests.
func newWrappedWorld(t *testing.T, opts emulator.Options, wrap func(emu *emulator.Server) http.Handler) *world {
	t.Helper()
	emu, err := emulator.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	var handler http.Handler = emu
	if wrap != nil {
		handler = wrap(emu)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	w := &world{emu: emu, url: srv.URL}
	w.admin = w.client(t, emulator.DefaultAdminToken)
	w.member = w.client(t, emulator.DefaultMemberToken)
	return w
}

func (w *world) client(t *testing.T, token string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{
		BaseURL: w.url, Token: token, UserAgent: "client-test",
		MaxRetries: client.DefaultMaxRetries, MinRetryWait: time.Millisecond, MaxRetryWait: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

func wantStatus(t *testing.T, err error, is func(error) bool, what string) {
	t.Helper()
	if !is(err) {
		t.Errorf("%s: err = %v", what, err)
	}
}

func TestCurrentUser(t *testing.T) {
	w := newWorld(t, emulator.Options{})
	me, err := w.admin.CurrentUser(ctx(t))
	if err != nil || me.ID != emulator.DefaultAdminUserID || me.Email == "" || me.OrgID != emulator.DefaultParentOrgID {
		t.Fatalf("CurrentUser = %+v, %v", me, err)
	}
	// org_id names the organization that "c" stands for: both list the same sub-organizations.
	viaC, err := w.admin.ListSubOrgs(ctx(t), "c")
	if err != nil {
		t.Fatal(err)
	}
	viaOrgID, err := w.admin.ListSubOrgs(ctx(t), me.OrgID)
	if err != nil || len(viaOrgID) != len(viaC) || len(viaC) == 0 || viaOrgID[0].ID != viaC[0].ID {
		t.Errorf("sub-organizations of c: %d, of org_id %q: %d, %v", len(viaC), me.OrgID, len(viaOrgID), err)
	}
	_, err = w.client(t, "wrong-token").CurrentUser(ctx(t))
	wantStatus(t, err, client.IsUnauthorized, "unknown token")
}

func TestSubOrgPagination(t *testing.T) {
	w := newWorld(t, emulator.Options{GeneratedSubOrgs: 250})
	w.emu.ResetStats()
	all, err := w.admin.ListSubOrgs(ctx(t), emulator.DefaultParentOrgID)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 253 {
		t.Fatalf("listed %d sub-organizations, want 250 generated + 3 fixture", len(all))
	}
	seen := map[string]bool{}
	for i, so := range all {
		if seen[so.ID] {
			t.Fatalf("duplicate %s", so.ID)
		}
		seen[so.ID] = true
		if i > 0 && so.CreatedAt.Before(all[i-1].CreatedAt) {
			t.Fatalf("not in created_at order at %d", i)
		}
	}
	// Page 1, then a window of PageConcurrency pages (2 and 3 hold the data, 3 is the last), then
	// page 3 once more to make sure that nothing moved past it while the window was read.
	if got, want := w.emu.Stats().Total, 1+client.DefaultPageConcurrency+1; got != int64(want) {
		t.Errorf("listing took %d requests, want %d", got, want)
	}
	viaC, err := w.admin.ListSubOrgs(ctx(t), "c")
	if err != nil || len(viaC) != len(all) {
		t.Errorf("org_id c: %d sub-organizations, %v", len(viaC), err)
	}
}

// A listing that ends exactly on a page boundary, and one that fits in one page.
func TestSubOrgPaginationBoundaries(t *testing.T) {
	for _, generated := range []int{0, 97, 197} {
		w := newWorld(t, emulator.Options{GeneratedSubOrgs: generated})
		all, err := w.admin.ListSubOrgs(ctx(t), emulator.DefaultParentOrgID)
		if err != nil || len(all) != generated+3 {
			t.Errorf("%d generated: listed %d, %v", generated, len(all), err)
		}
	}
}

func TestSubOrgFieldsDecoded(t *testing.T) {
	w := newWorld(t, emulator.Options{})
	so, err := w.admin.GetSubOrg(ctx(t), emulator.DefaultParentOrgID, emulator.DefaultDeveloperSubOrgID)
	if err != nil {
		t.Fatal(err)
	}
	if so.Name == "" || so.Plan == "" || so.CreatedAt.IsZero() || so.Billing == nil || so.Features == nil || so.Config == nil {
		t.Fatalf("incomplete sub-organization: %+v", so)
	}
	if so.Billing.AutoRecharge == nil || so.Billing.SpendingCap == nil || so.Config.Access == nil || so.Config.Modules == nil {
		t.Fatalf("incomplete nested objects: %+v %+v", so.Billing, so.Config)
	}
	if _, ok := so.MemberByUserID(emulator.DefaultAdminUserID); !ok {
		t.Errorf("the admin is not among the members of %s", so.ID)
	}
}

func TestSubOrgLifecycle(t *testing.T) {
	w := newWorld(t, emulator.Options{})
	c := ctx(t)
	parent := emulator.DefaultParentOrgID

	created, err := w.admin.CreateSubOrg(c, parent, "Nordics")
	if err != nil || created.Name != "Nordics" {
		t.Fatalf("CreateSubOrg = %+v, %v", created, err)
	}
	joined, err := w.admin.JoinSubOrg(c, parent, created.ID, client.OrgRoleDeveloper)
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := joined.MemberByUserID(emulator.DefaultAdminUserID); !ok || m.Role != client.OrgRoleDeveloper {
		t.Fatalf("after join: %+v", joined.Members)
	}
	// Joining again is how a role changes.
	joined, err = w.admin.JoinSubOrg(c, parent, created.ID, client.OrgRoleAdmin)
	if m, _ := joined.MemberByUserID(emulator.DefaultAdminUserID); err != nil || m.Role != client.OrgRoleAdmin {
		t.Fatalf("role change: %+v, %v", m, err)
	}
	// The only ADMIN can neither leave nor demote itself.
	wantStatus(t, w.admin.LeaveSubOrg(c, parent, created.ID), client.IsConflict, "last ADMIN leaves")
	_, err = w.admin.JoinSubOrg(c, parent, created.ID, client.OrgRoleStaff)
	wantStatus(t, err, client.IsConflict, "last ADMIN demoted")

	if err := w.emu.SetOrgRole(created.ID, emulator.DefaultOwnerUserID, client.OrgRoleAdmin); err != nil {
		t.Fatal(err)
	}
	if err := w.admin.LeaveSubOrg(c, parent, created.ID); err != nil {
		t.Fatalf("leave: %v", err)
	}
	wantStatus(t, w.admin.LeaveSubOrg(c, parent, created.ID), client.IsNotFound, "leave twice")
	got, err := w.admin.GetSubOrg(c, parent, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.MemberByUserID(emulator.DefaultAdminUserID); ok {
		t.Error("still a member after leaving")
	}
}

func TestSubOrgErrors(t *testing.T) {
	w := newWorld(t, emulator.Options{})
	c := ctx(t)
	parent := emulator.DefaultParentOrgID

	_, err := w.admin.GetSubOrg(c, parent, "org_nope")
	wantStatus(t, err, client.IsNotFound, "unknown sub-organization")
	_, err = w.admin.ListSubOrgs(c, "org_nope")
	wantStatus(t, err, client.IsNotFound, "unknown organization")
	_, err = w.admin.ListSubOrgs(c, emulator.DefaultOtherOrgID)
	wantStatus(t, err, client.IsForbidden, "organization of others")
	_, err = w.member.JoinSubOrg(c, parent, emulator.DefaultJoinableSubOrgID, client.OrgRoleStaff)
	wantStatus(t, err, client.IsForbidden, "non-admin joins")
	_, err = w.admin.JoinSubOrg(c, parent, emulator.DefaultJoinableSubOrgID, "OWNER")
	wantStatus(t, err, client.IsBadRequest, "unknown role")
	_, err = w.admin.CreateSubOrg(c, parent, "x")
	wantStatus(t, err, client.IsBadRequest, "one-character name")
	_, err = w.member.CreateSubOrg(c, parent, "Members may not")
	wantStatus(t, err, client.IsForbidden, "non-admin creates")

	var apiErr *client.APIError
	_, err = w.admin.GetSubOrg(c, parent, "org_nope")
	if !errors.As(err, &apiErr) || apiErr.Message == "" || apiErr.Message == "Not Found" {
		t.Errorf("the API's own message is lost: %v", err)
	}
}

func TestInviteLinkLifecycle(t *testing.T) {
	w := newWorld(t, emulator.Options{})
	c := ctx(t)
	org := emulator.DefaultParentOrgID

	cases := []struct {
		space, collection, kind string
	}{
		{"", "", client.InviteLinkKindOrganization},
		{emulator.DefaultSpaceID, "", client.InviteLinkKindSpace},
		{"", emulator.DefaultCollectionID, client.InviteLinkKindCollection},
	}
	for _, tc := range cases {
		link, err := w.admin.CreateInviteLink(c, org, client.NewInviteLinkRequest(client.RoleGuest, tc.space, tc.collection))
		if err != nil {
			t.Fatalf("%s: %v", tc.kind, err)
		}
		if link.Kind() != tc.kind || link.EffectiveRole() != client.RoleGuest || link.Object != "invite" {
			t.Fatalf("%s: created %+v", tc.kind, link)
		}
		update := client.UpdateInviteLinkRequest{Role: client.RoleEdit}
		if tc.kind != client.InviteLinkKindOrganization {
			update = client.UpdateInviteLinkRequest{Level: client.RoleEdit}
		}
		if _, err := w.admin.UpdateInviteLink(c, org, link.ID, update); err != nil {
			t.Fatalf("%s: update: %v", tc.kind, err)
		}
		got, err := w.admin.GetInviteLink(c, org, link.ID)
		if err != nil || got.EffectiveRole() != client.RoleEdit || got.Kind() != tc.kind {
			t.Fatalf("%s: after update %+v, %v", tc.kind, got, err)
		}
		// The wrong field for the link's kind is refused.
		wrong := client.UpdateInviteLinkRequest{Level: client.RoleRead}
		if tc.kind != client.InviteLinkKindOrganization {
			wrong = client.UpdateInviteLinkRequest{Role: client.RoleRead}
		}
		_, err = w.admin.UpdateInviteLink(c, org, link.ID, wrong)
		wantStatus(t, err, client.IsBadRequest, tc.kind+": wrong update field")

		_, err = w.member.UpdateInviteLink(c, org, link.ID, update)
		wantStatus(t, err, client.IsForbidden, tc.kind+": non-admin update")
		if _, err := w.member.GetInviteLink(c, org, link.ID); err != nil {
			t.Errorf("%s: a member may read: %v", tc.kind, err)
		}

		existed, err := w.admin.DeleteInviteLink(c, org, link.ID)
		if err != nil || !existed {
			t.Fatalf("%s: delete = %v, %v", tc.kind, existed, err)
		}
		existed, err = w.admin.DeleteInviteLink(c, org, link.ID)
		if err != nil || existed {
			t.Fatalf("%s: second delete = %v, %v (want 204, no error)", tc.kind, existed, err)
		}
		_, err = w.admin.GetInviteLink(c, org, link.ID)
		wantStatus(t, err, client.IsNotFound, tc.kind+": read after delete")
	}

	_, err := w.admin.CreateInviteLink(c, org, client.NewInviteLinkRequest(client.RoleRead, "spc_nope", ""))
	wantStatus(t, err, client.IsBadRequest, "unknown space")
	_, err = w.member.CreateInviteLink(c, org, client.NewInviteLinkRequest(client.RoleRead, "", ""))
	wantStatus(t, err, client.IsForbidden, "non-admin create")
	_, err = w.admin.CreateInviteLink(c, org, client.CreateInviteLinkRequest{Role: client.RoleRead, Space: emulator.DefaultSpaceID})
	wantStatus(t, err, client.IsBadRequest, "mixed shape")
}

func TestInviteLinkPagination(t *testing.T) {
	w := newWorld(t, emulator.Options{})
	c := ctx(t)
	org := emulator.DefaultParentOrgID
	before, err := w.admin.ListInviteLinks(c, org)
	if err != nil {
		t.Fatal(err)
	}
	const n = 2500
	created := make([]string, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for worker := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := worker; i < n; i += 8 {
				link, err := w.admin.CreateInviteLink(c, org, client.NewInviteLinkRequest(client.ContentRoles[i%len(client.ContentRoles)], "", ""))
				if err != nil {
					errs <- err
					return
				}
				created[i] = link.ID
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	w.emu.ResetStats()
	all, err := w.admin.ListInviteLinks(c, org)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(before)+n {
		t.Fatalf("listed %d links, want %d", len(all), len(before)+n)
	}
	listed := map[string]bool{}
	for _, l := range all {
		listed[l.ID] = true
	}
	for _, id := range created {
		if !listed[id] {
			t.Fatalf("link %s missing from the listing", id)
		}
	}
	if got := w.emu.Stats().Total; got != 3 {
		t.Errorf("listing %d links took %d requests, want 3 pages of 1000", len(all), got)
	}

	// The same pages one by one, as InviteLinkPage reads them.
	var paged []client.InviteLink
	token := ""
	for i := 1; ; i++ {
		page, err := w.admin.InviteLinkPage(c, org, token)
		if err != nil {
			t.Fatal(err)
		}
		if page.Count != len(all) || (page.Next != nil) != (i < 3) || (i < 3 && len(page.Items) != client.TokenPageLimit) {
			t.Fatalf("page %d: %d links, count %d, next %+v; want %d links of %d, next on pages 1 and 2 only",
				i, len(page.Items), page.Count, page.Next, client.TokenPageLimit, len(all))
		}
		paged = append(paged, page.Items...)
		if page.Next == nil {
			break
		}
		token = page.Next.Page
	}
	if !slices.EqualFunc(paged, all, func(a, b client.InviteLink) bool { return a.ID == b.ID }) {
		t.Error("the pages one by one differ from the listing")
	}
}

func TestEmailInvitesAndMembers(t *testing.T) {
	w := newWorld(t, emulator.Options{})
	c := ctx(t)
	org := emulator.DefaultParentOrgID

	resp, err := w.admin.InviteByEmail(c, org, client.InviteRequest{
		Emails: []client.InviteEmail{
			{Email: strings.ToUpper(emulator.DefaultUninvitedEmail), Role: client.RoleEdit},
			{Email: "new.person@example.org"},
		},
	})
	if err != nil || resp.Invited != 2 || len(resp.Users) != 2 {
		t.Fatalf("InviteByEmail = %+v, %v", resp, err)
	}
	members, err := w.admin.ListMembers(c, org, client.MemberFilter{Search: "example"})
	if err != nil {
		t.Fatal(err)
	}
	byEmail := map[string]client.Member{}
	for _, m := range members {
		byEmail[strings.ToLower(m.User.Email)] = m
	}
	if m := byEmail[emulator.DefaultUninvitedEmail]; m.Role != client.RoleEdit || m.Status != client.MemberStatusActive {
		t.Errorf("known user: %+v", m)
	}
	pending := byEmail["new.person@example.org"]
	if pending.Status != client.MemberStatusInvited || pending.Role != client.RoleRead {
		t.Errorf("unknown address: %+v", pending)
	}

	updated, err := w.admin.UpdateMemberRole(c, org, pending.ID, client.RoleGuest)
	if err != nil || updated.Role != client.RoleGuest {
		t.Fatalf("UpdateMemberRole = %+v, %v", updated, err)
	}
	guests, err := w.admin.ListMembers(c, org, client.MemberFilter{Role: client.RoleGuest})
	if err != nil || len(guests) != 1 || guests[0].ID != pending.ID {
		t.Fatalf("guest filter = %+v, %v", guests, err)
	}
	got, err := w.admin.GetMember(c, org, pending.ID)
	if err != nil || got.User.Email != "new.person@example.org" {
		t.Fatalf("GetMember = %+v, %v", got, err)
	}

	result, err := w.member.RemoveMember(c, org, pending.ID)
	if err != nil || result != client.RemovalRequested {
		t.Fatalf("non-admin removal = %v, %v (want a 202 request)", result, err)
	}
	result, err = w.admin.RemoveMember(c, org, pending.ID)
	if err != nil || result != client.MemberRemoved {
		t.Fatalf("removal = %v, %v", result, err)
	}
	result, err = w.admin.RemoveMember(c, org, pending.ID)
	if err != nil || result != client.MemberNotFound {
		t.Fatalf("second removal = %v, %v", result, err)
	}
	_, err = w.admin.GetMember(c, org, pending.ID)
	wantStatus(t, err, client.IsNotFound, "removed member")

	_, err = w.admin.InviteByEmail(c, org, client.InviteRequest{Emails: []client.InviteEmail{{Email: "not an address"}}})
	wantStatus(t, err, client.IsBadRequest, "malformed address")
	_, err = w.admin.InviteByEmail(c, org, client.InviteRequest{})
	wantStatus(t, err, client.IsBadRequest, "empty list")

	sso, err := w.admin.InviteByEmail(c, org, client.InviteRequest{
		Emails: []client.InviteEmail{{Email: emulator.DefaultSSOElsewhereEmail}}, SSO: true,
	})
	if err != nil || len(sso.FailedSSOEmails) != 1 || !strings.EqualFold(sso.FailedSSOEmails[0], emulator.DefaultSSOElsewhereEmail) {
		t.Fatalf("SSO elsewhere = %+v, %v", sso, err)
	}
}

// A removal that fails returns the error and no outcome: the zero RemoveResult, not MemberNotFound,
// which a caller would read as "nothing to do".
func TestRemoveMemberErrorHasNoOutcome(t *testing.T) {
	w := newWorld(t, emulator.Options{})
	cases := map[string]struct {
		org string
		is  func(error) bool
	}{
		"unknown organization":   {"org_nope", client.IsNotFound},
		"organization of others": {emulator.DefaultOtherOrgID, client.IsForbidden},
	}
	for name, tc := range cases {
		result, err := w.admin.RemoveMember(ctx(t), tc.org, emulator.DefaultMemberUserID)
		wantStatus(t, err, tc.is, name)
		if result != 0 {
			t.Errorf("%s: result = %v with err %v, want the zero RemoveResult", name, result, err)
		}
	}
	for _, r := range []client.RemoveResult{client.MemberRemoved, client.MemberNotFound, client.RemovalRequested} {
		if r == 0 {
			t.Errorf("outcome %d is the zero RemoveResult, which means no outcome", r)
		}
	}
}

func TestLastAdminCannotBeDemoted(t *testing.T) {
	w := newWorld(t, emulator.Options{})
	c := ctx(t)
	org := emulator.DefaultParentOrgID
	admins, err := w.admin.ListMembers(c, org, client.MemberFilter{Role: client.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	// Demote every admin but the caller, then the caller itself: the last step must be refused.
	for _, a := range admins {
		if a.ID == emulator.DefaultAdminUserID {
			continue
		}
		if _, err := w.admin.UpdateMemberRole(c, org, a.ID, client.RoleRead); err != nil {
			t.Fatalf("demoting %s: %v", a.ID, err)
		}
	}
	_, err = w.admin.UpdateMemberRole(c, org, emulator.DefaultAdminUserID, client.RoleRead)
	wantStatus(t, err, client.IsConflict, "demoting the last admin")
}

func TestJoinWithInvite(t *testing.T) {
	w := newWorld(t, emulator.Options{})
	c := ctx(t)
	org := emulator.DefaultParentOrgID
	if err := w.emu.AddUser(emulator.FixtureUser{ID: "usr_newbie", Name: "Newbie", Email: "newbie@example.com", Token: "newbie-token", TokenOrg: org}); err != nil {
		t.Fatal(err)
	}
	link, err := w.admin.CreateInviteLink(c, org, client.NewInviteLinkRequest(client.RoleComment, "", ""))
	if err != nil {
		t.Fatal(err)
	}
	newbie := w.client(t, "newbie-token")
	if err := newbie.JoinWithInvite(c, org, link.ID); err != nil {
		t.Fatalf("join: %v", err)
	}
	m, err := w.admin.GetMember(c, org, "usr_newbie")
	if err != nil || m.Role != client.RoleComment {
		t.Fatalf("member after join = %+v, %v", m, err)
	}
	wantStatus(t, newbie.JoinWithInvite(c, org, "inv_nope"), client.IsNotFound, "unknown invite")
}

// Many goroutines share one client: the emulator sees every request and nothing is lost.
func TestClientIsSafeForConcurrentUse(t *testing.T) {
	w := newWorld(t, emulator.Options{})
	c := ctx(t)
	org := emulator.DefaultParentOrgID
	var wg sync.WaitGroup
	ids := make(chan string, 64)
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			link, err := w.admin.CreateInviteLink(c, org, client.NewInviteLinkRequest(client.RoleRead, "", ""))
			if err != nil {
				t.Error(err)
				return
			}
			if i%2 == 0 {
				if _, err := w.admin.DeleteInviteLink(c, org, link.ID); err != nil {
					t.Error(err)
				}
				return
			}
			ids <- link.ID
		}()
	}
	wg.Wait()
	close(ids)
	kept := map[string]bool{}
	for id := range ids {
		kept[id] = true
	}
	all, err := w.admin.ListInviteLinks(c, org)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, l := range all {
		if kept[l.ID] {
			found++
		}
	}
	if found != 16 || len(kept) != 16 {
		t.Errorf("kept %d links, found %d of them", len(kept), found)
	}
}

func TestMemberPage(t *testing.T) {
	w := newWorld(t, emulator.Options{})
	c := ctx(t)
	org := emulator.DefaultParentOrgID
	const n = 1100
	emails := make([]client.InviteEmail, n)
	for i := range emails {
		emails[i] = client.InviteEmail{Email: fmt.Sprintf("bulk-%04d@example.org", i), Role: client.RoleEdit}
	}
	emails[n-1].Role = client.RoleComment
	if _, err := w.admin.InviteByEmail(c, org, client.InviteRequest{Emails: emails}); err != nil {
		t.Fatal(err)
	}
	all, err := w.admin.ListMembers(c, org, client.MemberFilter{})
	if err != nil {
		t.Fatal(err)
	}

	w.emu.ResetStats()
	first, err := w.admin.MemberPage(c, org, client.MemberFilter{}, "")
	if err != nil || len(first.Items) != client.TokenPageLimit || first.Next == nil || first.Next.Page == "" {
		t.Fatalf("first page: %d members, next %+v, %v; want %d and a next page", len(first.Items), first.Next, err, client.TokenPageLimit)
	}
	second, err := w.admin.MemberPage(c, org, client.MemberFilter{}, first.Next.Page)
	if err != nil || len(second.Items) != len(all)-client.TokenPageLimit || second.Next != nil {
		t.Fatalf("second page: %d members, next %+v, %v; want the last %d", len(second.Items), second.Next, err, len(all)-client.TokenPageLimit)
	}
	if got := w.emu.Stats().Total; got != 2 {
		t.Errorf("two pages took %d requests", got)
	}
	for i, m := range append(first.Items, second.Items...) {
		if m.ID != all[i].ID {
			t.Fatalf("member %d of the pages is %s, of ListMembers %s", i, m.ID, all[i].ID)
		}
	}

	// The filters are the API's own.
	commenters, err := w.admin.MemberPage(c, org, client.MemberFilter{Role: client.RoleComment}, "")
	if err != nil || len(commenters.Items) != 1 || commenters.Items[0].User.Email != emails[n-1].Email || commenters.Next != nil {
		t.Errorf("role filter: %+v, %v", commenters, err)
	}
	found, err := w.admin.MemberPage(c, org, client.MemberFilter{Search: "BULK-0042@"}, "")
	if err != nil || len(found.Items) != 1 || found.Items[0].User.Email != "bulk-0042@example.org" {
		t.Errorf("search filter: %+v, %v", found, err)
	}
	_, err = w.admin.MemberPage(c, emulator.DefaultOtherOrgID, client.MemberFilter{}, "")
	wantStatus(t, err, client.IsForbidden, "members of an organization the caller is not in")
}
