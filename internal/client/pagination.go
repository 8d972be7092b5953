package client

import (
	"context"
	"errors"
	"net/url"
	"strconv"

	"golang.org/x/sync/errgroup"
)

// Page sizes: the largest each list endpoint allows, so a listing costs the fewest requests.
const (
	subOrgPageSize = 100
	tokenPageLimit = 1000
)

// collectNumberedPages reads every page of a numbered (page/take) listing. A page shorter than take
// is the last. After the first page, pages are fetched PageConcurrency at a time: the count is not
// known up front, so the last window may read up to PageConcurrency pages past the end, which the
// API answers with an empty array (an assumption the README lists).
//
// visit, when set, is called with each page as soon as it arrives, on a goroutine of its own: pages
// arrive out of order and visits run concurrently, so that a caller's work on one page overlaps the
// wait for the others. Pages past the end are visited too, empty. All visits end before it returns.
func collectNumberedPages[T any](ctx context.Context, c *Client, path string, visit func(page int, items []T) error) ([]T, error) {
	// Visits run beside the fetching, so work on one window of pages overlaps the wait for the next.
	var visits errgroup.Group
	fetch := func(ctx context.Context, page int) ([]T, error) {
		var items []T
		q := url.Values{"page": {strconv.Itoa(page)}, "take": {strconv.Itoa(subOrgPageSize)}}
		if _, err := c.do(ctx, request{method: "GET", path: path, query: q, mode: retryIdempotent}, &items); err != nil {
			return nil, err
		}
		if visit != nil {
			visits.Go(func() error { return visit(page, items) })
		}
		return items, nil
	}
	all, err := fetch(ctx, 1)
	if err != nil || len(all) < subOrgPageSize {
		return all, errors.Join(err, visits.Wait())
	}
	for next := 2; ; next += c.pageConcurrency {
		pages := make([][]T, c.pageConcurrency)
		g, gctx := errgroup.WithContext(ctx)
		for i := range pages {
			g.Go(func() error {
				items, err := fetch(gctx, next+i)
				pages[i] = items
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return nil, errors.Join(err, visits.Wait())
		}
		for _, items := range pages {
			all = append(all, items...)
			if len(items) < subOrgPageSize {
				return all, visits.Wait()
			}
		}
	}
}

// collectTokenPages reads every page of an envelope listing that links pages by an opaque token.
// These pages cannot be fetched ahead, so they are read one after the other.
func collectTokenPages[T any](ctx context.Context, c *Client, path string, query url.Values) ([]T, error) {
	var all []T
	token := ""
	for {
		q := url.Values{"limit": {strconv.Itoa(tokenPageLimit)}}
		for k, v := range query {
			q[k] = v
		}
		if token != "" {
			q.Set("page", token)
		}
		var page ListPage[T]
		if _, err := c.do(ctx, request{method: "GET", path: path, query: q, mode: retryIdempotent}, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if page.Next == nil || page.Next.Page == "" {
			return all, nil
		}
		token = page.Next.Page
	}
}
