package client

import "context"

// InviteByEmail invites addresses to orgID. It is repeated only when the API provably did not act,
// since a repeated invitation can add people twice or resend mail.
func (c *Client) InviteByEmail(ctx context.Context, orgID string, req InviteRequest) (*InviteResponse, error) {
	return call[InviteResponse](ctx, c, request{method: "POST", path: orgPath(orgID, "invites"), body: req, mode: retryUnsent})
}

// JoinWithInvite makes the caller join orgID through an invite link. Joining twice changes nothing,
// so it is retried like a read.
func (c *Client) JoinWithInvite(ctx context.Context, orgID, inviteID string) error {
	_, err := c.do(ctx, request{method: "POST", path: orgPath(orgID, "invites", inviteID), secret: inviteID, mode: retryIdempotent}, nil)
	return err
}
