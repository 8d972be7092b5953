package provider

import (
	"context"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/readcache"
)

// readCache is what the resources read and write through: the sub-organizations and the
// organization-wide invite links of one provider process, read from an organization's listing when
// that costs fewer requests than one GET per Read (batch_reads; the rule is internal/readcache's),
// and what the process wrote of them, which wins over any page requested before the write landed.
//
// A sub-organization read once (by a Read, a plan-time check or a creation guard) answers the
// checks and guards after it (SubOrgAsRead) until this process writes it: Terraform plans each
// change again as it applies, and the creation guard takes what that plan's check read, or what a
// write since answered. A Read (SubOrg, OrganizationInviteLink) is a refresh: it never takes what
// this process wrote, or read with a GET, but reads afresh.
type readCache struct {
	subOrgs     *readcache.Cache[client.SubOrg]
	inviteLinks *readcache.Cache[client.InviteLink]
}

// newReadCache reads through api; resolve is the organization an org_id as written names.
func newReadCache(api *client.Client, batch bool, resolve func(ctx context.Context, orgID string) (string, error)) *readCache {
	return &readCache{
		subOrgs: readcache.New(readcache.Source[client.SubOrg]{
			ID:  func(so client.SubOrg) string { return so.ID },
			Get: byValue(api.GetSubOrg),
			Pages: func(orgID string) readcache.Pager[client.SubOrg] {
				return readcache.NumberedPages(func(ctx context.Context, page int) ([]client.SubOrg, error) {
					return api.SubOrgPage(ctx, orgID, page)
				}, client.SubOrgPageSize, client.DefaultPageConcurrency)
			},
			Resolve: resolve,
		}, batch, defaultOperationTimeout),
		inviteLinks: readcache.New(readcache.Source[client.InviteLink]{
			ID:  func(link client.InviteLink) string { return link.ID },
			Get: byValue(api.GetInviteLink),
			Pages: func(orgID string) readcache.Pager[client.InviteLink] {
				return readcache.TokenPages(func(ctx context.Context, token string) ([]client.InviteLink, string, error) {
					page, err := api.InviteLinkPage(ctx, orgID, token)
					switch {
					case err != nil:
						return nil, "", err
					case page.Next == nil:
						return page.Items, "", nil
					}
					return page.Items, page.Next.Page, nil
				})
			},
			Resolve: resolve,
		}, batch, defaultOperationTimeout),
	}
}

// SubOrg reads one sub-organization of orgID, as a refresh does: from its listing, or with a GET.
func (c *readCache) SubOrg(ctx context.Context, orgID, subOrgID string) (*client.SubOrg, error) {
	return byPointer(c.subOrgs.Read(ctx, orgID, subOrgID))
}

// SubOrgAsRead is the sub-organization as this process last read or wrote it, else what SubOrg
// reads: what a plan-time check needs, and the creation guard of a membership, whose plan-time
// check ran moments before in the same process (Terraform plans each change again as it applies),
// unless this process wrote the sub-organization since.
func (c *readCache) SubOrgAsRead(ctx context.Context, orgID, subOrgID string) (*client.SubOrg, error) {
	return byPointer(c.subOrgs.Latest(ctx, orgID, subOrgID))
}

// RecordSubOrg keeps a sub-organization of orgID as a join of this process answered it.
func (c *readCache) RecordSubOrg(ctx context.Context, orgID string, so client.SubOrg) {
	c.subOrgs.Record(ctx, orgID, so)
}

// ForgetSubOrg notes a leave of this process: the next read of the sub-organization reads it
// afresh.
func (c *readCache) ForgetSubOrg(ctx context.Context, orgID, subOrgID string) {
	c.subOrgs.Forget(ctx, orgID, subOrgID)
}

// OrganizationInviteLink reads one organization-wide invite link of orgID. Space and collection
// links are never in the organization's listing: read them with a GET of their own.
func (c *readCache) OrganizationInviteLink(ctx context.Context, orgID, inviteID string) (*client.InviteLink, error) {
	return byPointer(c.inviteLinks.Read(ctx, orgID, inviteID))
}

// RecordInviteLink keeps an invite link of orgID as a create or update of this process answered
// it: no page requested before it answers for the link.
func (c *readCache) RecordInviteLink(ctx context.Context, orgID string, link client.InviteLink) {
	c.inviteLinks.Record(ctx, orgID, link)
}

// ForgetInviteLink notes a deletion of this process: the next read of the link reads it afresh.
func (c *readCache) ForgetInviteLink(ctx context.Context, orgID, inviteID string) {
	c.inviteLinks.Forget(ctx, orgID, inviteID)
}

// byValue adapts a client read that answers a pointer to the cache, which keeps values.
func byValue[T any](get func(ctx context.Context, orgID, id string) (*T, error)) func(context.Context, string, string) (T, error) {
	return func(ctx context.Context, orgID, id string) (T, error) {
		v, err := get(ctx, orgID, id)
		if err != nil {
			var zero T
			return zero, err
		}
		return *v, nil
	}
}

// byPointer is the cache's answer as the resources take it: a pointer to a copy, nil on error.
func byPointer[T any](v T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return &v, nil
}
