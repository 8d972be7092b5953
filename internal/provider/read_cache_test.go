package provider

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// The read cache as the resources use it, against the emulator (the rule itself and its model
// test are internal/readcache's).

// A leave recorded under the shorthand c wins over a page of the same organization requested under
// its ID before the leave and delivered after it: the cache resolves c through /users/me, and the
// read after the leave is fresh. Two Reads at once fetch the page; their own GETs wait until it
// is requested, so that the second Read always finds the first under way.
func TestReadCache_leaveUnderShorthandWinsOverPageUnderID(t *testing.T) {
	const joined = "org_gen_00008"
	pageRequested, deliverPage := make(chan struct{}), make(chan struct{})
	var requestedOnce sync.Once
	gate := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.Method == http.MethodGet && r.URL.Query().Has("page"):
				answer := httptest.NewRecorder()
				next.ServeHTTP(answer, r) // answered now, before the leave
				requestedOnce.Do(func() { close(pageRequested) })
				<-deliverPage
				maps.Copy(w.Header(), answer.Header())
				w.WriteHeader(answer.Code)
				_, _ = w.Write(answer.Body.Bytes())
				return
			case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/org_gen_00030"),
				r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/org_gen_00031"):
				<-pageRequested
			}
			next.ServeHTTP(w, r)
		})
	}
	_, url := serveEmulator(t, emulator.Options{GeneratedSubOrgs: 80}, gate)
	api := (&testEnv{URL: url}).newClient(t, emulator.DefaultAdminToken)
	ctx := testContext(t)
	if _, err := api.JoinSubOrg(ctx, emulator.DefaultParentOrgID, joined, client.OrgRoleStaff); err != nil {
		t.Fatal(err)
	}
	data := newProviderData(api, true)
	var wg sync.WaitGroup
	for _, id := range []string{"org_gen_00030", "org_gen_00031"} {
		wg.Go(func() {
			if _, err := data.reads.SubOrg(ctx, emulator.DefaultParentOrgID, id); err != nil {
				t.Error(err)
			}
		})
	}
	select {
	case <-pageRequested:
	case <-time.After(30 * time.Second):
		t.Fatal("two Reads at once did not fetch the first page")
	}
	if err := api.LeaveSubOrg(ctx, "c", joined); err != nil {
		t.Fatal(err)
	}
	data.reads.ForgetSubOrg(ctx, "c", joined)
	close(deliverPage)
	wg.Wait()
	me, err := data.currentUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	so, err := data.reads.SubOrg(ctx, emulator.DefaultParentOrgID, joined)
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := so.MemberByUserID(me.ID); ok {
		t.Errorf("the read after the leave sees the admin as %s: the page from before the leave won", m.Role)
	}
}

// What this process wrote of an invite link answers the next read of it without a request; a
// deletion makes the next read ask the API, which answers 404.
func TestReadCache_inviteLinkWrites(t *testing.T) {
	env := newEmulatorEnv(t, emulator.Options{})
	ctx := testContext(t)
	data := newProviderData(env.Admin, true)
	link, err := env.Admin.CreateInviteLink(ctx, "c", client.NewInviteLinkRequest(client.RoleEdit, "", ""))
	if err != nil {
		t.Fatal(err)
	}
	data.reads.RecordInviteLink(ctx, "c", *link)
	env.Emulator.ResetStats()
	got, err := data.reads.OrganizationInviteLink(ctx, env.OrgID, link.ID)
	if err != nil || got.Role != client.RoleEdit {
		t.Fatalf("read after the create: %+v, %v", got, err)
	}
	if stats := env.Emulator.Stats().ByRoute; len(stats) != 0 {
		t.Errorf("the read after the create made requests %v, want none", stats)
	}
	if _, err := env.Admin.DeleteInviteLink(ctx, env.OrgID, link.ID); err != nil {
		t.Fatal(err)
	}
	data.reads.ForgetInviteLink(ctx, env.OrgID, link.ID)
	env.Emulator.ResetStats()
	if _, err := data.reads.OrganizationInviteLink(ctx, "c", link.ID); !client.IsNotFound(err) {
		t.Errorf("read after the deletion: %v, want the API's 404", err)
	}
	if got := env.Emulator.Stats().ByRoute[routeGetInviteLink]; got != 1 {
		t.Errorf("the read after the deletion made %d GETs, want 1", got)
	}
}
