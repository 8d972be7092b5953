package client

import (
	"context"
	"net/http"
	"net/url"
)

// MemberFilter narrows ListMembers; empty fields do not filter.
type MemberFilter struct {
	// Role is a content role; RoleGuest matches members whose role is null.
	Role ContentRole
	// Search matches name or email, case-insensitively.
	Search string
}

// RemoveResult says what a member removal did. The zero value is no outcome: RemoveMember returns it
// only together with an error.
type RemoveResult int

// Outcomes of RemoveMember.
const (
	// MemberRemoved: the member was removed (205).
	MemberRemoved RemoveResult = iota + 1
	// MemberNotFound: the user was not a member (204).
	MemberNotFound
	// RemovalRequested: the caller is not an ADMIN, so the API only asked the admins (202); nothing
	// was removed.
	RemovalRequested
)

func membersPath(orgID string) string {
	return orgPath(orgID, "members")
}

func memberPath(orgID, userID string) string {
	return orgPath(orgID, "members", userID)
}

// query is filter as the members listing's query parameters.
func (filter MemberFilter) query() url.Values {
	q := url.Values{}
	if filter.Role != "" {
		q.Set("role", string(filter.Role))
	}
	if filter.Search != "" {
		q.Set("search", filter.Search)
	}
	return q
}

// ListMembers returns every member of orgID that matches filter, all pages.
func (c *Client) ListMembers(ctx context.Context, orgID string, filter MemberFilter) ([]Member, error) {
	return collectTokenPages[Member](ctx, c, membersPath(orgID), filter.query())
}

// MemberPage returns one page of the members of orgID that match filter, at limit
// TokenPageLimit (the envelope listings' largest): the first for an empty pageToken, else the
// page that the previous page's Next.Page names. Next is nil on the last page.
func (c *Client) MemberPage(ctx context.Context, orgID string, filter MemberFilter, pageToken string) (*ListPage[Member], error) {
	return tokenPage[Member](ctx, c, membersPath(orgID), filter.query(), pageToken)
}

// GetMember returns one member of orgID.
func (c *Client) GetMember(ctx context.Context, orgID, userID string) (*Member, error) {
	return call[Member](ctx, c, request{method: "GET", path: memberPath(orgID, userID), mode: retryIdempotent})
}

// UpdateMemberRole sets a member's content role.
func (c *Client) UpdateMemberRole(ctx context.Context, orgID, userID string, role ContentRole) (*Member, error) {
	return call[Member](ctx, c, request{method: "PATCH", path: memberPath(orgID, userID), body: UpdateMemberRequest{Role: role}, mode: retryIdempotent})
}

// RemoveMember removes a member of orgID and says what happened: an outcome or an error, never both
// (on error the result is the zero RemoveResult). A 404 is an error: the organization is unknown. A 2xx
// other than 205, 204 or 202 is an error too (UnexpectedStatusError).
func (c *Client) RemoveMember(ctx context.Context, orgID, userID string) (RemoveResult, error) {
	status, err := c.do(ctx, request{method: "DELETE", path: memberPath(orgID, userID), mode: retryIdempotent,
		accept: []int{http.StatusResetContent, http.StatusNoContent, http.StatusAccepted}}, nil)
	switch {
	case err != nil:
		return 0, err
	case status == http.StatusAccepted:
		return RemovalRequested, nil
	case status == http.StatusNoContent:
		return MemberNotFound, nil
	default:
		return MemberRemoved, nil
	}
}
