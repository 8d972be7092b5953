package client

import (
	"context"
	"net/url"
)

// InviteByEmail invites addresses to orgID. It is repeated only when the API provably did not act,
// since a repeated invitation can add people twice or resend mail.
func (c *Client) InviteByEmail(ctx context.Context, orgID string, req InviteRequest) (*InviteResponse, error) {
	path := "/orgs/" + url.PathEscape(orgID) + "/invites"
	return call[InviteResponse](ctx, c, request{method: "POST", path: path, body: req, mode: retryUnsent})
}

// JoinWithInvite makes the caller join orgID through an invite link. Joining twice changes nothing,
// so it is retried like a read.
func (c *Client) JoinWithInvite(ctx context.Context, orgID, inviteID string) error {
	path := "/orgs/" + url.PathEscape(orgID) + "/invites/" + url.PathEscape(inviteID)
	_, err := c.do(ctx, request{method: "POST", path: path, mode: retryIdempotent}, nil)
	return err
}
