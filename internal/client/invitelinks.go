package client

import (
	"context"
	"net/http"
)

func inviteLinksPath(orgID string) string {
	return orgPath(orgID, "link-invites")
}

func inviteLinkPath(orgID, inviteID string) string {
	return orgPath(orgID, "link-invites", inviteID)
}

// ListInviteLinks returns every organization-wide invite link of orgID, all pages. Space and
// collection links are not listed by the API.
func (c *Client) ListInviteLinks(ctx context.Context, orgID string) ([]InviteLink, error) {
	return collectTokenPages[InviteLink](ctx, c, inviteLinksPath(orgID), nil)
}

// InviteLinkPage returns one page of orgID's organization-wide invite links at limit
// TokenPageLimit: pageToken "" for the first page, then the previous page's Next.Page. Count is
// the total over all pages; Next is nil on the last page.
func (c *Client) InviteLinkPage(ctx context.Context, orgID, pageToken string) (*ListPage[InviteLink], error) {
	return tokenPage[InviteLink](ctx, c, inviteLinksPath(orgID), nil, pageToken)
}

// GetInviteLink returns one invite link of any kind.
func (c *Client) GetInviteLink(ctx context.Context, orgID, inviteID string) (*InviteLink, error) {
	return call[InviteLink](ctx, c, request{method: "GET", path: inviteLinkPath(orgID, inviteID), secret: inviteID, mode: retryIdempotent})
}

// CreateInviteLink creates an invite link (build req with NewInviteLinkRequest). It is repeated only
// when the API provably did not act: a duplicate link is a second way in that nobody declared.
func (c *Client) CreateInviteLink(ctx context.Context, orgID string, req CreateInviteLinkRequest) (*InviteLink, error) {
	return call[InviteLink](ctx, c, request{method: "POST", path: inviteLinksPath(orgID), body: req, mode: retryUnsent})
}

// UpdateInviteLink changes the role of a link: set Role for an organization link, Level for a space
// or collection link.
func (c *Client) UpdateInviteLink(ctx context.Context, orgID, inviteID string, req UpdateInviteLinkRequest) (*InviteLink, error) {
	return call[InviteLink](ctx, c, request{method: "PATCH", path: inviteLinkPath(orgID, inviteID), secret: inviteID, body: req, mode: retryIdempotent})
}

// DeleteInviteLink revokes a link. It reports whether the link existed (205) or was already gone (204);
// both are success, and any other 2xx is an error (UnexpectedStatusError).
func (c *Client) DeleteInviteLink(ctx context.Context, orgID, inviteID string) (existed bool, err error) {
	status, err := c.do(ctx, request{method: "DELETE", path: inviteLinkPath(orgID, inviteID), secret: inviteID, mode: retryIdempotent,
		accept: []int{http.StatusResetContent, http.StatusNoContent}}, nil)
	if err != nil {
		return false, err
	}
	return status != http.StatusNoContent, nil
}
