package provider

import (
	"context"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// readCache serves resource Reads from one listing per organization, so a refresh costs the number of
// list pages instead of one request per resource. It lives as long as one provider process (one
// Terraform operation). Every write through the provider updates or drops the entry it touched, so a
// Read after a write sees it (Terraform refreshes before it writes, so a listing is never fetched
// while a write of the same process is under way). Concurrent first Reads of an organization share
// one fetch. With batching off every Read is a single GET.
type readCache struct {
	api     *client.Client
	enabled bool
	flight  singleflight.Group

	mu          sync.Mutex
	inviteLinks map[string]map[string]client.InviteLink // org ID as written -> invite ID -> link
	subOrgs     map[string]map[string]client.SubOrg     // parent org ID as written -> sub-org ID -> sub-org
}

func newReadCache(api *client.Client, enabled bool) *readCache {
	return &readCache{
		api:         api,
		enabled:     enabled,
		inviteLinks: map[string]map[string]client.InviteLink{},
		subOrgs:     map[string]map[string]client.SubOrg{},
	}
}

// InviteLink reads one invite link. Organization links come from the organization's listing; a link
// the listing lacks (a space or collection link, or one created since) is fetched on its own.
func (c *readCache) InviteLink(ctx context.Context, orgID, inviteID string) (*client.InviteLink, error) {
	if c.enabled {
		link, ok, err := cachedLookup(ctx, c, c.inviteLinks, "invite-links/"+orgID, orgID, inviteID, func(ctx context.Context) (map[string]client.InviteLink, error) {
			list, err := c.api.ListInviteLinks(ctx, orgID)
			return indexBy(list, func(l client.InviteLink) string { return l.ID }), err
		})
		if err != nil {
			return nil, err
		}
		if ok {
			return &link, nil
		}
	}
	return c.api.GetInviteLink(ctx, orgID, inviteID)
}

// PutInviteLink records a link this process created or updated.
func (c *readCache) PutInviteLink(orgID string, link client.InviteLink) {
	c.update(func() {
		if links, ok := c.inviteLinks[orgID]; ok && link.Kind() == client.InviteLinkKindOrganization {
			links[link.ID] = link
		}
	})
}

// ForgetInviteLink drops a link this process deleted.
func (c *readCache) ForgetInviteLink(orgID, inviteID string) {
	c.update(func() { delete(c.inviteLinks[orgID], inviteID) })
}

// SubOrg reads one sub-organization of parentID, from the parent's listing when batching, else (or
// when the listing lacks it) on its own.
func (c *readCache) SubOrg(ctx context.Context, parentID, subOrgID string) (*client.SubOrg, error) {
	if c.enabled {
		so, ok, err := cachedLookup(ctx, c, c.subOrgs, "sub-orgs/"+parentID, parentID, subOrgID, func(ctx context.Context) (map[string]client.SubOrg, error) {
			list, err := c.api.ListSubOrgs(ctx, parentID)
			return indexBy(list, func(s client.SubOrg) string { return s.ID }), err
		})
		if err != nil {
			return nil, err
		}
		if ok {
			return &so, nil
		}
	}
	return c.api.GetSubOrg(ctx, parentID, subOrgID)
}

// PutSubOrg records a sub-organization as a write of this process returned it.
func (c *readCache) PutSubOrg(parentID string, so client.SubOrg) {
	c.update(func() {
		if subOrgs, ok := c.subOrgs[parentID]; ok {
			subOrgs[so.ID] = so
		}
	})
}

// ForgetSubOrg drops a sub-organization whose membership this process changed without getting the
// sub-organization back (a leave), so the next Read fetches it fresh.
func (c *readCache) ForgetSubOrg(parentID, subOrgID string) {
	c.update(func() { delete(c.subOrgs[parentID], subOrgID) })
}

func (c *readCache) update(change func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	change()
}

// cachedLookup finds id in the cached index of one organization's listing, fetching the listing once
// however many Reads ask at the same time. A failed fetch is not cached.
func cachedLookup[T any](ctx context.Context, c *readCache, cache map[string]map[string]T, flightKey, orgID, id string,
	fetch func(context.Context) (map[string]T, error),
) (T, bool, error) {
	lookup := func() (T, bool, bool) {
		c.mu.Lock()
		defer c.mu.Unlock()
		index, listed := cache[orgID]
		item, found := index[id]
		return item, found, listed
	}
	if item, found, listed := lookup(); listed {
		return item, found, nil
	}
	result := c.flight.DoChan(flightKey, func() (any, error) {
		if _, _, listed := lookup(); listed {
			return nil, nil
		}
		// The fetch serves every waiting Read, so one caller's cancellation must not fail the
		// others; it gets a bound of its own instead.
		fetchCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), defaultOperationTimeout)
		defer cancel()
		fetched, err := fetch(fetchCtx)
		if err != nil {
			return nil, err
		}
		c.update(func() { cache[orgID] = fetched })
		return nil, nil
	})
	var zero T
	select {
	case <-ctx.Done():
		return zero, false, ctx.Err()
	case r := <-result:
		if r.Err != nil {
			return zero, false, r.Err
		}
	}
	item, found, _ := lookup()
	return item, found, nil
}

func indexBy[T any](items []T, key func(T) string) map[string]T {
	index := make(map[string]T, len(items))
	for _, item := range items {
		index[key(item)] = item
	}
	return index
}
