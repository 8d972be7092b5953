package client

import (
	"context"
	"net/http"
)

func subOrgsPath(orgID string) string {
	return orgPath(orgID, "orgs")
}

func subOrgPath(orgID, subOrgID string) string {
	return orgPath(orgID, "orgs", subOrgID)
}

// ListSubOrgs returns every sub-organization of orgID, all pages, in the API's order, each once.
func (c *Client) ListSubOrgs(ctx context.Context, orgID string) ([]SubOrg, error) {
	all := []SubOrg{}
	err := c.VisitSubOrgPages(ctx, orgID, func(_ int, subOrgs []SubOrg) error {
		all = append(all, subOrgs...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return all, nil
}

// VisitSubOrgPages reads every page of orgID's sub-organizations and calls visit with pages 1 to the
// last (the first page shorter than SubOrgPageSize), in page order and from one goroutine, while the
// pages after them are still being fetched. Each page comes without the sub-organizations an earlier
// page had (a sub-organization created during the listing moves the later ones a place on), so
// together the pages hold every sub-organization once; one that existed throughout the listing is
// never missing. The first error, of a request or of visit, cancels the requests under way and is
// returned; visit is not called after it.
func (c *Client) VisitSubOrgPages(ctx context.Context, orgID string, visit func(page int, subOrgs []SubOrg) error) error {
	return visitNumberedPages(ctx, c, subOrgsPath(orgID), func(so SubOrg) string { return so.ID }, visit)
}

// SubOrgPage returns one page of orgID's sub-organizations, numbered from 1, at take SubOrgPageSize,
// as the API answers it: a page shorter than SubOrgPageSize is the last, and a page past the end is
// empty. Unlike VisitSubOrgPages it does nothing about sub-organizations created between the reads
// of two pages, which can make one appear on both.
func (c *Client) SubOrgPage(ctx context.Context, orgID string, page int) ([]SubOrg, error) {
	return numberedPage[SubOrg](ctx, c, subOrgsPath(orgID), page)
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

// LeaveSubOrg removes the caller from subOrgID (204; any other 2xx is an UnexpectedStatusError). A
// caller that is not a member gets a 404 error.
func (c *Client) LeaveSubOrg(ctx context.Context, orgID, subOrgID string) error {
	_, err := c.do(ctx, request{method: "DELETE", path: orgPath(orgID, "orgs", subOrgID, "join"), mode: retryIdempotent,
		accept: []int{http.StatusNoContent}}, nil)
	return err
}
