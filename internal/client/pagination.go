package client

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"

	"golang.org/x/sync/errgroup"
)

// Page sizes: the largest each list endpoint allows, so a listing costs the fewest requests.
const (
	// SubOrgPageSize is the take of every page of sub-organizations the client reads (the API allows
	// 1 to 100). A page shorter than SubOrgPageSize is the last.
	SubOrgPageSize = 100
	// TokenPageLimit is the limit of every page the client reads from the envelope listings,
	// invite links and members (the API allows up to 1000).
	TokenPageLimit = 1000
)

// numberedPage reads one page, numbered from 1, of a page/take listing at take SubOrgPageSize. A
// page past the end is empty.
func numberedPage[T any](ctx context.Context, c *Client, path string, page int) ([]T, error) {
	if page < 1 {
		return nil, fmt.Errorf("page %d of %s: pages are numbered from 1", page, path)
	}
	items := []T{}
	q := url.Values{"page": {strconv.Itoa(page)}, "take": {strconv.Itoa(SubOrgPageSize)}}
	if _, err := c.do(ctx, request{method: http.MethodGet, path: path, query: q, mode: retryIdempotent}, &items); err != nil {
		return nil, err
	}
	return items, nil
}

// visitNumberedPages reads every page of a page/take listing and calls visit with pages 1 to the
// last, in order, from one goroutine, while the pages after them are still being fetched. The first
// page shorter than SubOrgPageSize is the last: nothing after it is visited. Each page comes without
// the items whose ID (id) an earlier page already had, so no item is visited twice.
//
// The first error, of a fetch or of visit, cancels every fetch under way and is returned; visit is
// not called again after it.
//
// After the first page, pages are fetched PageConcurrency at a time. The count is not known up
// front, so the window that holds the last page also reads pages past it, which the API answers
// with an empty array (an assumption the README lists).
//
// An item created while the listing runs moves every item after it one place on: a page read after
// the creation repeats the last item of the page before it (hence the duplicates), and when two
// pages of one window were answered in the opposite order, the item between them slips past both. So
// a window is handed over only once a page read after all of it (the next window's first, or the
// last page read again) shows that nothing moved while it was read; otherwise the window is read
// again one page after the other, which cannot miss an item that existed throughout (see
// numberedListing.moved). An item deleted during the listing can still make it miss another, as with
// any offset pagination; the API has no endpoint that deletes a sub-organization.
func visitNumberedPages[T any](ctx context.Context, c *Client, path string, id func(T) string, visit func(page int, items []T) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type page struct {
		number int
		items  []T
	}
	pages := make(chan page, c.pageConcurrency)
	readErr := make(chan error, 1)
	go func() {
		defer close(pages)
		l := &numberedListing[T]{c: c, path: path, id: id, seen: map[string]bool{}}
		err := l.read(ctx, func(number int, items []T) error {
			select {
			case pages <- page{number, items}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		if err != nil {
			cancel() // and the pages already read are not visited
		}
		readErr <- err
	}()
	var visitErr error
	for p := range pages {
		if visitErr != nil || ctx.Err() != nil {
			continue // drained, so that the reader is never stuck sending
		}
		if visitErr = visit(p.number, p.items); visitErr != nil {
			cancel()
		}
	}
	if err := <-readErr; visitErr == nil {
		return err
	}
	return visitErr
}

// numberedListing is the state of one visitNumberedPages: the reader's side.
type numberedListing[T any] struct {
	c    *Client
	path string
	id   func(T) string
	seen map[string]bool // the IDs handed over so far
}

// window is a run of consecutive pages, pages[i] being page first+i.
type window[T any] struct {
	first int
	pages [][]T
}

// last is the index of the listing's last page in w, the first page shorter than SubOrgPageSize, or
// -1 when every page of w is full.
func (w window[T]) last() int {
	for i, items := range w.pages {
		if len(items) < SubOrgPageSize {
			return i
		}
	}
	return -1
}

// read fetches the pages and hands each one over once, deduplicated, through deliver.
func (l *numberedListing[T]) read(ctx context.Context, deliver func(page int, items []T) error) error {
	first, err := numberedPage[T](ctx, l.c, l.path, 1)
	if err != nil {
		return err
	}
	if err := deliver(1, l.dedupe(first)); err != nil || len(first) < SubOrgPageSize {
		return err
	}
	w, err := l.fetchWindow(ctx, 2)
	for err == nil {
		last := w.last()
		var next *window[T]
		moved := false
		switch {
		case last == 0:
			// One page: no boundary inside the window that an item could slip past.
		case last > 0:
			var again []T
			if again, err = numberedPage[T](ctx, l.c, l.path, w.first+last); err == nil {
				moved = l.moved(w, last, nil) || firstID(again, l.id) != firstID(w.pages[last], l.id)
			}
		case len(w.pages) > 1:
			if next, err = l.fetchWindow(ctx, w.first+len(w.pages)); err == nil {
				moved = l.moved(w, len(w.pages)-1, next.pages[0])
			}
		}
		if err != nil {
			return err
		}
		if moved {
			// The pages read after w were read before this second reading of it: read them again too.
			if w, err = l.fetchInOrder(ctx, w.first, len(w.pages)); err != nil {
				return err
			}
			next, last = nil, w.last()
		}
		for i, items := range w.pages {
			if err := deliver(w.first+i, l.dedupe(items)); err != nil || i == last {
				return err
			}
		}
		if next == nil {
			next, err = l.fetchWindow(ctx, w.first+len(w.pages))
		}
		w = next
	}
	return err
}

// fetchWindow fetches PageConcurrency pages from first on, at once. The first error cancels the others.
func (l *numberedListing[T]) fetchWindow(ctx context.Context, first int) (*window[T], error) {
	w := &window[T]{first: first, pages: make([][]T, l.c.pageConcurrency)}
	g, gctx := errgroup.WithContext(ctx)
	for i := range w.pages {
		g.Go(func() error {
			var err error
			w.pages[i], err = numberedPage[T](gctx, l.c, l.path, first+i)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return w, nil
}

// fetchInOrder fetches up to n pages from first on, one after the other, up to the listing's last.
func (l *numberedListing[T]) fetchInOrder(ctx context.Context, first, n int) (*window[T], error) {
	w := &window[T]{first: first}
	for page := first; page < first+n; page++ {
		items, err := numberedPage[T](ctx, l.c, l.path, page)
		if err != nil {
			return nil, err
		}
		if w.pages = append(w.pages, items); len(items) < SubOrgPageSize {
			break
		}
	}
	return w, nil
}

// moved reports whether a creation may have made an item slip past w's pages 0..last. It judges by
// the pages of w after the first and by after, a page read once all of w had been (nil when the
// caller re-read the last page instead, which it compares itself): a page that repeats an item of an
// earlier page was read after a creation that the earlier page had not seen.
//
// Why that is enough: a creation moves every item after it one place on, so an item slips from page
// k past page k+1 only if page k+1 was answered before the creation and page k after it. Along pages
// k+1, k+2, ... up to after, which was answered after the creation, some page answered after it
// follows one answered before it, and starts by repeating that page's last item (a re-read last page
// starts with another item than it did). This holds while fewer than a page of items are created
// between two reads. Creations between windows only repeat items, which dedupe drops: windows are
// read one after the other.
func (l *numberedListing[T]) moved(w *window[T], last int, after []T) bool {
	inWindow := map[string]bool{}
	repeats := func(items []T) bool {
		for _, item := range items {
			if id := l.id(item); l.seen[id] || inWindow[id] {
				return true
			}
		}
		return false
	}
	for i, items := range w.pages[:last+1] {
		if i > 0 && repeats(items) {
			return true
		}
		for _, item := range items {
			inWindow[l.id(item)] = true
		}
	}
	return repeats(after)
}

// dedupe drops the items whose ID an earlier page had, and records the rest as seen.
func (l *numberedListing[T]) dedupe(items []T) []T {
	kept := make([]T, 0, len(items))
	for _, item := range items {
		if id := l.id(item); !l.seen[id] {
			l.seen[id] = true
			kept = append(kept, item)
		}
	}
	return kept
}

func firstID[T any](items []T, id func(T) string) string {
	if len(items) == 0 {
		return ""
	}
	return id(items[0])
}

// tokenPage reads one page of an envelope listing that links pages by an opaque token ("" for the
// first), at limit TokenPageLimit. Next is nil on the last page.
func tokenPage[T any](ctx context.Context, c *Client, path string, query url.Values, token string) (*ListPage[T], error) {
	q := url.Values{"limit": {strconv.Itoa(TokenPageLimit)}}
	maps.Copy(q, query)
	if token != "" {
		q.Set("page", token)
	}
	page, err := call[ListPage[T]](ctx, c, request{method: http.MethodGet, path: path, query: q, mode: retryIdempotent})
	if err == nil && page.Next != nil && page.Next.Page == "" {
		page.Next = nil
	}
	return page, err
}

// collectTokenPages reads every page of an envelope listing. These pages cannot be fetched ahead, so
// they are read one after the other.
func collectTokenPages[T any](ctx context.Context, c *Client, path string, query url.Values) ([]T, error) {
	var all []T
	token := ""
	for {
		page, err := tokenPage[T](ctx, c, path, query, token)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if page.Next == nil {
			return all, nil
		}
		token = page.Next.Page
	}
}
