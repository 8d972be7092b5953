package readcache

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"
)

// obj is what the fake API serves: an object at a version, which every change raises.
type obj struct {
	ID      string
	Version int
}

func objID(o obj) string { return o.ID }

var (
	errNotFound   = errors.New("404 no such object")
	errPageFailed = errors.New("503 the page failed")
)

// fakeAPI is the organizations of one kind of object, served with a latency per request on
// synctest's clock. An answer is what the API holds when the request arrives, delivered after the
// latency: a page may land after a write that acted after it was answered. Requests are counted
// by organization (resolved), and by the Read they were made for (the readKey in their context).
type fakeAPI struct {
	pageSize int
	numbered bool // numbered pages, else pages linked by a token
	aliases  map[string]string

	mu      sync.Mutex
	rng     *rand.Rand
	latency func(rng *rand.Rand) time.Duration
	// failPage is the probability that a page request fails.
	failPage float64
	orgs     map[string]*fakeOrg
	requests map[string]int // by organization: the pages and the GETs made for Reads
	byRead   map[int]*readRequests
	created  int
}

// fakeOrg is one organization's objects: every one it ever held, by ID, and the present ones in
// the listing's order.
type fakeOrg struct {
	objects map[string]*history
	order   []string
}

// history is every state of one object, oldest first: its versions, and whether it was there.
type history struct {
	states []state
}

type state struct {
	version int
	present bool
}

func (h *history) now() state { return h.states[len(h.states)-1] }

// readRequests are the requests made for one Read: its GETs (and how long they took) and the pages
// it started.
type readRequests struct {
	gets, pages int
	getTime     time.Duration
}

// readKey carries a Read's number in its context.
type readKey struct{}

func newFakeAPI(numbered bool, pageSize int, latency time.Duration) *fakeAPI {
	return &fakeAPI{
		pageSize: pageSize, numbered: numbered, aliases: map[string]string{},
		rng: rand.New(rand.NewPCG(1, 1)), latency: func(*rand.Rand) time.Duration { return latency },
		orgs: map[string]*fakeOrg{}, requests: map[string]int{}, byRead: map[int]*readRequests{},
	}
}

// addObjects adds n objects to org, at version 1.
func (f *fakeAPI) addObjects(org string, n int) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for range n {
		ids = append(ids, f.createLocked(org))
	}
	return ids
}

func (f *fakeAPI) createLocked(org string) string {
	o := f.org(org)
	f.created++
	id := fmt.Sprintf("%s_%05d", org, f.created)
	o.objects[id] = &history{states: []state{{version: 1, present: true}}}
	o.order = append(o.order, id)
	return id
}

func (f *fakeAPI) org(org string) *fakeOrg {
	if resolved, ok := f.aliases[org]; ok {
		org = resolved
	}
	o, ok := f.orgs[org]
	if !ok {
		o = &fakeOrg{objects: map[string]*history{}}
		f.orgs[org] = o
	}
	return o
}

func (f *fakeAPI) resolve(_ context.Context, org string) (string, error) {
	if resolved, ok := f.aliases[org]; ok {
		return resolved, nil
	}
	return org, nil
}

// change moves object id of org to a new version, present or not, and returns that version.
func (f *fakeAPI) change(org, id string, present bool) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.org(org)
	h := o.objects[id]
	next := state{version: h.now().version + 1, present: present}
	h.states = append(h.states, next)
	if !present {
		for i, listed := range o.order {
			if listed == id {
				o.order = append(o.order[:i:i], o.order[i+1:]...)
				break
			}
		}
	}
	return next.version
}

// create adds an object to org and returns it, as a create's answer.
func (f *fakeAPI) create(org string) obj {
	f.mu.Lock()
	defer f.mu.Unlock()
	return obj{ID: f.createLocked(org), Version: 1}
}

// answer waits for the latency of one request; the request counts for org, and for the Read in
// ctx when it is a GET or a page.
func (f *fakeAPI) answer(ctx context.Context, org string, page bool) error {
	f.mu.Lock()
	d := f.latency(f.rng)
	f.requests[f.resolvedName(org)]++
	if n, ok := ctx.Value(readKey{}).(int); ok {
		r := f.byRead[n]
		if r == nil {
			r = &readRequests{}
			f.byRead[n] = r
		}
		if page {
			r.pages++
		} else {
			r.gets++
			r.getTime += d
		}
	}
	f.mu.Unlock()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (f *fakeAPI) resolvedName(org string) string {
	if resolved, ok := f.aliases[org]; ok {
		return resolved
	}
	return org
}

func (f *fakeAPI) get(ctx context.Context, org, id string) (obj, error) {
	f.mu.Lock()
	h, ok := f.org(org).objects[id]
	var now state
	if ok {
		now = h.now()
	}
	f.mu.Unlock()
	if err := f.answer(ctx, org, false); err != nil {
		return obj{}, err
	}
	if !ok || !now.present {
		return obj{}, errNotFound
	}
	return obj{ID: id, Version: now.version}, nil
}

// slice is the listing of org from offset on, at most pageSize objects, as it is now; and whether
// the page fails.
func (f *fakeAPI) slice(org string, offset int) ([]obj, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.org(org)
	var items []obj
	for _, id := range o.order[min(offset, len(o.order)):min(offset+f.pageSize, len(o.order))] {
		items = append(items, obj{ID: id, Version: o.objects[id].now().version})
	}
	return items, f.failPage > 0 && f.rng.Float64() < f.failPage
}

func (f *fakeAPI) numberedPage(ctx context.Context, org string, page int) ([]obj, error) {
	items, fail := f.slice(org, (page-1)*f.pageSize)
	if err := f.answer(ctx, org, true); err != nil {
		return nil, err
	}
	if fail {
		return nil, errPageFailed
	}
	return items, nil
}

func (f *fakeAPI) tokenPage(ctx context.Context, org, token string) ([]obj, string, error) {
	offset := 0
	if token != "" {
		offset, _ = strconv.Atoi(token)
	}
	items, fail := f.slice(org, offset)
	if err := f.answer(ctx, org, true); err != nil {
		return nil, "", err
	}
	if fail {
		return nil, "", errPageFailed
	}
	next := ""
	if len(items) == f.pageSize {
		// A token API knows whether more follow; this one says so when the page is full and more are listed.
		f.mu.Lock()
		if len(f.org(org).order) > offset+f.pageSize {
			next = strconv.Itoa(offset + f.pageSize)
		}
		f.mu.Unlock()
	}
	return items, next, nil
}

// source is the fake as a cache's Source.
func (f *fakeAPI) source() Source[obj] {
	return Source[obj]{
		ID:  objID,
		Get: f.get,
		Pages: func(org string) Pager[obj] {
			if f.numbered {
				return NumberedPages(func(ctx context.Context, page int) ([]obj, error) {
					return f.numberedPage(ctx, org, page)
				}, f.pageSize, 10)
			}
			return TokenPages(func(ctx context.Context, token string) ([]obj, string, error) {
				return f.tokenPage(ctx, org, token)
			})
		},
		Resolve: f.resolve,
	}
}

func (f *fakeAPI) cache() *Cache[obj] {
	return New(f.source(), true, time.Minute)
}

// requestsOf is how many requests were made for org's Reads.
func (f *fakeAPI) requestsOf(org string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[org]
}

// madeFor is what was requested for Read n.
func (f *fakeAPI) madeFor(n int) readRequests {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r := f.byRead[n]; r != nil {
		return *r
	}
	return readRequests{}
}

// shuffledPick is n of ids, picked and ordered at random by seed.
func shuffledPick(seed uint64, ids []string, n int) []string {
	picked := make([]string, 0, n)
	for _, i := range rand.New(rand.NewPCG(seed, 2)).Perm(len(ids))[:n] {
		picked = append(picked, ids[i])
	}
	return picked
}

// present reports whether object id of org is there now.
func (f *fakeAPI) present(org, id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	h, ok := f.org(org).objects[id]
	return ok && h.now().present
}

// absentSince reports whether object id of org was missing at some version from version on, or
// never was there: a 404 then answers for a state no older than that version.
func (f *fakeAPI) absentSince(org, id string, version int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	h, ok := f.org(org).objects[id]
	if !ok {
		return true
	}
	for _, s := range h.states {
		if !s.present && s.version >= version {
			return true
		}
	}
	return false
}
