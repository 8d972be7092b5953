package emulator

import (
	"encoding/base64"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// Two pagination styles share this file: the sub-organization list takes page numbers (page, take)
// and answers a bare array; invite links and members take an opaque cursor (page, limit) and answer
// the client.ListPage envelope.

const (
	defaultTake  = 100
	maxTake      = 100
	defaultLimit = 100
	maxLimit     = 1000
)

// pageParams are the numbered-page parameters of GET /orgs/{org_id}/orgs: page is 1-based.
func pageParams(q url.Values) (page, take int, err error) {
	if page, err = intParam(q, "page", 1, 1, math.MaxInt32); err != nil {
		return 0, 0, err
	}
	if take, err = intParam(q, "take", defaultTake, 1, maxTake); err != nil {
		return 0, 0, err
	}
	return page, take, nil
}

// window returns the page-th (1-based) run of take items.
func window[T any](items []T, page, take int) []T {
	start := min((page-1)*take, len(items)) // page <= MaxInt32 and take <= 100: no overflow
	return items[start:min(start+take, len(items))]
}

// cursorParams are the cursor parameters of the envelope lists: limit (0 or absent: the default)
// and the sequence number after which the page starts, decoded from the page token.
func cursorParams(q url.Values) (limit int, after int64, err error) {
	if limit, err = intParam(q, "limit", 0, 0, maxLimit); err != nil {
		return 0, 0, err
	}
	if limit == 0 {
		limit = defaultLimit
	}
	if token := q.Get("page"); token != "" {
		if after, err = decodePageToken(token); err != nil {
			return 0, 0, err
		}
	}
	return limit, after, nil
}

// intParam reads an optional integer query parameter within [lo, hi].
func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	raw := q.Get(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		return 0, badRequest("query parameter %q must be an integer from %d to %d, got %q", name, lo, hi, raw)
	}
	return n, nil
}

// The page token names the sequence number of the last item of the previous page. Sequence numbers
// only grow and are never reused, so a token stays valid, and skips or repeats nothing, while
// items are created or deleted between pages.
const pageTokenPrefix = "after:"

func encodePageToken(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(pageTokenPrefix + strconv.FormatInt(seq, 10)))
}

func decodePageToken(token string) (int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	digits, ok := strings.CutPrefix(string(raw), pageTokenPrefix)
	seq, perr := strconv.ParseInt(digits, 10, 64)
	if err != nil || !ok || perr != nil || seq < 0 {
		return 0, badRequest("query parameter \"page\" is not a page token from this list")
	}
	return seq, nil
}

// cursorPage cuts the envelope page of up to limit items that follow sequence number after. items
// must be in ascending sequence order; count is the number of all items, over every page.
func cursorPage[T, V any](items []T, seq func(T) int64, after int64, limit int, view func(T) V) client.ListPage[V] {
	start := sort.Search(len(items), func(i int) bool { return seq(items[i]) > after })
	end := min(start+limit, len(items))
	page := client.ListPage[V]{Items: make([]V, 0, end-start), Count: len(items)}
	for _, item := range items[start:end] {
		page.Items = append(page.Items, view(item))
	}
	if end < len(items) {
		page.Next = &client.PageNext{Page: encodePageToken(seq(items[end-1]))}
	}
	return page
}
