package client_test

// The numbered listing of sub-organizations: where it ends, duplicates, sub-organizations created
// while it runs, cancellation, and the page-level methods.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// fakeListing answers GET /orgs/{org_id}/orgs from fixed pages of IDs (page n is pages[n-1]; past
// them: []). before, when set, runs first; it may hold the request or answer it itself, and then
// returns false.
type fakeListing struct {
	pages  [][]string
	before func(w http.ResponseWriter, r *http.Request, page int) bool

	mu   sync.Mutex
	hits map[int]int // requests per page number
}

func (f *fakeListing) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	page, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || r.URL.Query().Get("take") != strconv.Itoa(client.SubOrgPageSize) {
		http.Error(w, "bad page or take", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	if f.hits == nil {
		f.hits = map[int]int{}
	}
	f.hits[page]++
	f.mu.Unlock()
	if f.before != nil && !f.before(w, r, page) {
		return
	}
	items := []client.SubOrg{}
	if page <= len(f.pages) {
		for _, id := range f.pages[page-1] {
			items = append(items, client.SubOrg{ID: id})
		}
	}
	_ = json.NewEncoder(w).Encode(items)
}

// highestPage is the highest page number requested.
func (f *fakeListing) highestPage() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Max(slices.Collect(maps.Keys(f.hits)))
}

// idRange is prefix0000, prefix0001... for from <= i < to.
func idRange(prefix string, from, to int) []string {
	var ids []string
	for i := from; i < to; i++ {
		ids = append(ids, fmt.Sprintf("%s%04d", prefix, i))
	}
	return ids
}

func newFakeClient(t *testing.T, h http.Handler) *client.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{BaseURL: srv.URL, Token: "fake-token", MaxRetries: client.DefaultMaxRetries,
		MinRetryWait: time.Millisecond, MaxRetryWait: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// visitedPage is one call of visit.
type visitedPage struct {
	page int
	ids  []string
}

// visitAll runs VisitSubOrgPages and records every call of visit.
func visitAll(ctx context.Context, c *client.Client, orgID string) ([]visitedPage, error) {
	var visited []visitedPage
	err := c.VisitSubOrgPages(ctx, orgID, func(page int, subOrgs []client.SubOrg) error {
		v := visitedPage{page: page, ids: []string{}}
		for _, so := range subOrgs {
			v.ids = append(v.ids, so.ID)
		}
		visited = append(visited, v)
		return nil
	})
	return visited, err
}

// visitFake lists a fakeListing of pages through VisitSubOrgPages, and returns what visit got and
// the client.
func visitFake(t *testing.T, pages ...[]string) ([]visitedPage, *client.Client) {
	t.Helper()
	c := newFakeClient(t, &fakeListing{pages: pages})
	visited, err := visitAll(ctx(t), c, "org")
	if err != nil {
		t.Fatal(err)
	}
	return visited, c
}

// The first page shorter than take is the last: a later page that is not empty (here page 3, as a
// listing that changed under the window could answer) is neither visited nor returned.
func TestSubOrgListingEndsAtFirstShortPage(t *testing.T) {
	visited, c := visitFake(t, idRange("a", 0, 100), idRange("a", 100, 140), idRange("z", 0, 100))
	want := []visitedPage{{1, idRange("a", 0, 100)}, {2, idRange("a", 100, 140)}}
	if !slices.EqualFunc(visited, want, func(a, b visitedPage) bool { return a.page == b.page && slices.Equal(a.ids, b.ids) }) {
		t.Errorf("visited %d pages: %+v; want pages 1 and 2 only", len(visited), visited)
	}
	all, err := c.ListSubOrgs(ctx(t), "org")
	if err != nil || len(all) != 140 || all[139].ID != "a0139" {
		t.Errorf("ListSubOrgs = %d sub-organizations, %v; want the 140 of pages 1 and 2", len(all), err)
	}
}

// An ID that two pages both answer is kept once, on the first of them.
func TestSubOrgListingDropsRepeats(t *testing.T) {
	visited, c := visitFake(t, idRange("a", 0, 100), idRange("a", 99, 199), idRange("a", 199, 221))
	if len(visited) != 3 || len(visited[1].ids) != 99 || visited[1].ids[0] != "a0100" {
		t.Fatalf("visited %+v; want page 2 without a0099, which page 1 had", visited)
	}
	all, err := c.ListSubOrgs(ctx(t), "org")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, so := range all {
		got = append(got, so.ID)
	}
	if want := idRange("a", 0, 221); !slices.Equal(got, want) {
		t.Errorf("listed %d IDs, want a0000..a0220 once each, in order", len(got))
	}
}

// blockingListing answers page 1 with 100 IDs and holds every other page until its request is
// cancelled, except the pages fail answers at once with a 404, once every other page of the first
// window is held.
type blockingListing struct {
	fakeListing
	held      chan int // a page number for each request held
	nHeld     atomic.Int32
	cancelled atomic.Int32
}

func newBlockingListing(t *testing.T, fail func(page int) bool) *blockingListing {
	b := &blockingListing{held: make(chan int, 1000)}
	release := make(chan struct{}) // in case the client never cancels: the server must still close
	t.Cleanup(func() { close(release) })
	b.pages = [][]string{idRange("a", 0, 100)}
	b.before = func(w http.ResponseWriter, r *http.Request, page int) bool {
		switch {
		case page == 1:
			return true
		case fail(page):
			for b.nHeld.Load() < client.DefaultPageConcurrency-1 {
				time.Sleep(time.Millisecond)
			}
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error":{"code":404,"message":"page gone"}}`))
			return false
		}
		b.nHeld.Add(1)
		b.held <- page
		select {
		case <-r.Context().Done():
			b.cancelled.Add(1)
		case <-release:
		}
		return false
	}
	return b
}

// waitCancelled waits until every held request has seen its cancellation.
func (b *blockingListing) waitCancelled(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); b.cancelled.Load() < b.nHeld.Load(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests held, only %d cancelled", b.nHeld.Load(), b.cancelled.Load())
		}
	}
}

// runBounded runs f and fails the test if it takes more than 10 seconds, as a listing that waits for
// fetches nobody cancelled would.
func runBounded(t *testing.T, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("the listing is still waiting for its page fetches 10s later: they were not cancelled")
		return nil
	}
}

// A visit that fails cancels the page fetches under way, and is not followed by another visit.
func TestFailingVisitCancelsFetches(t *testing.T) {
	b := newBlockingListing(t, func(int) bool { return false })
	c := newFakeClient(t, b)
	boom := errors.New("boom")
	var visits atomic.Int32
	err := runBounded(t, func() error {
		return c.VisitSubOrgPages(ctx(t), "org", func(int, []client.SubOrg) error {
			visits.Add(1)
			<-b.held // fail while the next window's fetches are under way
			return boom
		})
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the visit's error", err)
	}
	b.waitCancelled(t)
	if n := visits.Load(); n != 1 {
		t.Errorf("visit called %d times, want once", n)
	}
	if highest := b.highestPage(); highest > 1+client.DefaultPageConcurrency {
		t.Errorf("fetched up to page %d after the visit failed", highest)
	}
}

// A page that fails cancels the other fetches of its window, and no page after page 1 is visited.
func TestFailingFetchCancelsOtherFetches(t *testing.T) {
	b := newBlockingListing(t, func(page int) bool { return page == 3 })
	c := newFakeClient(t, b)
	var visited []int
	err := runBounded(t, func() error {
		return c.VisitSubOrgPages(ctx(t), "org", func(page int, _ []client.SubOrg) error {
			visited = append(visited, page)
			return nil
		})
	})
	if !client.IsNotFound(err) {
		t.Fatalf("err = %v, want the 404 of page 3", err)
	}
	b.waitCancelled(t)
	if b.nHeld.Load() != client.DefaultPageConcurrency-1 {
		t.Errorf("%d requests held, want the window's other %d", b.nHeld.Load(), client.DefaultPageConcurrency-1)
	}
	if !slices.Equal(visited, []int{1}) {
		t.Errorf("visited pages %v, want only page 1", visited)
	}
}

// listedIDs lists orgID's sub-organizations through VisitSubOrgPages, checks that pages come as 1,
// 2, 3... and that no ID comes twice, and returns the IDs in order.
func listedIDs(t *testing.T, c *client.Client, orgID string) []string {
	t.Helper()
	visited, err := visitAll(ctx(t), c, orgID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	seen := map[string]bool{}
	for i, v := range visited {
		if v.page != i+1 {
			t.Fatalf("visit %d got page %d", i+1, v.page)
		}
		for _, id := range v.ids {
			if seen[id] {
				t.Fatalf("%s listed twice", id)
			}
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

// wantAllListed checks that every ID of before is among listed.
func wantAllListed(t *testing.T, before []client.SubOrg, listed []string) {
	t.Helper()
	got := map[string]bool{}
	for _, id := range listed {
		got[id] = true
	}
	var lost []string
	for _, so := range before {
		if !got[so.ID] {
			lost = append(lost, so.ID)
		}
	}
	if len(lost) > 0 {
		t.Errorf("%d sub-organizations that existed throughout the listing are missing: %v", len(lost), lost)
	}
}

// isPageRequest reports whether r asks for a page of sub-organizations.
func isPageRequest(r *http.Request) bool {
	return r.Method == http.MethodGet && r.URL.Query().Has("take")
}

// The case that loses a sub-organization when nothing checks for it: page 3 is answered, then a
// sub-organization is created before all others, then page 2 is answered. Page 2's last
// sub-organization has moved to page 3, which was read before it moved there.
func TestSubOrgListingSurvivesCreationBetweenPagesAnsweredOutOfOrder(t *testing.T) {
	// 250 + 3: the window's second page is the last; 1500 + 3: the window is full, and the next one
	// holds the last page.
	for _, generated := range []int{250, 1500} {
		t.Run(strconv.Itoa(generated), func(t *testing.T) {
			var armed, arranged atomic.Bool
			var once sync.Once
			page3Answered := make(chan struct{})
			w := newWrappedWorld(t, emulator.Options{GeneratedSubOrgs: generated}, func(emu *emulator.Server) http.Handler {
				return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
					page := r.URL.Query().Get("page")
					switch {
					case !isPageRequest(r) || !armed.Load():
					case page == "2":
						select {
						case <-page3Answered:
						case <-time.After(10 * time.Second):
							t.Error("page 3 was not requested while page 2 was held")
						}
						if _, err := emu.AddSubOrg(emulator.DefaultParentOrgID, emulator.FixtureSubOrg{
							ID: "org_0_first", Name: "Created before all others",
							CreatedAt: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
						}); err != nil {
							t.Error(err)
						}
						armed.Store(false)
						arranged.Store(true)
					case page == "3":
						emu.ServeHTTP(rw, r)
						once.Do(func() { close(page3Answered) })
						return
					}
					emu.ServeHTTP(rw, r)
				})
			})
			before, err := w.admin.ListSubOrgs(ctx(t), emulator.DefaultParentOrgID)
			if err != nil {
				t.Fatal(err)
			}
			armed.Store(true)
			listed := listedIDs(t, w.admin, emulator.DefaultParentOrgID)
			if !arranged.Load() {
				t.Fatal("the listing did not run into the arranged creation")
			}
			wantAllListed(t, before, listed)
		})
	}
}

// Sub-organizations are created, at random places in the order, all through listings of a few
// thousand: every listing still holds each sub-organization that existed throughout, once.
func TestSubOrgListingWhileCreating(t *testing.T) {
	var mu sync.Mutex
	var created int
	var places []time.Time // created_at of existing sub-organizations: a new one sorts just before
	rnd := rand.New(rand.NewPCG(1, 2))
	create := func(emu *emulator.Server) {
		mu.Lock()
		defer mu.Unlock()
		if len(places) == 0 {
			return
		}
		created++
		// The id sorts below org_acme_... and org_gen_...: the new one comes just before the
		// sub-organization whose created_at it borrows.
		if _, err := emu.AddSubOrg(emulator.DefaultParentOrgID, emulator.FixtureSubOrg{
			ID: fmt.Sprintf("org_0_new_%05d", created), Name: "Created while listing",
			CreatedAt: places[rnd.IntN(len(places))],
		}); err != nil {
			t.Error(err)
		}
	}
	// Each page request creates one sub-organization, before or after it is answered; the latency
	// lets the requests of a window, and so the creations, overtake one another.
	w := newWrappedWorld(t, emulator.Options{GeneratedSubOrgs: 3000, Latency: time.Millisecond}, func(emu *emulator.Server) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			after := rand.N(2) == 0
			if isPageRequest(r) && !after {
				create(emu)
			}
			emu.ServeHTTP(rw, r)
			if isPageRequest(r) && after {
				create(emu)
			}
		})
	})
	before, err := w.admin.ListSubOrgs(ctx(t), emulator.DefaultParentOrgID)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	for _, so := range before {
		places = append(places, so.CreatedAt) // from now on, page requests create
	}
	mu.Unlock()
	for range 2 {
		wantAllListed(t, before, listedIDs(t, w.admin, emulator.DefaultParentOrgID))
	}
	mu.Lock()
	defer mu.Unlock()
	if created == 0 {
		t.Fatal("nothing was created during the listings")
	}
}

func TestSubOrgPage(t *testing.T) {
	w := newWorld(t, emulator.Options{GeneratedSubOrgs: 250})
	all, err := w.admin.ListSubOrgs(ctx(t), emulator.DefaultParentOrgID)
	if err != nil {
		t.Fatal(err)
	}
	var paged []client.SubOrg
	for page, want := range []int{100, 100, 53, 0} {
		got, err := w.admin.SubOrgPage(ctx(t), emulator.DefaultParentOrgID, page+1)
		if err != nil || len(got) != want || got == nil {
			t.Fatalf("page %d: %d sub-organizations (nil: %v), %v; want %d", page+1, len(got), got == nil, err, want)
		}
		paged = append(paged, got...)
	}
	if !slices.EqualFunc(paged, all, func(a, b client.SubOrg) bool { return a.ID == b.ID }) {
		t.Error("the pages one by one differ from the listing")
	}
	w.emu.ResetStats()
	if _, err := w.admin.SubOrgPage(ctx(t), emulator.DefaultParentOrgID, 0); err == nil {
		t.Error("page 0: want an error")
	}
	if n := w.emu.Stats().Total; n != 0 {
		t.Errorf("page 0 sent %d requests", n)
	}
}

// InviteLinkPage asks for the largest limit and the page it is given, and a next without a token
// ends the listing like an absent one.
func TestInviteLinkPageRequestAndEnd(t *testing.T) {
	var query url.Values
	c := newFakeClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.Query()
		_, _ = w.Write([]byte(`{"items": [{"object": "invite", "id": "inv_1", "role": "read"}], "next": {"page": ""}, "count": 1}`))
	}))
	page, err := c.InviteLinkPage(ctx(t), "org", "after 7/8")
	if err != nil || len(page.Items) != 1 || page.Count != 1 || page.Next != nil {
		t.Fatalf("InviteLinkPage = %+v, %v; want one link, count 1 and no next", page, err)
	}
	if query.Get("limit") != strconv.Itoa(client.TokenPageLimit) || query.Get("page") != "after 7/8" {
		t.Errorf("query %v, want limit %d and the page token as given", query, client.TokenPageLimit)
	}
	if _, err := c.InviteLinkPage(ctx(t), "org", ""); err != nil || query.Has("page") {
		t.Errorf("first page: query %v, %v; want no page parameter", query, err)
	}
}
