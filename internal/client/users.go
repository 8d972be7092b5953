package client

import "context"

// CurrentUser returns the user the token belongs to (GET /users/me).
func (c *Client) CurrentUser(ctx context.Context) (*User, error) {
	return call[User](ctx, c, request{method: "GET", path: "/users/me", mode: retryIdempotent})
}
