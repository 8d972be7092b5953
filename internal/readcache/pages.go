package readcache

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// Pager fetches the pages of one organization's listing, in order. Its calls never overlap.
type Pager[T any] interface {
	// Ahead is how many of the next pages one Fetch can request at once.
	Ahead() int
	// Fetch requests the next n pages, 1 <= n <= Ahead(), and returns their items and whether the
	// listing's last page is among them.
	Fetch(ctx context.Context, n int) (items []T, last bool, err error)
}

// NumberedPages is a listing of pages numbered from 1, of pageSize items but the last, which is
// shorter; a page past the end is empty. Up to window pages are requested at once, but never more
// than were fetched before: the end is unknown until a short page shows it, and this way the pages
// requested past it are fewer than those before it (1, 1, 2, 4, 8, then window at a time). An object
// created while the listing is read moves the later ones a place on, so a page may repeat one of
// the page before, which does no harm; one that slips past both pages is read with a GET, as any
// object the listing lacks.
func NumberedPages[T any](page func(ctx context.Context, page int) ([]T, error), pageSize, window int) Pager[T] {
	return &numberedPages[T]{page: page, pageSize: pageSize, window: window, next: 1}
}

type numberedPages[T any] struct {
	page             func(ctx context.Context, page int) ([]T, error)
	pageSize, window int
	next             int // the number of the next page to fetch
}

func (p *numberedPages[T]) Ahead() int { return min(p.window, max(p.next-1, 1)) }

func (p *numberedPages[T]) Fetch(ctx context.Context, n int) ([]T, bool, error) {
	pages := make([][]T, n)
	g, gctx := errgroup.WithContext(ctx)
	for i := range pages {
		g.Go(func() error {
			var err error
			pages[i], err = p.page(gctx, p.next+i)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, false, err
	}
	p.next += n
	var items []T
	last := false
	for _, page := range pages {
		items = append(items, page...)
		last = last || len(page) < p.pageSize
	}
	return items, last, nil
}

// TokenPages is a listing whose pages are linked by a token: each page comes with the next one's
// token, "" on the last. One page at a time.
func TokenPages[T any](page func(ctx context.Context, token string) (items []T, next string, err error)) Pager[T] {
	return &tokenPages[T]{page: page}
}

type tokenPages[T any] struct {
	page func(ctx context.Context, token string) ([]T, string, error)
	next string // the next page's token; "" before the first
}

func (p *tokenPages[T]) Ahead() int { return 1 }

func (p *tokenPages[T]) Fetch(ctx context.Context, _ int) ([]T, bool, error) {
	items, next, err := p.page(ctx, p.next)
	if err != nil {
		return nil, false, err
	}
	p.next = next
	return items, next == "", nil
}
