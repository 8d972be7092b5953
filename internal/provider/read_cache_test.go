package provider

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// fakeListings is an organization with subOrgs sub-organizations and links organization-wide invite
// links, served to a readCache with requestLatency per request and counted by kind.
type fakeListings struct {
	subOrgs []client.SubOrg
	links   []client.InviteLink

	gets, pages atomic.Int64
}

const fakeOrgID = "org_parent"

// requestLatency is what every fake request takes, on synctest's clock.
const requestLatency = 50 * time.Millisecond

func newFakeListings(subOrgs, links int) *fakeListings {
	f := &fakeListings{}
	for i := range subOrgs {
		f.subOrgs = append(f.subOrgs, client.SubOrg{ID: fmt.Sprintf("org_%05d", i)})
	}
	for i := range links {
		f.links = append(f.links, client.InviteLink{Object: "invite", ID: fmt.Sprintf("inv_%05d", i), Role: client.RoleRead})
	}
	return f
}

func (f *fakeListings) readCache() *readCache {
	c := newReadCache(nil, true)
	c.getSubOrg = func(_ context.Context, _, id string) (*client.SubOrg, error) {
		f.gets.Add(1)
		time.Sleep(requestLatency)
		for _, so := range f.subOrgs {
			if so.ID == id {
				return &so, nil
			}
		}
		return nil, &client.APIError{StatusCode: http.StatusNotFound, Message: "no such sub-organization"}
	}
	c.subOrgPage = func(_ context.Context, _ string, page int) ([]client.SubOrg, error) {
		f.pages.Add(1)
		time.Sleep(requestLatency)
		from := min((page-1)*client.SubOrgPageSize, len(f.subOrgs))
		return f.subOrgs[from:min(from+client.SubOrgPageSize, len(f.subOrgs))], nil
	}
	c.getInviteLink = func(_ context.Context, _, id string) (*client.InviteLink, error) {
		f.gets.Add(1)
		time.Sleep(requestLatency)
		for _, l := range f.links {
			if l.ID == id {
				return &l, nil
			}
		}
		return nil, &client.APIError{StatusCode: http.StatusNotFound, Message: "no such link"}
	}
	c.inviteLinkPage = func(_ context.Context, _, token string) (*client.ListPage[client.InviteLink], error) {
		f.pages.Add(1)
		time.Sleep(requestLatency)
		from := 0
		if token != "" {
			from, _ = strconv.Atoi(token)
		}
		to := min(from+client.TokenPageLimit, len(f.links))
		page := &client.ListPage[client.InviteLink]{Items: f.links[from:to], Count: len(f.links)}
		if to < len(f.links) {
			page.Next = &client.PageNext{Page: strconv.Itoa(to)}
		}
		return page, nil
	}
	return c
}

func (f *fakeListings) requests() int64 { return f.gets.Load() + f.pages.Load() }

// wantRequests reports whether f has served exactly pages pages and gets GETs, and fails t saying
// what it served when not; why names the requests wanted.
func (f *fakeListings) wantRequests(t *testing.T, pages, gets int64, why string) bool {
	t.Helper()
	if f.pages.Load() == pages && f.gets.Load() == gets {
		return true
	}
	t.Errorf("%d pages and %d GETs, want %d pages and %d GETs: %s", f.pages.Load(), f.gets.Load(), pages, gets, why)
	return false
}

// fakeRead is one resource's Read: a membership's sub-organization or an organization link, after
// before, the time its worker spends on other work first.
type fakeRead struct {
	subOrgID, linkID string
	before           time.Duration
	check            bool // a plan-time check (SubOrgAsRead) rather than a Read
}

// refresh reads every one of reads through c the way Terraform does, with `parallelism` workers,
// and checks that each Read got its own object.
func refresh(t *testing.T, c *readCache, reads []fakeRead, parallelism int) {
	t.Helper()
	ctx := t.Context()
	work := make(chan fakeRead)
	var wg sync.WaitGroup
	for range parallelism {
		wg.Go(func() {
			for r := range work {
				time.Sleep(r.before)
				if r.subOrgID != "" {
					read := c.SubOrg
					if r.check {
						read = c.SubOrgAsRead
					}
					so, err := read(ctx, fakeOrgID, r.subOrgID)
					if err != nil || so.ID != r.subOrgID {
						t.Errorf("read of sub-organization %s: got %v, %v", r.subOrgID, so, err)
					}
					continue
				}
				link, err := c.OrganizationInviteLink(ctx, fakeOrgID, r.linkID)
				if err != nil || link.ID != r.linkID {
					t.Errorf("read of link %s: got %v, %v", r.linkID, link, err)
				}
			}
		})
	}
	for _, r := range reads {
		work <- r
	}
	close(work)
	wg.Wait()
}

// fakeConfig is a configuration of memberships and links picked at random from f, in a random order.
func (f *fakeListings) fakeConfig(rng *rand.Rand, memberships, links int) []fakeRead {
	var reads []fakeRead
	for _, i := range rng.Perm(len(f.subOrgs))[:memberships] {
		reads = append(reads, fakeRead{subOrgID: f.subOrgs[i].ID})
	}
	for _, i := range rng.Perm(len(f.links))[:links] {
		reads = append(reads, fakeRead{linkID: f.links[i].ID})
	}
	rng.Shuffle(len(reads), func(i, j int) { reads[i], reads[j] = reads[j], reads[i] })
	return reads
}

// The rule never spends more than one request per Read, but for at most one first page per
// organization listing that the Reads waiting for it could not use; and a configuration that is large
// next to its organization costs a few pages.
func TestReadCache_costIsBoundedByOneRequestPerRead(t *testing.T) {
	for _, tc := range []struct {
		subOrgs, links, memberships, linkReads int
		parallelism                            int
		maxRequests                            int64 // beyond the bound of one per Read
	}{
		// A small configuration in a large organization: one GET per resource, nothing listed.
		{subOrgs: 10_000, links: 2_500, memberships: 1, linkReads: 1, parallelism: 10, maxRequests: 2},
		{subOrgs: 10_000, links: 2_500, memberships: 0, linkReads: 1, parallelism: 10, maxRequests: 1},
		// A large configuration in an organization of a few pages: the pages and little else.
		{subOrgs: 153, links: 300, memberships: 150, linkReads: 300, parallelism: 10, maxRequests: 22},
		{subOrgs: 503, links: 500, memberships: 500, linkReads: 500, parallelism: 10, maxRequests: 50},
		{subOrgs: 503, links: 0, memberships: 500, linkReads: 0, parallelism: 10, maxRequests: 50},
		// Between the two, and one Read at a time.
		{subOrgs: 10_000, links: 2_500, memberships: 10, linkReads: 10, parallelism: 10},
		{subOrgs: 10_000, links: 2_500, memberships: 300, linkReads: 300, parallelism: 10},
		{subOrgs: 250, links: 1_200, memberships: 20, linkReads: 20, parallelism: 10},
		{subOrgs: 503, links: 500, memberships: 50, linkReads: 50, parallelism: 1},
	} {
		name := fmt.Sprintf("%d of %d sub-orgs, %d of %d links, parallelism %d", tc.memberships, tc.subOrgs,
			tc.linkReads, tc.links, tc.parallelism)
		t.Run(name, func(t *testing.T) {
			for seed := range uint64(5) {
				synctest.Test(t, func(t *testing.T) {
					f := newFakeListings(tc.subOrgs, tc.links)
					reads := f.fakeConfig(rand.New(rand.NewPCG(seed, 1)), tc.memberships, tc.linkReads)
					refresh(t, f.readCache(), reads, tc.parallelism)
					listings := int64(min(tc.memberships, 1) + min(tc.linkReads, 1))
					if got, bound := f.requests(), int64(len(reads))+listings; got > bound {
						t.Errorf("seed %d: %d requests (%d GETs, %d pages) for %d Reads; the bound is %d",
							seed, got, f.gets.Load(), f.pages.Load(), len(reads), bound)
					}
					t.Logf("seed %d: %d requests (%d GETs, %d pages) for %d Reads", seed, f.requests(), f.gets.Load(), f.pages.Load(), len(reads))
					if tc.maxRequests > 0 && f.requests() > tc.maxRequests {
						t.Errorf("seed %d: %d requests (%d GETs, %d pages), want at most %d",
							seed, f.requests(), f.gets.Load(), f.pages.Load(), tc.maxRequests)
					}
				})
			}
		})
	}
}

// A lone Read of an organization makes its own GET at once: Reads that come one at a time are not
// slowed down, and no listing is fetched for them.
func TestReadCache_loneReadsGetAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeListings(10_000, 0)
		c := f.readCache()
		const reads = 7
		start := time.Now()
		for i := range reads {
			refresh(t, c, []fakeRead{{subOrgID: fmt.Sprintf("org_%05d", 1000*i)}}, 1)
		}
		if took, want := time.Since(start), reads*requestLatency; took != want {
			t.Errorf("%d lone Reads took %s, want %d requests: %s", reads, took, reads, want)
		}
		f.wantRequests(t, 0, reads, "one GET per lone Read")
	})
}

// Reads that trickle in, as membership creates do between the other creates of an apply, still find
// company in another Read under way, and a listing of a few pages answers them.
func TestReadCache_tricklingReadsShareTheListing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeListings(153, 0)
		c := f.readCache()
		rng := rand.New(rand.NewPCG(1, 1))
		var reads []fakeRead
		for _, i := range rng.Perm(150) {
			// Each worker creates a link or two first: the Reads arrive spread out.
			reads = append(reads, fakeRead{subOrgID: f.subOrgs[i].ID, before: time.Duration(1+rng.IntN(3)) * requestLatency / 2})
		}
		refresh(t, c, reads, 10)
		if f.requests() > 10 {
			t.Errorf("%d requests (%d GETs, %d pages) for 150 Reads, want a few pages", f.requests(), f.gets.Load(), f.pages.Load())
		}
	})
}

// The plan-time checks of many creates in one organization share its listing as Reads do, and the
// ones it answers pay for its pages.
func TestReadCache_planChecksShareTheListing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeListings(503, 0)
		var checks []fakeRead
		for _, i := range rand.New(rand.NewPCG(2, 1)).Perm(500) {
			checks = append(checks, fakeRead{subOrgID: f.subOrgs[i].ID, check: true})
		}
		refresh(t, f.readCache(), checks, 10)
		if f.requests() > 25 {
			t.Errorf("%d requests (%d GETs, %d pages) for 500 checks, want a few pages", f.requests(), f.gets.Load(), f.pages.Load())
		}
	})
}

// Reads that arrive together share one page fetch (the first makes its own GET when it found no
// company as it arrived, which the scheduler decides); an organization of one page is then complete,
// and every later Read of it costs nothing, but one of an object the listing lacks, which is fetched
// on its own (an object created since, or gone).
func TestReadCache_readsTogetherShareTheFirstPage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeListings(80, 0)
		c := f.readCache()
		var reads []fakeRead
		for i := range 10 {
			reads = append(reads, fakeRead{subOrgID: fmt.Sprintf("org_%05d", i)})
		}
		refresh(t, c, reads, 10)
		gets := f.gets.Load()
		if f.pages.Load() != 1 || gets > 1 {
			t.Fatalf("%d pages and %d GETs, want 1 page and at most the first Read's GET", f.pages.Load(), gets)
		}
		refresh(t, c, []fakeRead{{subOrgID: "org_00042"}}, 1)
		if _, err := c.SubOrg(t.Context(), fakeOrgID, "org_99999"); !client.IsNotFound(err) {
			t.Errorf("a sub-organization the complete listing lacks: got %v, want the GET's 404", err)
		}
		f.wantRequests(t, 1, gets+1, "the GETs before and the one of the missing sub-organization")
	})
}

// The first page fetched for company is the one request per listing that the bound allows beyond one
// per Read, not a debt: after it, one Read answered pays for the next page. Terraform's walk order is
// no order of the listing, so the first page often answers none of the Reads that fetched it.
func TestReadCache_firstPageIsNoDebt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeListings(503, 0)
		c := f.readCache()
		// Two Reads together of sub-organizations on the third page: one GET at once, the other
		// fetches the first page, which lacks it, and makes its GET.
		refresh(t, c, []fakeRead{{subOrgID: "org_00250"}, {subOrgID: "org_00251"}}, 2)
		if !f.wantRequests(t, 1, 2, "the first page and a GET for each Read") {
			t.FailNow()
		}
		// The first page answers one Read, which pays for the second page: it answers the Reads of it.
		refresh(t, c, []fakeRead{{subOrgID: "org_00042"}, {subOrgID: "org_00142"}, {subOrgID: "org_00143"}, {subOrgID: "org_00144"}}, 1)
		f.wantRequests(t, 2, 2, "the second page and only the first 2 GETs")
	})
}

// What was read under one parent answers no check under another: being a child of one organization
// says nothing of the other.
func TestReadCache_readUnderOneParentAnswersNoOther(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeListings(10, 0)
		c := f.readCache()
		get := c.getSubOrg
		var parents []string
		c.getSubOrg = func(ctx context.Context, parentID, id string) (*client.SubOrg, error) {
			parents = append(parents, parentID)
			if parentID != fakeOrgID {
				return nil, &client.APIError{StatusCode: http.StatusNotFound, Message: "not a child"}
			}
			return get(ctx, parentID, id)
		}
		if _, err := c.SubOrgAsRead(t.Context(), fakeOrgID, "org_00001"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.SubOrgAsRead(t.Context(), "org_other", "org_00001"); !client.IsNotFound(err) {
			t.Errorf("the check under another parent: got %v, want its own GET's 404", err)
		}
		if want := []string{fakeOrgID, "org_other"}; fmt.Sprint(parents) != fmt.Sprint(want) {
			t.Errorf("GETs under %v, want %v", parents, want)
		}
	})
}

// A page counts the Reads it answers as it lands, before they wake: waking in whatever order, a Read
// that the page does not answer sees the balance the others pay in, and fetches the next page
// instead of making its own GET.
func TestReadCache_pageCountsItsReadsAsItLands(t *testing.T) {
	for seed := range uint64(5) {
		synctest.Test(t, func(t *testing.T) {
			f := newFakeListings(503, 0)
			c := f.readCache()
			reads := []fakeRead{{subOrgID: "org_00010"}, {subOrgID: "org_00011"}} // on the first page
			for i := range 8 {
				reads = append(reads, fakeRead{subOrgID: fmt.Sprintf("org_%05d", 150+i)}) // on the second
			}
			rand.New(rand.NewPCG(seed, 3)).Shuffle(len(reads), func(i, j int) { reads[i], reads[j] = reads[j], reads[i] })
			refresh(t, c, reads, len(reads))
			if f.pages.Load() != 2 || f.gets.Load() > 1 {
				t.Errorf("seed %d: %d pages and %d GETs, want 2 pages and at most the first Read's GET", seed, f.pages.Load(), f.gets.Load())
			}
		})
	}
}

// What a Read or check answered, the checks and the creation guard after it take from what this
// process read: one read per sub-organization, and it counts once toward the listing's balance.
func TestReadCache_checkThenGuardReadOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeListings(50, 0)
		c := f.readCache()
		ctx := t.Context()
		for _, id := range []string{"org_00001", "org_00001"} { // a lone check, then the guard
			if so, err := c.SubOrgAsRead(ctx, fakeOrgID, id); err != nil || so.ID != id {
				t.Fatalf("read %s: got %+v, %v", id, so, err)
			}
		}
		if !f.wantRequests(t, 0, 1, "one GET for a check and a guard of one sub-organization") {
			t.FailNow()
		}
		// Checks together fetch the first page; the guards after them count nothing more.
		var checks []fakeRead
		for i := 2; i < 12; i++ {
			checks = append(checks, fakeRead{subOrgID: fmt.Sprintf("org_%05d", i), check: true})
		}
		refresh(t, c, checks, 10)
		answered := c.answered
		refresh(t, c, checks, 10)
		if c.answered != answered || f.pages.Load() != 1 {
			t.Errorf("the guards after the checks: %d Reads answered (was %d), %d pages; want no more of either", c.answered, answered, f.pages.Load())
		}
	})
}

// Once the link listing's first page says how many remain, the rest is fetched only when the Reads
// waiting for it pay for all of it.
func TestReadCache_knownRemainderIsFetchedWhenPaidFor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeListings(0, 2_500) // three pages of 1,000
		c := f.readCache()
		// Two Reads of links on the last page: the first page answers neither, and two Reads do not
		// pay for the two pages left.
		refresh(t, c, []fakeRead{{linkID: "inv_02400"}, {linkID: "inv_02401"}}, 2)
		if !f.wantRequests(t, 1, 2, "the first page and a GET for each Read") {
			t.FailNow()
		}
		// Reads the first page answers pay for the two pages left.
		var reads []fakeRead
		for i := range 5 {
			reads = append(reads, fakeRead{linkID: fmt.Sprintf("inv_%05d", i)})
		}
		reads = append(reads, fakeRead{linkID: "inv_02000"})
		refresh(t, c, reads, 1)
		f.wantRequests(t, 3, 2, "the 3 pages and only the first 2 GETs")
	})
}

// A join recorded by this process is what a later read or plan-time check of that sub-organization
// returns, and a leave makes the next one fetch it: within one apply, a membership's replacement leaves and joins
// again after other creates may have fetched the listing.
func TestReadCache_recordedWritesAreRead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeListings(10, 0)
		c := f.readCache()
		refresh(t, c, []fakeRead{{subOrgID: "org_00001"}, {subOrgID: "org_00002"}}, 2)
		gets := f.gets.Load() // the first Read's, unless the two arrived at once
		joined := client.SubOrg{ID: "org_00003", Members: []client.SubOrgMember{{UserID: "usr_me", Role: client.OrgRoleStaff}}}
		c.RecordSubOrg(joined)
		so, err := c.SubOrg(t.Context(), fakeOrgID, "org_00003")
		if err != nil || len(so.Members) != 1 {
			t.Errorf("read after a join: got %+v, %v; want the joined sub-organization", so, err)
		}
		if checked, err := c.SubOrgAsRead(t.Context(), fakeOrgID, "org_00003"); err != nil || len(checked.Members) != 1 {
			t.Errorf("a plan-time check after a join: got %+v, %v; want the joined sub-organization", checked, err)
		}
		c.ForgetSubOrg("org_00003")
		so, err = c.SubOrgAsRead(t.Context(), fakeOrgID, "org_00003")
		if err != nil || len(so.Members) != 0 {
			t.Errorf("read after a leave: got %+v, %v; want the sub-organization as the API has it", so, err)
		}
		f.wantRequests(t, 1, gets+1, "the one page, the GETs before and one after the leave")
	})
}

// With batching off every Read is one GET.
func TestReadCache_disabled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeListings(100, 100)
		c := f.readCache()
		c.enabled = false
		reads := f.fakeConfig(rand.New(rand.NewPCG(1, 1)), 50, 50)
		refresh(t, c, reads, 10)
		f.wantRequests(t, 0, 100, "one GET per Read")
	})
}
