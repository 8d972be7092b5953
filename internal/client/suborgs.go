package client

import "context"

func subOrgsPath(orgID string) string {
	return orgPath(orgID, "orgs")
}

func subOrgPath(orgID, subOrgID string) string {
	return orgPath(orgID, "orgs", subOrgID)
}

// ListSubOrgs returns every sub-organization of orgID, all pages, in the API's order.
func (c *Client) ListSubOrgs(ctx context.Context, orgID string) ([]SubOrg, error) {
	return collectNumberedPages[SubOrg](ctx, c, subOrgsPath(orgID), nil)
}

// VisitSubOrgPages reads every page of orgID's sub-organizations like ListSubOrgs, and calls visit
// with each page (numbered from 1) as soon as it arrives: out of order and concurrently, so that
// work on a page overlaps the wait for the next ones. Pages past the end are visited empty.
func (c *Client) VisitSubOrgPages(ctx context.Context, orgID string, visit func(page int, subOrgs []SubOrg) error) error {
	_, err := collectNumberedPages(ctx, c, subOrgsPath(orgID), visit)
	return err
}

// GetSubOrg returns one sub-organization of orgID.
func (c *Client) GetSubOrg(ctx context.Context, orgID, subOrgID string) (*SubOrg, error) {
	return call[SubOrg](ctx, c, request{method: "GET", path: subOrgPath(orgID, subOrgID), mode: retryIdempotent})
}

// CreateSubOrg creates a sub-organization of orgID. It is not repeated after an ambiguous failure,
// since a second sub-organization of the same name could be created.
func (c *Client) CreateSubOrg(ctx context.Context, orgID, name string) (*SubOrg, error) {
	return call[SubOrg](ctx, c, request{method: "POST", path: subOrgsPath(orgID), body: CreateSubOrgRequest{Name: name}, mode: retryUnsent})
}

// JoinSubOrg makes the caller a member of subOrgID with role, or sets its role when it is one
// already: the API's upsert, so repeating it is harmless.
func (c *Client) JoinSubOrg(ctx context.Context, orgID, subOrgID, role string) (*SubOrg, error) {
	return call[SubOrg](ctx, c, request{method: "POST", path: orgPath(orgID, "orgs", subOrgID, "join"), body: JoinSubOrgRequest{Role: role}, mode: retryIdempotent})
}

// LeaveSubOrg removes the caller from subOrgID. A caller that is not a member gets a 404 error.
func (c *Client) LeaveSubOrg(ctx context.Context, orgID, subOrgID string) error {
	_, err := c.do(ctx, request{method: "DELETE", path: orgPath(orgID, "orgs", subOrgID, "join"), mode: retryIdempotent}, nil)
	return err
}
