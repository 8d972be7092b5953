// Package readcache answers the reads of one provider process (one walk of one Terraform command)
// from an organization's listing when that costs fewer requests than reading each object on its
// own, and makes what the process wrote win over anything read before the write landed.
//
// The rule, per listing (one organization's sub-organizations, or its organization-wide invite
// links), is one sentence: a Read whose object is not in the pages already fetched, while another
// Read of the same listing is under way, waits for the page fetch under way or starts the next
// one, as long as the pages requested stay at most one more than the Reads the listing has
// answered; otherwise it reads its object with a GET of its own, at once.
//
// So, per listing, requests <= Reads + 1: every page but one is paid for by a Read it answered, and
// every other Read makes at most its own GET. A lone Read (no other Read of its listing under way)
// never waits: it costs nothing when its object was fetched already, else exactly one GET. No
// credit crosses listings and no Read waits for another listing's pages. Reads answered from what
// this process already read (a creation guard after its plan-time check, a second Read from the
// same page) cost nothing and are not counted again.
//
// What this process wrote wins: no page or GET requested before a write answers for that object
// after it. A Read (a refresh) reads afresh what this process wrote, or read with a GET; a Latest
// (a plan-time check, a creation guard) takes what this process last read or wrote of it.
package readcache

import (
	"context"
	"sync"
	"time"
)

// Source is how a Cache reads objects of one kind.
type Source[T any] struct {
	// ID is an object's ID.
	ID func(T) string
	// Get reads one object of an organization, named as written.
	Get func(ctx context.Context, org, id string) (T, error)
	// Pages starts reading an organization's listing; org is resolved.
	Pages func(org string) Pager[T]
	// Resolve is the organization that org, as written, names: an alias (the shorthand c) becomes
	// the organization's ID, so that a write and a page of one organization meet however each
	// spelled it.
	Resolve func(ctx context.Context, org string) (string, error)
}

// Cache answers the Reads of objects of one kind, and keeps what this process wrote of them.
type Cache[T any] struct {
	src Source[T]
	// batch turns on the listings; without it, each Read not answered by what is known makes a GET.
	batch bool
	// pageTimeout bounds a page fetch, which serves every waiting Read and so outlives any one's
	// context.
	pageTimeout time.Duration

	mu sync.Mutex
	// writes counts the writes recorded. An answer to a request made when writes was w reflects
	// every write up to w, and none after.
	writes   uint64
	listings map[string]*listing[T] // by resolved organization
}

// New is a Cache reading through src; batch turns on the listings.
func New[T any](src Source[T], batch bool, pageTimeout time.Duration) *Cache[T] {
	return &Cache[T]{src: src, batch: batch, pageTimeout: pageTimeout, listings: map[string]*listing[T]{}}
}

// listing is what the process holds of one organization's objects of the cache's kind: what it
// read of them (pages, GETs) and wrote, and the counts of the rule. Guarded by the Cache's mutex.
type listing[T any] struct {
	pager Pager[T]
	known map[string]entry[T]

	reads    int // Reads of the listing: every Read but those answered by reuse
	answered int // Reads answered by a page
	pages    int // pages requested
	active   int // Reads under way, their GETs included: company for one another

	fetch    chan struct{} // while a page fetch is under way, closed when it ends
	complete bool          // every page is fetched
	failed   bool          // a page fetch failed: every Read makes its own GET
}

// entry is the latest this process knows of one object.
type entry[T any] struct {
	value T
	// present is false for an object this process wrote without keeping an answer (a leave, a
	// deletion): only what is requested from now on may answer for it.
	present bool
	// asOf is the Cache's write count when the value was requested, or written.
	asOf uint64
	// page is set for a value a listing page brought: it answers Reads too, the others (a GET's,
	// a write's) only Latest.
	page bool
	// claimed is set once a Read has taken the value: the first Read a page answers counts for the
	// listing, and later ones reuse the value without counting.
	claimed bool
}

// answers reports whether e answers a Read, or with latest a Latest.
func (e entry[T]) answers(latest bool) bool {
	return e.present && (e.page || latest)
}

// Read reads object id of org as the API holds it: from a page of its listing, by the rule above,
// else with a GET of its own. What this process wrote of it, or read with a GET, does not answer a
// Read: the object may have changed since, and a Read is a refresh.
func (c *Cache[T]) Read(ctx context.Context, org, id string) (T, error) {
	return c.get(ctx, org, id, false)
}

// Latest is object id of org as this process last read or wrote it, else what Read reads: what a
// plan-time check or a creation guard takes, after the Read or the plan-time check before it (a
// read once is not read again) or the write of this process since.
func (c *Cache[T]) Latest(ctx context.Context, org, id string) (T, error) {
	return c.get(ctx, org, id, true)
}

func (c *Cache[T]) get(ctx context.Context, org, id string, latest bool) (T, error) {
	resolved, err := c.src.Resolve(ctx, org)
	if err != nil {
		// Nothing known can be matched to an organization that cannot be resolved: read afresh.
		return c.src.Get(ctx, org, id)
	}
	c.mu.Lock()
	l := c.listing(resolved)
	if e, ok := l.known[id]; ok && e.answers(latest) && e.claimed {
		c.mu.Unlock()
		return e.value, nil
	}
	l.reads++
	l.active++
	defer func() {
		c.mu.Lock()
		l.active--
		c.mu.Unlock()
	}()
	for {
		if v, ok := l.take(id, latest); ok {
			c.mu.Unlock()
			return v, nil
		}
		fetched := c.pageToWaitFor(ctx, l)
		if fetched == nil {
			break
		}
		c.mu.Unlock()
		select {
		case <-fetched:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
		c.mu.Lock()
	}
	asOf := c.writes
	c.mu.Unlock()
	v, err := c.src.Get(ctx, org, id)
	if err == nil {
		c.mu.Lock()
		l.keep(id, v, asOf, false)
		c.mu.Unlock()
	}
	return v, err
}

// pageToWaitFor is the rule, for a Read whose object is not in the pages fetched: with company
// (another Read of the listing under way), it waits for the page fetch under way, or starts one for
// the next pages as long as the pages requested stay at most one more than the Reads the listing
// has answered. It returns the fetch to wait for, or nil: the Read makes its own GET.
func (c *Cache[T]) pageToWaitFor(ctx context.Context, l *listing[T]) <-chan struct{} {
	switch {
	case !c.batch || l.complete || l.failed || l.active < 2:
		return nil
	case l.fetch != nil:
		return l.fetch
	}
	n := min(l.answered+1-l.pages, l.pager.Ahead())
	if n < 1 {
		return nil
	}
	c.startFetch(ctx, l, n)
	return l.fetch
}

// Record keeps obj as this process wrote it in org (the API's answer to the write): it answers the
// Reads from now on, and no page requested before it landed replaces it.
func (c *Cache[T]) Record(ctx context.Context, org string, obj T) {
	c.write(ctx, org, c.src.ID(obj), &obj)
}

// Forget notes that this process wrote object id of org without an answer to keep (a leave, a
// deletion): the Reads from now on read it afresh, and no page requested before the write answers
// them.
func (c *Cache[T]) Forget(ctx context.Context, org, id string) {
	c.write(ctx, org, id, nil)
}

func (c *Cache[T]) write(ctx context.Context, org, id string, obj *T) {
	resolved, err := c.src.Resolve(ctx, org)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	e := entry[T]{asOf: c.writes, claimed: true}
	if err != nil {
		// Which organization was written is unknown: forget the object in every listing.
		for _, l := range c.listings {
			l.known[id] = e
		}
		return
	}
	if obj != nil {
		e.value, e.present = *obj, true
	}
	c.listing(resolved).known[id] = e
}

func (c *Cache[T]) listing(org string) *listing[T] {
	l, ok := c.listings[org]
	if !ok {
		l = &listing[T]{pager: c.src.Pages(org), known: map[string]entry[T]{}}
		c.listings[org] = l
	}
	return l
}

// take returns object id when it is known as a Read (or with latest, a Latest) takes it, and counts
// the Read as answered by the listing when it is the first to take a page's value.
func (l *listing[T]) take(id string, latest bool) (T, bool) {
	e, ok := l.known[id]
	if !ok || !e.answers(latest) {
		var zero T
		return zero, false
	}
	if !e.claimed {
		e.claimed = true
		l.known[id] = e
		l.answered++
	}
	return e.value, true
}

// keep records v, the answer for object id to a request made when the write count was asOf (a
// page's, or a GET's, which a Read claims at once), unless this process has written the object
// since: the write wins.
func (l *listing[T]) keep(id string, v T, asOf uint64, page bool) {
	e, ok := l.known[id]
	if ok && e.asOf > asOf {
		return
	}
	l.known[id] = entry[T]{value: v, present: true, asOf: asOf, page: page, claimed: !page || (ok && e.present && e.claimed)}
}

// startFetch requests the next n pages of l, on behalf of every Read waiting for them.
func (c *Cache[T]) startFetch(ctx context.Context, l *listing[T], n int) {
	fetched := make(chan struct{})
	l.fetch, l.pages = fetched, l.pages+n
	asOf := c.writes
	go func() {
		fetchCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.pageTimeout)
		defer cancel()
		items, last, err := l.pager.Fetch(fetchCtx, n)
		c.mu.Lock()
		defer c.mu.Unlock()
		if err != nil {
			l.failed = true
		} else {
			for _, item := range items {
				l.keep(c.src.ID(item), item, asOf, true)
			}
			l.complete = last
		}
		l.fetch = nil
		close(fetched)
	}()
}
