package provider

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// linksAPI is a stand-in API holding organization org_x's links: its listing, and a create that
// adds a link (and, when fail is set, answers 500 after adding it).
type linksAPI struct {
	mu    sync.Mutex
	links []client.InviteLink
	fail  bool
}

func (a *linksAPI) add(id string, role client.ContentRole) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.links = append(a.links, client.InviteLink{Object: "invite", ID: id, Role: role})
}

func (a *linksAPI) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orgs/org_x/link-invites", func(w http.ResponseWriter, _ *http.Request) {
		a.mu.Lock()
		defer a.mu.Unlock()
		_ = json.NewEncoder(w).Encode(client.ListPage[client.InviteLink]{Items: a.links, Count: len(a.links)})
	})
	mux.HandleFunc("POST /orgs/org_x/link-invites", func(w http.ResponseWriter, _ *http.Request) {
		a.mu.Lock()
		id := "inv_new" + string(rune('a'+len(a.links)))
		a.links = append(a.links, client.InviteLink{Object: "invite", ID: id, Role: client.RoleRead})
		fail := a.fail
		a.mu.Unlock()
		if fail {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(client.InviteLink{Object: "invite", ID: id, Role: client.RoleRead})
	})
	return mux
}

// A search after a failed create takes only a link of the role that appeared since the listing
// before the run's first create and that no create or search of the run recorded: one is adopted
// (and not offered to a later search), several are counted, none is none.
func TestOrgLinkCreationsSearch(t *testing.T) {
	api := &linksAPI{}
	api.add("inv_before", client.RoleRead)
	c := standInClient(t, api.handler())
	ctx := testContext(t)
	o := (&linkCreations{}).org("org_x")
	create := func() error {
		_, err := o.create(ctx, c, "org_x", func(ctx context.Context) (*client.InviteLink, error) {
			return c.CreateInviteLink(ctx, "org_x", client.NewInviteLinkRequest(client.RoleRead, "", ""))
		})
		return err
	}
	if err := create(); err != nil { // recorded: no search takes it
		t.Fatal(err)
	}
	api.mu.Lock()
	api.fail = true
	api.mu.Unlock()
	if err := create(); !client.MayHaveActed(err) {
		t.Fatalf("err = %v, want a 500", err)
	}
	api.add("inv_edit", client.RoleEdit) // another role: never a candidate
	if got := o.search(ctx, c, "org_x", client.RoleRead); got.err != nil || got.found == nil || len(got.candidates) != 0 {
		t.Fatalf("first search: %+v, want the one link the failed create made", got)
	}
	if got := o.search(ctx, c, "org_x", client.RoleRead); got.err != nil || got.found != nil || len(got.candidates) != 0 {
		t.Errorf("second search: %+v, want none: the first search adopted the link", got)
	}
	api.add("inv_other1", client.RoleRead)
	api.add("inv_other2", client.RoleRead)
	if got := o.search(ctx, c, "org_x", client.RoleRead); got.found != nil || len(got.candidates) != 2 ||
		fingerprints(got.candidates) != "…her1, …her2" {
		t.Errorf("third search: %+v, want the two that appeared, by their last 4 characters", got)
	}

	unlisted := (&linkCreations{}).org("org_y") // its listing fails: the stand-in has no such route
	if _, err := unlisted.create(ctx, c, "org_y", func(context.Context) (*client.InviteLink, error) { return &client.InviteLink{ID: "x"}, nil }); err != nil {
		t.Fatal(err)
	}
	if got := unlisted.search(ctx, c, "org_y", client.RoleRead); got.err == nil {
		t.Errorf("a search without the listing before the first create: %+v, want an error", got)
	}
}
