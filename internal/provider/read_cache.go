package provider

import (
	"context"
	"sync"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// readCache answers the Reads of one provider process (one walk of one Terraform command): the
// refresh of invite links and sub-organization memberships, and the read that guards a membership's
// creation. It fetches an organization's listing only as far as the listing pays for itself, so that
// batching never costs more requests than one GET per Read, and costs a few list pages when many
// Reads of one organization come together.
//
// The rule, per organization listing (its organization-wide invite links, or its sub-organizations):
//
//   - A Read whose object is in the pages already fetched costs nothing; a Read that the listing
//     cannot answer makes its own GET.
//   - A page is fetched only when the Reads the listings have answered so far, less the pages
//     they paid for so far, pay for it (the balance); when the API has said how many pages remain
//     (the link listing's count), the rest is fetched when the balance and the Reads waiting for it
//     together pay for all of it, since it answers them all.
//   - The first page of a listing is the exception: when a Read of it arrives while another is under
//     way (its GET included), the first page is fetched on their credit. That page answers them unless
//     the organization holds more than one page; then at most one request was spent beyond one per
//     Read. It is that one request, outside the balance: the next page needs one Read answered, not
//     two. A lone Read never waits: it makes its GET at once.
//
// A Read answered counts once: what this process read of a sub-organization is kept (fetched), and
// the checks and guards that come after the Read take it from there, as they would after a GET.
//
// So a small configuration in a large organization reads with one GET per resource, while a large
// configuration pays for its listings with the Reads that the first pages answer.
type readCache struct {
	enabled bool

	getSubOrg      func(ctx context.Context, parentID, subOrgID string) (*client.SubOrg, error)
	subOrgPage     func(ctx context.Context, parentID string, page int) ([]client.SubOrg, error)
	getInviteLink  func(ctx context.Context, orgID, inviteID string) (*client.InviteLink, error)
	inviteLinkPage func(ctx context.Context, orgID, pageToken string) (*client.ListPage[client.InviteLink], error)

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced whenever a page fetch ends
	answered int           // Reads answered from a listing, without a request of their own
	pages    int           // listing pages paid for by the balance: every one but the first pages
	fetching int           // page fetches under way, over all listings

	subOrgs     map[string]*listing[client.SubOrg]     // by parent organization ID as written
	inviteLinks map[string]*listing[client.InviteLink] // by organization ID as written
	// fetched holds the sub-organizations this process read (with a GET or from a listing), by ID
	// and then parent as written (a child of one organization is no child of another), for the checks
	// and the creation guard; a Read never takes its answer from it (each makes its own request, or
	// is answered by a listing page).
	fetched map[string]map[string]client.SubOrg
}

func newReadCache(api *client.Client, enabled bool) *readCache {
	return &readCache{
		enabled:        enabled,
		getSubOrg:      api.GetSubOrg,
		subOrgPage:     api.SubOrgPage,
		getInviteLink:  api.GetInviteLink,
		inviteLinkPage: api.InviteLinkPage,
		changed:        make(chan struct{}),
		subOrgs:        map[string]*listing[client.SubOrg]{},
		inviteLinks:    map[string]*listing[client.InviteLink]{},
		fetched:        map[string]map[string]client.SubOrg{},
	}
}

// SubOrg reads one sub-organization of parentID, and keeps what it read for the checks.
func (c *readCache) SubOrg(ctx context.Context, parentID, subOrgID string) (*client.SubOrg, error) {
	so, err := c.readSubOrg(ctx, parentID, subOrgID)
	if err == nil {
		c.mu.Lock()
		if c.fetched[subOrgID] == nil {
			c.fetched[subOrgID] = map[string]client.SubOrg{}
		}
		c.fetched[subOrgID][parentID] = *so
		c.mu.Unlock()
	}
	return so, err
}

func (c *readCache) readSubOrg(ctx context.Context, parentID, subOrgID string) (*client.SubOrg, error) {
	if c.enabled {
		l := c.subOrgListing(parentID)
		l.begin(c)
		defer l.end(c)
		so, found, err := lookup(ctx, c, l, subOrgID)
		if err != nil || found {
			return &so, err
		}
	}
	return c.getSubOrg(ctx, parentID, subOrgID)
}

// OrganizationInviteLink reads one organization-wide invite link of orgID. Space and collection links
// are never in the organization's listing: read them with a GET of their own.
func (c *readCache) OrganizationInviteLink(ctx context.Context, orgID, inviteID string) (*client.InviteLink, error) {
	if c.enabled {
		l := c.inviteLinkListing(orgID)
		l.begin(c)
		defer l.end(c)
		link, found, err := lookup(ctx, c, l, inviteID)
		if err != nil || found {
			return &link, err
		}
	}
	return c.getInviteLink(ctx, orgID, inviteID)
}

// SubOrgAsRead is the sub-organization as this process last read or wrote it, or else what SubOrg
// reads: what a plan-time check needs, and the creation guard of a membership, whose plan-time
// check ran moments before in the same process (Terraform plans each change again as it applies).
// A lone check costs one GET, never a listing; many checks of one organization are answered by its
// listing when that costs less, and count as Reads it answered.
func (c *readCache) SubOrgAsRead(ctx context.Context, parentID, subOrgID string) (*client.SubOrg, error) {
	c.mu.Lock()
	so, ok := c.fetched[subOrgID][parentID]
	c.mu.Unlock()
	if ok {
		return &so, nil
	}
	return c.SubOrg(ctx, parentID, subOrgID)
}

// RecordSubOrg keeps a sub-organization as a join of this process answered it. Within one apply, a
// membership's replacement leaves and joins, and another membership's creation may have fetched
// the listing before: its guard must see the sub-organization as it is now.
func (c *readCache) RecordSubOrg(so client.SubOrg) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range c.subOrgs {
		if _, ok := l.items[so.ID]; ok {
			l.items[so.ID] = so
		}
	}
	for parentID := range c.fetched[so.ID] {
		c.fetched[so.ID][parentID] = so
	}
}

// ForgetSubOrg drops a sub-organization whose membership this process changed without getting it
// back (a leave), so that the next read of it makes a request.
func (c *readCache) ForgetSubOrg(subOrgID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range c.subOrgs {
		delete(l.items, subOrgID)
	}
	delete(c.fetched, subOrgID)
}

func (c *readCache) subOrgListing(parentID string) *listing[client.SubOrg] {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.subOrgs[parentID]
	if !ok {
		page := 0
		l = newListing(func(ctx context.Context) ([]client.SubOrg, bool, int, error) {
			page++
			subOrgs, err := c.subOrgPage(ctx, parentID, page)
			return subOrgs, len(subOrgs) < client.SubOrgPageSize, remainingUnknown, err
		}, func(so client.SubOrg) string { return so.ID })
		c.subOrgs[parentID] = l
	}
	return l
}

func (c *readCache) inviteLinkListing(orgID string) *listing[client.InviteLink] {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.inviteLinks[orgID]
	if !ok {
		token, seen := "", 0
		l = newListing(func(ctx context.Context) ([]client.InviteLink, bool, int, error) {
			page, err := c.inviteLinkPage(ctx, orgID, token)
			if err != nil {
				return nil, false, 0, err
			}
			seen += len(page.Items)
			last := page.Next == nil || page.Next.Page == ""
			if !last {
				token = page.Next.Page
			}
			remaining := (max(page.Count-seen, 0) + client.TokenPageLimit - 1) / client.TokenPageLimit
			if !last && remaining == 0 {
				remaining = remainingUnknown // a count that contradicts the next page is no count
			}
			return page.Items, last, remaining, nil
		}, func(link client.InviteLink) string { return link.ID })
		c.inviteLinks[orgID] = l
	}
	return l
}

// remainingUnknown is a listing's remaining page count while the API has not said it.
const remainingUnknown = -1

// listing is what one process holds of one organization's listing, fetched a page at a time. Its
// fields are guarded by the readCache's mutex.
type listing[T any] struct {
	items     map[string]T
	complete  bool // every page is in items
	failed    bool // a page fetch failed: the Reads make their own requests
	probed    bool // the first page was fetched on the credit of the Reads waiting for it
	fetching  bool // a page fetch is under way
	remaining int  // pages still to fetch, once the API has said; else remainingUnknown
	// waiters are the Reads looking for an object in this listing.
	waiters map[*waiter]struct{}
	// active counts the Reads of this listing under way, the GETs of their own included: a Read that
	// arrives while another is under way has company, and the two pay for a first page.
	active int

	// next fetches the page after the last one fetched, and says whether it was the last and how
	// many pages remain (remainingUnknown when the API does not say). Calls never overlap.
	next func(ctx context.Context) (items []T, last bool, remaining int, err error)
	key  func(T) string
}

func newListing[T any](next func(context.Context) ([]T, bool, int, error), key func(T) string) *listing[T] {
	return &listing[T]{items: map[string]T{}, waiters: map[*waiter]struct{}{}, remaining: remainingUnknown, next: next, key: key}
}

// waiter is one Read looking in a listing. A page that holds its object counts it as answered the
// moment the page lands, before the Reads wake in whatever order: a Read that the page does not
// answer, waking first, must already see the balance that the others pay in.
type waiter struct {
	id       string
	answered bool // counted in readCache.answered by the page that holds its object
}

// countAnswered counts w's Read as answered by a listing, once.
func (c *readCache) countAnswered(w *waiter) {
	if !w.answered {
		w.answered = true
		c.answered++
	}
}

// lookup finds id in the listing l, fetching pages while the rule above allows. found is false when
// the Read must make its own request.
func lookup[T any](ctx context.Context, c *readCache, l *listing[T], id string) (item T, found bool, err error) {
	waitedForOthers := false
	w := &waiter{id: id}
	c.mu.Lock()
	l.waiters[w] = struct{}{}
	defer func() {
		delete(l.waiters, w)
		if w.answered && !found {
			c.answered-- // cancelled before it took its answer
		}
		c.mu.Unlock()
	}()
	for {
		if item, ok := l.items[id]; ok {
			c.countAnswered(w)
			return item, true, nil
		}
		if l.complete || l.failed {
			return item, false, nil
		}
		switch {
		case l.fetching:
			// The page under way may hold it.
		case l.affordable(c.answered - c.pages):
			c.pages++
			l.fetchLocked(ctx, c)
		case !l.probed && l.active >= 2:
			// Not on the balance: this is the one request per listing beyond one per Read.
			l.probed = true
			l.fetchLocked(ctx, c)
		case c.fetching > 0 && !waitedForOthers:
			// A page of another listing may answer Reads, and so pay for one of this listing.
			waitedForOthers = true
		default:
			return item, false, nil
		}
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			c.mu.Lock()
			return item, false, ctx.Err()
		}
		c.mu.Lock()
	}
}

// begin and end bracket one Read of the listing, its GET of its own included.
func (l *listing[T]) begin(c *readCache) {
	c.mu.Lock()
	l.active++
	c.mu.Unlock()
}

func (l *listing[T]) end(c *readCache) {
	c.mu.Lock()
	l.active--
	c.mu.Unlock()
}

// affordable reports whether balance (the Reads the listings answered less the pages fetched) pays
// for the next page; or, when the API has said how many pages remain, whether balance and the Reads
// waiting pay for all of them, since the whole listing answers every waiting Read.
func (l *listing[T]) affordable(balance int) bool {
	if l.remaining == remainingUnknown {
		return balance >= 1
	}
	unanswered := 0
	for w := range l.waiters {
		if !w.answered {
			unanswered++
		}
	}
	return l.remaining <= balance+unanswered
}

// fetchLocked starts fetching the next page. The fetch serves every waiting Read, so one Read's
// cancellation must not fail it; it gets a bound of its own instead.
func (l *listing[T]) fetchLocked(ctx context.Context, c *readCache) {
	l.fetching = true
	c.fetching++
	go func() {
		fetchCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), defaultOperationTimeout)
		defer cancel()
		items, last, remaining, err := l.next(fetchCtx)
		c.mu.Lock()
		defer c.mu.Unlock()
		l.fetching = false
		c.fetching--
		if err != nil {
			l.failed = true
		} else {
			for _, item := range items {
				l.items[l.key(item)] = item
			}
			l.complete, l.remaining = last, remaining
			for w := range l.waiters {
				if _, ok := l.items[w.id]; ok {
					c.countAnswered(w)
				}
			}
		}
		close(c.changed)
		c.changed = make(chan struct{})
	}()
}
