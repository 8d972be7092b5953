// Package client is the embedded client of the Invent organization API: one typed method per
// endpoint of the contract, pagination done for the caller, typed errors, and retries that respect
// the API's rate limit without ever repeating a request the server may have acted on.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// DefaultBaseURL is the production API.
const DefaultBaseURL = "https://api.useinvent.com"

// Defaults. DefaultMaxRetries is for callers to pass (Config.MaxRetries zero means no retries); the
// others apply to Config fields left zero.
const (
	DefaultMaxRetries      = 5
	DefaultPageConcurrency = 10
	defaultMinRetryWait    = 500 * time.Millisecond
	defaultMaxRetryWait    = 30 * time.Second
	// DefaultHTTPTimeout bounds one attempt of a request when Config.HTTPClient is nil; the
	// caller's context deadline bounds it too, whichever comes first.
	DefaultHTTPTimeout = 60 * time.Second
	// maxServerWait caps how long one Retry-After or X-RateLimit-Reset may make the client sleep: a
	// rate-limit window is a minute, so anything longer is a broken header, better reported than obeyed.
	maxServerWait = 2 * time.Minute
)

// Config makes a Client.
type Config struct {
	// BaseURL is the API root; https is required unless the host is loopback. Empty: DefaultBaseURL.
	BaseURL string
	// Token is the API key sent as a bearer token. It never appears in logs or errors.
	Token string
	// UserAgent is sent on every request.
	UserAgent string
	// HTTPClient sends the requests; nil: a client with a 60-second timeout.
	HTTPClient *http.Client
	// MaxRetries is how many times a retryable failure is retried: 0 never (one attempt only). Pass
	// DefaultMaxRetries for the usual behaviour. Negative is an error.
	MaxRetries int
	// MinRetryWait and MaxRetryWait bound the exponential backoff between attempts. Zero: defaults.
	MinRetryWait time.Duration
	MaxRetryWait time.Duration
	// PageConcurrency is how many numbered pages are fetched at once. Zero: default.
	PageConcurrency int
	// Logger, when set, is told about every attempt. Entries carry no headers and no token.
	Logger func(ctx context.Context, entry RequestLog)
}

// RequestLog describes one attempt of one request, for the Logger hook.
type RequestLog struct {
	Method   string
	Path     string
	Status   int // 0 when no answer arrived
	Attempt  int // 1 for the first try
	Duration time.Duration
	// RetryIn is the wait before the next attempt, when there will be one.
	RetryIn time.Duration
	Err     error
}

// Client calls the Invent API. It is safe for concurrent use.
type Client struct {
	baseURL         *url.URL
	token           string
	userAgent       string
	httpClient      *http.Client
	maxRetries      int
	minRetryWait    time.Duration
	maxRetryWait    time.Duration
	pageConcurrency int
	logger          func(context.Context, RequestLog)

	// pauseUntil is when the API said the caller may send again (rate limit exhausted or 429). Every
	// request waits for it, so that ten concurrent operations do not each run into the same 429.
	pauseMu    sync.Mutex
	pauseUntil time.Time
}

// New checks cfg and makes a Client.
func New(cfg Config) (*Client, error) {
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if err := CheckToken(cfg.Token); err != nil {
		return nil, err
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("max retries must be 0 or more, got %d", cfg.MaxRetries)
	}
	c := &Client{
		baseURL:         base,
		token:           cfg.Token,
		userAgent:       cfg.UserAgent,
		httpClient:      cfg.HTTPClient,
		maxRetries:      cfg.MaxRetries,
		minRetryWait:    cfg.MinRetryWait,
		maxRetryWait:    cfg.MaxRetryWait,
		pageConcurrency: cfg.PageConcurrency,
		logger:          cfg.Logger,
	}
	if c.httpClient == nil {
		c.httpClient = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	if c.minRetryWait <= 0 {
		c.minRetryWait = defaultMinRetryWait
	}
	if c.maxRetryWait <= 0 {
		c.maxRetryWait = defaultMaxRetryWait
	}
	if c.pageConcurrency <= 0 {
		c.pageConcurrency = DefaultPageConcurrency
	}
	return c, nil
}

// ParseBaseURL checks an API root: an absolute http(s) URL without a path (but "/"), query, fragment,
// credentials or surrounding whitespace, https unless the host is loopback (127.0.0.0/8, ::1,
// localhost). Empty means DefaultBaseURL.
//
// The path is refused because every endpoint's path is absolute from the API's root: a base URL such
// as https://api.useinvent.com/v1 would send each request to a route the API does not have, and its
// 404 must never be taken for an object that is gone.
func ParseBaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	// Errors show the URL without any password in it, since they end up in Terraform's output.
	shown := raw
	switch {
	case err == nil && u.User != nil:
		shown = u.Redacted()
	case err != nil && strings.Contains(raw, "@"):
		shown = "(not shown: it may hold credentials)"
	}
	if strings.TrimSpace(raw) != raw {
		return nil, fmt.Errorf("base URL %q has whitespace around it; remove it", shown)
	}
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("base URL %q is not an absolute http(s) URL such as %s", shown, DefaultBaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil || u.ForceQuery {
		return nil, fmt.Errorf("base URL %q must not carry credentials, a query or a fragment", shown)
	}
	if u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("base URL %q must be the API's root, without a path such as %q: the provider "+
			"adds each endpoint's path (/users/me, /orgs/...) itself, so use %s://%s", shown, u.EscapedPath(), u.Scheme, u.Host)
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("base URL %q uses plain http, which is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost); use https", shown)
	}
	u.Path, u.RawPath = "", ""
	return u, nil
}

// CheckToken checks an API key before it is sent: it must be non-empty and fit in an HTTP header as it
// is. Whitespace around it (a trailing newline from a file or a secret store) is refused rather than
// trimmed, so that the key sent is the key configured. Errors never show the token.
func CheckToken(token string) error {
	switch {
	case strings.TrimSpace(token) == "":
		return errors.New("an API token is required")
	case strings.TrimSpace(token) != token:
		return errors.New("the API token has whitespace around it (such as a trailing newline, which " +
			"`echo` and many secret files add); remove it")
	}
	for _, r := range token {
		if r < 0x20 || r == 0x7f || r > 0x7e {
			return errors.New("the API token holds a character that cannot be sent in an HTTP header " +
				"(a control character or a non-ASCII one); an Invent API key is printable ASCII")
		}
	}
	return nil
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// retryMode says which failures a request may be retried after.
type retryMode int

const (
	// retryIdempotent: the request can be repeated safely (GET, PUT-like PATCH, DELETE, the join upsert).
	retryIdempotent retryMode = iota
	// retryUnsent: the request creates something, so it is repeated only when the server provably did
	// not act on it. A duplicate invite grants access nobody declared, which is worse than an error.
	retryUnsent
)

// orgPath is the path of an endpoint under /orgs/{orgID}, followed by segments: every segment is
// escaped on its own, so that an ID holding "/", "?" or a space stays one segment.
func orgPath(orgID string, segments ...string) string {
	var b strings.Builder
	b.WriteString("/orgs/")
	b.WriteString(url.PathEscape(orgID))
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// request is one API call, before any attempt.
type request struct {
	method string
	path   string // escaped, segment by segment (orgPath); logs and errors show it so, secret hidden
	// secret is an invite ID in the path, which logs and errors never show whole (see MaskInviteID).
	secret string
	query  url.Values
	body   any
	mode   retryMode
	// accept, when set, lists the only 2xx statuses the endpoint answers; any other is an error
	// (UnexpectedStatusError), since nothing shows that the API gave it.
	accept []int
}

// do sends req with retries and decodes a 2xx body into out (when out is non-nil and there is a
// body). It returns the final status code.
func (c *Client) do(ctx context.Context, req request, out any) (int, error) {
	shownPath := req.hideSecret(req.path)
	var payload []byte
	if req.body != nil {
		var err error
		if payload, err = json.Marshal(req.body); err != nil {
			return 0, fmt.Errorf("encoding the %s %s request: %w", req.method, shownPath, err)
		}
	}
	for attempt := 1; ; attempt++ {
		if err := c.waitForPause(ctx); err != nil {
			return 0, err
		}
		start := time.Now()
		status, header, body, sendErr := c.send(ctx, req, payload)
		wait, retry := c.retryDecision(ctx, req, attempt, status, header, sendErr)
		entry := RequestLog{
			Method: req.method, Path: shownPath, Status: status, Attempt: attempt,
			Duration: time.Since(start), Err: req.hideSecretErr(sendErr),
		}
		if retry {
			entry.RetryIn = wait
		}
		c.log(ctx, entry)

		if sendErr == nil && status >= 200 && status < 300 {
			if err := acceptStatus(req, status); err != nil {
				return status, err
			}
			if out != nil && len(bytes.TrimSpace(body)) > 0 {
				if err := json.Unmarshal(body, out); err != nil {
					return status, &UnreadableAnswerError{Method: req.method, Path: shownPath, StatusCode: status, Err: err}
				}
			}
			return status, nil
		}
		if !retry {
			if sendErr != nil {
				var unreadable *UnreadableAnswerError
				if errors.As(sendErr, &unreadable) {
					return status, c.scrub(sendErr)
				}
				return status, c.scrub(&TransportError{Method: req.method, Path: shownPath, Sent: !notSent(sendErr), Err: req.hideSecretErr(sendErr)})
			}
			// Redacted and masked before it is decoded, so that quoting a prefix cannot cut the token or
			// an invite ID in two.
			return status, decodeAPIError(req.method, shownPath, status, []byte(c.redact(req.hideSecret(string(body)))))
		}
		if err := sleep(ctx, wait); err != nil {
			return status, err
		}
	}
}

// send makes one attempt. The answer's body is read whole (bounded for errors) so the connection is reused.
func (c *Client) send(ctx context.Context, req request, payload []byte) (int, http.Header, []byte, error) {
	// req.path holds escaped segments (see orgPath), absolute from the API's root (the base URL has no
	// path). The URL keeps that escaping in RawPath, with Path its unescaped form, so each segment is
	// escaped exactly once and a "/" inside an ID stays %2F.
	unescaped, err := url.PathUnescape(req.path)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("request path %q: %w", req.hideSecret(req.path), err)
	}
	target := *c.baseURL
	target.Path, target.RawPath = unescaped, req.path
	target.RawQuery = req.query.Encode()
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	if req.method != http.MethodGet {
		// A write, once sent, is awaited even when ctx is cancelled (Terraform cancels it on
		// Ctrl-C): abandoning it cannot stop the API from acting, only lose the answer, and with it
		// the new object's ID or the news that the change was made. The operation's deadline (its
		// timeouts block) and the HTTP client's timeout still bound the wait.
		var cancel context.CancelFunc
		ctx, cancel = withoutCancelKeepingDeadline(ctx)
		defer cancel()
	}
	httpReq, err := http.NewRequestWithContext(ctx, req.method, target.String(), body)
	if err != nil {
		return 0, nil, nil, err
	}
	httpReq.Header.Set("Authorization", "Bearer "+c.token)
	httpReq.Header.Set("Accept", "application/json")
	if c.userAgent != "" {
		httpReq.Header.Set("User-Agent", c.userAgent)
	}
	if payload != nil {
		httpReq.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.httpClient.Do(httpReq)
	if err != nil {
		return 0, nil, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	limit := int64(64 << 20)
	if resp.StatusCode >= 300 {
		limit = maxErrorBody
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil && resp.StatusCode < 300 {
		return resp.StatusCode, resp.Header, nil, &UnreadableAnswerError{Method: req.method, Path: req.hideSecret(req.path), StatusCode: resp.StatusCode, Err: err}
	}
	c.notePause(resp.StatusCode, resp.Header)
	return resp.StatusCode, resp.Header, data, nil
}

// withoutCancelKeepingDeadline is ctx without its cancellation but with its deadline, if any.
func withoutCancelKeepingDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	detached := context.WithoutCancel(ctx)
	if deadline, ok := ctx.Deadline(); ok {
		return context.WithDeadline(detached, deadline)
	}
	return detached, func() {}
}

func (c *Client) log(ctx context.Context, entry RequestLog) {
	if c.logger == nil {
		return
	}
	if entry.Err != nil {
		entry.Err = c.scrub(entry.Err)
	}
	c.logger(ctx, entry)
}

// scrub and redact remove the token from an error's text. Nothing the client builds contains it;
// this guards against a server, transport or proxy that echoes request headers into its errors.
func (c *Client) scrub(err error) error {
	if err == nil || !strings.Contains(err.Error(), c.token) {
		return err
	}
	return errors.New(c.redact(err.Error()))
}

func (c *Client) redact(s string) string {
	return strings.ReplaceAll(s, c.token, "[REDACTED]")
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// call sends req and decodes the answer as a T.
func call[T any](ctx context.Context, c *Client, req request) (*T, error) {
	var out T
	if _, err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
