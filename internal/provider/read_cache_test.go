package provider

import (
	"context"
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

// heldPages is an emulator whose listing pages are answered when requested but delivered only once
// deliver is closed, and whose GETs of the objects named in holdUntilPage wait until a page has
// been requested: two Reads at once, each of one of those objects, then always fetch a page (the
// first waits in its GET, so the second finds it under way).
type heldPages struct {
	api                    *client.Client
	pageRequested, deliver chan struct{}
	requestedOnce          sync.Once
	holdUntilPage          []string
}

func newHeldPages(t *testing.T, opts emulator.Options, holdUntilPage ...string) *heldPages {
	h := &heldPages{pageRequested: make(chan struct{}), deliver: make(chan struct{}), holdUntilPage: holdUntilPage}
	_, url := serveEmulator(t, opts, h.interpose)
	h.api = (&testEnv{URL: url}).newClient(t, emulator.DefaultAdminToken)
	return h
}

func (h *heldPages) interpose(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := strings.TrimSuffix(r.URL.Path, "/")
		if r.Method == http.MethodGet && (strings.HasSuffix(path, "/orgs") || strings.HasSuffix(path, "/link-invites")) {
			answer := httptest.NewRecorder()
			next.ServeHTTP(answer, r) // answered now
			h.requestedOnce.Do(func() { close(h.pageRequested) })
			<-h.deliver
			maps.Copy(w.Header(), answer.Header())
			w.WriteHeader(answer.Code)
			_, _ = w.Write(answer.Body.Bytes())
			return
		}
		for _, id := range h.holdUntilPage {
			if r.Method == http.MethodGet && strings.HasSuffix(path, "/"+id) {
				<-h.pageRequested
			}
		}
		next.ServeHTTP(w, r)
	})
}

// readTogether reads ids at once with read, and waits until their Reads have fetched a page.
func (h *heldPages) readTogether(t *testing.T, read func(ctx context.Context, orgID, id string) error, ids ...string) *sync.WaitGroup {
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			if err := read(testContext(t), emulator.DefaultParentOrgID, id); err != nil {
				t.Error(err)
			}
		})
	}
	select {
	case <-h.pageRequested:
	case <-time.After(30 * time.Second):
		t.Fatal("two Reads at once did not fetch a page")
	}
	return &wg
}

// A leave recorded under the shorthand c wins over a page of the same organization requested under
// its ID before the leave and delivered after it: the cache resolves c through /users/me, and the
// read after the leave is fresh.
func TestReadCache_leaveUnderShorthandWinsOverPageUnderID(t *testing.T) {
	const joined = "org_gen_00008"
	h := newHeldPages(t, emulator.Options{GeneratedSubOrgs: 80}, "org_gen_00030", "org_gen_00031")
	ctx := testContext(t)
	if _, err := h.api.JoinSubOrg(ctx, emulator.DefaultParentOrgID, joined, client.OrgRoleStaff); err != nil {
		t.Fatal(err)
	}
	data := newProviderData(h.api, true)
	reads := h.readTogether(t, func(ctx context.Context, orgID, id string) error {
		_, err := data.reads.SubOrg(ctx, orgID, id)
		return err
	}, "org_gen_00030", "org_gen_00031")
	if err := h.api.LeaveSubOrg(ctx, "c", joined); err != nil {
		t.Fatal(err)
	}
	data.reads.ForgetSubOrg(ctx, "c", joined)
	close(h.deliver)
	reads.Wait()
	me, err := data.currentUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, read := range map[string]func(context.Context, string, string) (*client.SubOrg, error){
		"the creation guard": data.reads.SubOrgAsRead, "a refresh": data.reads.SubOrg,
	} {
		so, err := read(ctx, emulator.DefaultParentOrgID, joined)
		if err != nil {
			t.Fatal(err)
		}
		if m, ok := so.MemberByUserID(me.ID); ok {
			t.Errorf("%s after the leave sees the admin as %s: the page from before the leave won", name, m.Role)
		}
	}
}

// An invite link's update wins over a page requested before it and delivered after it: the
// refresh after it reads the link afresh. After a deletion, the refresh asks the API, which
// answers 404.
func TestReadCache_inviteLinkWritesWinOverPages(t *testing.T) {
	h := newHeldPages(t, emulator.Options{})
	ctx := testContext(t)
	var ids []string
	for range 3 {
		link, err := h.api.CreateInviteLink(ctx, emulator.DefaultParentOrgID, client.NewInviteLinkRequest(client.RoleRead, "", ""))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, link.ID)
	}
	h.holdUntilPage = ids[1:]
	data := newProviderData(h.api, true)
	reads := h.readTogether(t, func(ctx context.Context, orgID, id string) error {
		_, err := data.reads.OrganizationInviteLink(ctx, orgID, id)
		return err
	}, ids[1:]...)
	updated, err := h.api.UpdateInviteLink(ctx, emulator.DefaultParentOrgID, ids[0], client.UpdateInviteLinkRequest{Role: client.RoleEdit})
	if err != nil {
		t.Fatal(err)
	}
	data.reads.RecordInviteLink(ctx, "c", *updated)
	close(h.deliver)
	reads.Wait()
	if got, err := data.reads.OrganizationInviteLink(ctx, emulator.DefaultParentOrgID, ids[0]); err != nil || got.Role != client.RoleEdit {
		t.Errorf("the refresh after the update: %+v, %v; want role edit, not the page's read", got, err)
	}
	if _, err := h.api.DeleteInviteLink(ctx, emulator.DefaultParentOrgID, ids[1]); err != nil {
		t.Fatal(err)
	}
	data.reads.ForgetInviteLink(ctx, emulator.DefaultParentOrgID, ids[1])
	if _, err := data.reads.OrganizationInviteLink(ctx, "c", ids[1]); !client.IsNotFound(err) {
		t.Errorf("the refresh after the deletion: %v, want the API's 404", err)
	}
}
