package readcache

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

const latency = 50 * time.Millisecond

// readAll reads ids of org through c with `parallelism` workers, as Terraform's refresh does, and
// checks that each Read got its object (or, for ids in missing, a 404).
func readAll(t *testing.T, c *Cache[obj], org string, ids []string, parallelism int, missing ...string) {
	t.Helper()
	readAllWith(t, c.Read, org, ids, parallelism, missing...)
}

// checkAll is readAll for plan-time checks or creation guards, which take the latest.
func checkAll(t *testing.T, c *Cache[obj], org string, ids []string, parallelism int) {
	t.Helper()
	readAllWith(t, c.Latest, org, ids, parallelism)
}

func readAllWith(t *testing.T, read func(ctx context.Context, org, id string) (obj, error), org string, ids []string, parallelism int, missing ...string) {
	t.Helper()
	absent := map[string]bool{}
	for _, id := range missing {
		absent[id] = true
	}
	work := make(chan string)
	var wg sync.WaitGroup
	for range parallelism {
		wg.Go(func() {
			for id := range work {
				got, err := read(t.Context(), org, id)
				switch {
				case absent[id] && !errors.Is(err, errNotFound):
					t.Errorf("read of the missing %s: %v, %v; want a 404", id, got, err)
				case !absent[id] && (err != nil || got.ID != id):
					t.Errorf("read of %s: %v, %v", id, got, err)
				}
			}
		})
	}
	for _, id := range ids {
		work <- id
	}
	close(work)
	wg.Wait()
}

// A lone Read makes its own GET at once, in a large organization as in any: one request, one
// latency, no page.
func TestCache_loneReadGetsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeAPI(true, 100, latency)
		ids := f.addObjects("org_big", 10_000)
		c := f.cache()
		for _, id := range []string{ids[5000], ids[42], ids[9999]} {
			start := time.Now()
			readAll(t, c, "org_big", []string{id}, 1)
			if took := time.Since(start); took != latency {
				t.Errorf("a lone Read took %s, want one request: %s", took, latency)
			}
		}
		if got := f.requestsOf("org_big"); got != 3 {
			t.Errorf("%d requests for 3 lone Reads, want 3 GETs", got)
		}
	})
}

// parentOrganization is org_parent, of n objects, which c also names, and a cache reading it.
func parentOrganization(n int) (f *fakeAPI, c *Cache[obj], ids []string) {
	f = newFakeAPI(true, 100, latency)
	f.aliases["c"] = "org_parent"
	ids = f.addObjects("org_parent", n)
	return f, f.cache(), ids
}

// smallAndLargeOrganizations are org_small, of 150 objects (two pages), and org_big, of 10,000, and
// a cache reading them.
func smallAndLargeOrganizations() (f *fakeAPI, c *Cache[obj], small, big []string) {
	f = newFakeAPI(true, 100, latency)
	small, big = f.addObjects("org_small", 150), f.addObjects("org_big", 10_000)
	return f, f.cache(), small, big
}

// A lone Read never waits for another listing: its GET goes out while a page of another
// organization is under way (the old rule made it wait for that page first).
func TestCache_noReadWaitsForAnotherListing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, c, small, big := smallAndLargeOrganizations()
		var wg sync.WaitGroup
		wg.Go(func() { readAll(t, c, "org_small", small, 10) })
		time.Sleep(latency / 2) // the small organization's first page is under way
		start := time.Now()
		readAll(t, c, "org_big", []string{big[7000]}, 1)
		if took := time.Since(start); took != latency {
			t.Errorf("the lone Read took %s, want its GET alone: %s", took, latency)
		}
		wg.Wait()
		if got := f.requestsOf("org_big"); got != 1 {
			t.Errorf("%d requests in the large organization, want its one GET", got)
		}
	})
}

// No credit crosses listings: 150 Reads answered by a small organization's pages pay for nothing
// in a large one, where a Read makes its one GET (the old global balance fetched 41 pages of it).
func TestCache_noCreditCrossesListings(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, c, small, big := smallAndLargeOrganizations()
		readAll(t, c, "org_small", small, 10)
		var wg sync.WaitGroup
		wg.Go(func() { readAll(t, c, "org_small", small[:20], 10) })
		readAll(t, c, "org_big", []string{big[4100]}, 1)
		wg.Wait()
		if got := f.requestsOf("org_big"); got != 1 {
			t.Errorf("%d requests in the large organization, want its one GET", got)
		}
	})
}

// Reads of objects a listing lacks (links revoked outside Terraform) cost their GETs and at most
// the one first page: four Reads of missing links in an organization of three pages cost 5
// requests, not the 7 of the old known-remainder rule.
func TestCache_missingObjectsCostTheirGETs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeAPI(false, 1000, latency)
		f.addObjects("org_links", 2_500)
		c := f.cache()
		missing := []string{"gone_1", "gone_2", "gone_3", "gone_4"}
		readAll(t, c, "org_links", missing, 4, missing...)
		if got := f.requestsOf("org_links"); got > len(missing)+1 {
			t.Errorf("%d requests for %d Reads of missing links, want at most one more than the Reads", got, len(missing))
		}
	})
}

// A page requested before a leave (Forget) and landing after it does not answer for the object
// left: the Read after the leave reads it afresh. The leave is recorded under the shorthand and
// the page was fetched under the organization's ID: they meet once resolved.
func TestCache_forgetWinsOverAPageRequestedBefore(t *testing.T) {
	for _, spelling := range []string{"org_parent", "c"} {
		t.Run("leave under "+spelling, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f, c, ids := parentOrganization(80)
				left := ids[7]
				var wg sync.WaitGroup
				// Two Reads together fetch the first page; it is answered now and lands after latency.
				wg.Go(func() { readAll(t, c, "org_parent", []string{ids[30], ids[31]}, 2) })
				synctest.Wait()
				time.Sleep(latency / 2)
				version := f.change("org_parent", left, true) // the leave acts and lands
				c.Forget(t.Context(), spelling, left)
				wg.Wait() // the page has landed, with the object as it was before the leave
				got, err := c.Read(t.Context(), "org_parent", left)
				if err != nil || got.Version != version {
					t.Errorf("read after the leave: %v, %v; want version %d, read afresh", got, err, version)
				}
			})
		})
	}
}

// What this process wrote (Record) wins over a page requested before the write landed: it answers
// the checks and guards after it without a request, and a Read (a refresh) reads afresh.
func TestCache_recordWinsOverAPageRequestedBefore(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, c, ids := parentOrganization(80)
		joined := ids[7]
		var wg sync.WaitGroup
		wg.Go(func() { readAll(t, c, "org_parent", []string{ids[30], ids[31]}, 2) })
		synctest.Wait()
		time.Sleep(latency / 2)
		version := f.change("org_parent", joined, true)
		c.Record(t.Context(), "c", obj{ID: joined, Version: version})
		wg.Wait()
		before := f.requestsOf("org_parent")
		got, err := c.Latest(t.Context(), "org_parent", joined)
		if err != nil || got.Version != version {
			t.Errorf("check after the join: %v, %v; want the join's answer, version %d", got, err, version)
		}
		if after := f.requestsOf("org_parent"); after != before {
			t.Errorf("the check after the join made %d requests, want none", after-before)
		}
		if got, err := c.Read(t.Context(), "org_parent", joined); err != nil || got.Version != version {
			t.Errorf("read after the join: %v, %v; want version %d, read afresh", got, err, version)
		}
		if after := f.requestsOf("org_parent"); after != before+1 {
			t.Errorf("the read after the join made %d requests, want its GET", after-before)
		}
	})
}

// A write whose organization cannot be resolved forgets the object in every listing.
func TestCache_writeToAnUnresolvedOrganizationForgetsEverywhere(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, _, ids := parentOrganization(10)
		src := f.source()
		resolve := src.Resolve
		src.Resolve = func(ctx context.Context, org string) (string, error) {
			if org == "c" {
				return "", errors.New("GET /users/me failed")
			}
			return resolve(ctx, org)
		}
		c := New(src, true, time.Minute)
		readAll(t, c, "org_parent", ids[:3], 3)
		version := f.change("org_parent", ids[1], true)
		c.Record(t.Context(), "c", obj{ID: ids[1], Version: 99})
		got, err := c.Latest(t.Context(), "org_parent", ids[1])
		if err != nil || got.Version != version {
			t.Errorf("check after a write under an unresolved organization: %v, %v; want version %d, read afresh", got, err, version)
		}
		// A Read under the unresolved organization reads afresh.
		if got, err := c.Read(t.Context(), "c", ids[2]); err != nil || got.ID != ids[2] {
			t.Errorf("read under the unresolved organization: %v, %v", got, err)
		}
	})
}

// A Read or check answered once answers the checks and guards after it without a request, and
// counts once for the listing; a Read (a refresh) reads afresh what a check read with a GET.
func TestCache_readOnceAnswersTheChecksAfterIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, c, ids := parentOrganization(50)
		checkAll(t, c, "org_parent", ids[:1], 1) // a lone check: one GET
		checkAll(t, c, "org_parent", ids[:1], 1) // its guard: nothing
		if got := f.requestsOf("org_parent"); got != 1 {
			t.Fatalf("a check and its guard made %d requests, want one GET", got)
		}
		readAll(t, c, "org_parent", ids[:1], 1)
		if got := f.requestsOf("org_parent"); got != 2 {
			t.Fatalf("a Read after them made %d requests, want its own GET", got-1)
		}
		readAll(t, c, "org_parent", ids[1:11], 10)
		requests, reads := f.requestsOf("org_parent"), c.listings["org_parent"].reads
		checkAll(t, c, "org_parent", ids[:11], 10) // the guards
		if f.requestsOf("org_parent") != requests || c.listings["org_parent"].reads != reads {
			t.Errorf("the guards after the checks made %d requests and counted %d Reads, want none",
				f.requestsOf("org_parent")-requests, c.listings["org_parent"].reads-reads)
		}
	})
}

// With batching off, each Read is one GET, and what a write answered still answers the checks
// after it.
func TestCache_unbatched(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeAPI(true, 100, latency)
		ids := f.addObjects("org_parent", 100)
		c := New(f.source(), false, time.Minute)
		readAll(t, c, "org_parent", ids, 10)
		if got := f.requestsOf("org_parent"); got != len(ids) {
			t.Errorf("%d requests for %d Reads, want one GET each", got, len(ids))
		}
		c.Record(t.Context(), "org_parent", obj{ID: "joined", Version: 3})
		if got, err := c.Latest(t.Context(), "org_parent", "joined"); err != nil || got.Version != 3 {
			t.Errorf("check after a write: %v, %v", got, err)
		}
	})
}

// A Read cancelled while it waits for a page returns at once; the page still lands and answers
// the Reads after it.
func TestCache_cancelledReadReturns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, c, ids := parentOrganization(50)
		ctx, cancel := context.WithCancel(t.Context())
		var wg sync.WaitGroup
		var errs [2]error
		for i, id := range ids[10:12] {
			wg.Go(func() { _, errs[i] = c.Read(ctx, "org_parent", id) })
		}
		time.Sleep(latency / 2)
		cancel()
		wg.Wait()
		if !errors.Is(errs[0], context.Canceled) && !errors.Is(errs[1], context.Canceled) {
			t.Errorf("the cancelled Reads returned %v", errs)
		}
		synctest.Wait()
		time.Sleep(latency)
		before := f.requestsOf("org_parent")
		readAll(t, c, "org_parent", ids[20:30], 1)
		if got := f.requestsOf("org_parent") - before; got != 0 {
			t.Errorf("%d requests after the page landed, want none: it holds them all", got)
		}
	})
}

// The bound, over configurations from a small one in a large organization to a large one: per
// listing, requests <= Reads + 1; and a large configuration settles at a few pages.
func TestCache_costIsBoundedByOneRequestPerRead(t *testing.T) {
	for _, tc := range []struct {
		numbered            bool
		objects, reads, par int
		maxRequests         int // 0: the bound only
	}{
		{numbered: true, objects: 10_000, reads: 1, par: 10, maxRequests: 1},
		{numbered: false, objects: 2_500, reads: 1, par: 10, maxRequests: 1},
		{numbered: true, objects: 503, reads: 500, par: 10, maxRequests: 50},
		{numbered: false, objects: 500, reads: 500, par: 10, maxRequests: 5},
		{numbered: true, objects: 10_000, reads: 10, par: 10},
		{numbered: true, objects: 10_000, reads: 300, par: 10},
		{numbered: false, objects: 2_500, reads: 20, par: 10},
		{numbered: true, objects: 503, reads: 50, par: 1},
	} {
		kind := map[bool]string{true: "numbered", false: "token"}[tc.numbered]
		t.Run(fmt.Sprintf("%s, %d of %d, parallelism %d", kind, tc.reads, tc.objects, tc.par), func(t *testing.T) {
			for seed := range uint64(5) {
				synctest.Test(t, func(t *testing.T) {
					pageSize := map[bool]int{true: 100, false: 1000}[tc.numbered]
					f := newFakeAPI(tc.numbered, pageSize, latency)
					ids := f.addObjects("org", tc.objects)
					c := f.cache()
					shuffled := shuffledPick(seed, ids, tc.reads)
					readAll(t, c, "org", shuffled, tc.par)
					got := f.requestsOf("org")
					if bound := tc.reads + 1; got > bound {
						t.Errorf("seed %d: %d requests for %d Reads; the bound is %d", seed, got, tc.reads, bound)
					}
					if tc.maxRequests > 0 && got > tc.maxRequests {
						t.Errorf("seed %d: %d requests for %d Reads, want at most %d", seed, got, tc.reads, tc.maxRequests)
					}
				})
			}
		})
	}
}
