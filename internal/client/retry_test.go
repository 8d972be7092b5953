package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

const testToken = "secret-token-1234567890"

// scripted serves the given answers in order, then 200 {}; it counts the requests it saw.
type scripted struct {
	mu      sync.Mutex
	answers []func(w http.ResponseWriter)
	hits    atomic.Int32
	times   []time.Time
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	s.hits.Add(1)
	s.mu.Lock()
	s.times = append(s.times, time.Now())
	var answer func(w http.ResponseWriter)
	if len(s.answers) > 0 {
		answer, s.answers = s.answers[0], s.answers[1:]
	}
	s.mu.Unlock()
	if answer == nil {
		_, _ = w.Write([]byte(`{"id":"usr_1","name":"A","email":"a@example.com"}`))
		return
	}
	answer(w)
}

func status(code int, headers ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(code)
		_, _ = fmt.Fprintf(w, `{"error":{"code":%d,"message":"scripted %d"}}`, code, code)
	}
}

func newTestClient(t *testing.T, url string, mutate ...func(*Config)) (*Client, *[]RequestLog) {
	t.Helper()
	var mu sync.Mutex
	logs := &[]RequestLog{}
	cfg := Config{
		BaseURL: url, Token: testToken, UserAgent: "test-agent/1",
		MaxRetries: DefaultMaxRetries, MinRetryWait: time.Millisecond, MaxRetryWait: 5 * time.Millisecond,
		Logger: func(_ context.Context, e RequestLog) {
			mu.Lock()
			defer mu.Unlock()
			*logs = append(*logs, e)
		},
	}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, logs
}

// memoryTransport hands each request straight to a handler, without a network. Tests that wait
// (Retry-After, rate-limit resets, backoff, timeouts) run in a synctest bubble, whose clock is fake
// so the waits cost no real time; an httptest server would not do there, since its sockets are
// outside the bubble.
type memoryTransport struct{ h http.Handler }

func (m memoryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	if r.Body == nil {
		r.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	m.h.ServeHTTP(rec, r)
	if err := req.Context().Err(); err != nil {
		return nil, err // the client gave up before the answer
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// newMemoryClient is newTestClient whose requests go to h through a memoryTransport; timeout is the
// http.Client's (0: none).
func newMemoryClient(t *testing.T, h http.Handler, timeout time.Duration, mutate ...func(*Config)) (*Client, *[]RequestLog) {
	t.Helper()
	inMemory := func(cfg *Config) {
		cfg.HTTPClient = &http.Client{Transport: memoryTransport{h}, Timeout: timeout}
	}
	return newTestClient(t, "https://api.invent.test", append([]func(*Config){inMemory}, mutate...)...)
}

func TestRetryAfterIsHonoured(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &scripted{answers: []func(http.ResponseWriter){status(429, "Retry-After", "1")}}
		c, logs := newMemoryClient(t, h, 0)

		start := time.Now()
		if _, err := c.CurrentUser(context.Background()); err != nil {
			t.Fatalf("CurrentUser: %v", err)
		}
		if waited := time.Since(start); waited < time.Second {
			t.Errorf("waited %s, want at least the 1s Retry-After", waited)
		}
		if got := h.hits.Load(); got != 2 {
			t.Errorf("attempts = %d, want 2", got)
		}
		if len(*logs) != 2 || (*logs)[0].Status != 429 || (*logs)[0].RetryIn < time.Second || (*logs)[1].Attempt != 2 {
			t.Errorf("log entries = %+v", *logs)
		}
	})
}

func TestRateLimitResetPausesEveryRequest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		reset := time.Now().Add(1500 * time.Millisecond).Unix()
		h := &scripted{answers: []func(http.ResponseWriter){func(w http.ResponseWriter) {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
			_, _ = w.Write([]byte(`{"id":"usr_1"}`))
		}}}
		c, _ := newMemoryClient(t, h, 0)
		if _, err := c.CurrentUser(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, err := c.CurrentUser(context.Background()); err != nil {
			t.Fatal(err)
		}
		if h.times[1].Before(time.Unix(reset, 0)) {
			t.Errorf("second request at %s, before the advertised reset %s", h.times[1], time.Unix(reset, 0))
		}
	})
}

func TestRetryPolicy(t *testing.T) {
	cases := []struct {
		name      string
		code      int
		create    bool
		wantHits  int32
		wantError bool
	}{
		{"read retried after 503", 503, false, 2, false},
		{"read retried after 502", 502, false, 2, false},
		{"read retried after 504", 504, false, 2, false},
		{"create retried after 429", 429, true, 2, false},
		{"create retried after 503", 503, true, 2, false},
		{"create not retried after 502", 502, true, 1, true},
		{"create not retried after 500", 500, true, 1, true},
		{"read retried after 500", 500, false, 2, false},
		{"read not retried after 501", 501, false, 1, true},
		{"read not retried after 404", 404, false, 1, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := &scripted{answers: []func(http.ResponseWriter){status(tc.code)}}
			srv := httptest.NewServer(h)
			defer srv.Close()
			c, _ := newTestClient(t, srv.URL)
			var err error
			if tc.create {
				_, err = c.CreateInviteLink(context.Background(), "org", NewInviteLinkRequest(RoleRead, "", ""))
			} else {
				_, err = c.CurrentUser(context.Background())
			}
			if (err != nil) != tc.wantError {
				t.Errorf("err = %v, want error %v", err, tc.wantError)
			}
			if got := h.hits.Load(); got != tc.wantHits {
				t.Errorf("attempts = %d, want %d", got, tc.wantHits)
			}
		})
	}
}

func TestRetriesAreBounded(t *testing.T) {
	h := &scripted{}
	for range 10 {
		h.answers = append(h.answers, status(503))
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = 3 })
	_, err := c.CurrentUser(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable || apiErr.Message != "scripted 503" {
		t.Fatalf("err = %v, want the final 503 with the API's message", err)
	}
	if got := h.hits.Load(); got != 4 {
		t.Errorf("attempts = %d, want 1 + 3 retries", got)
	}
}

// Zero retries means exactly that: one attempt, even after an answer that is always retryable.
func TestZeroMaxRetriesSendsOnce(t *testing.T) {
	h := &scripted{answers: []func(http.ResponseWriter){status(503)}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, logs := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = 0 })
	if _, err := c.CurrentUser(context.Background()); !hasStatus(err, http.StatusServiceUnavailable) {
		t.Errorf("err = %v, want the 503", err)
	}
	if got := h.hits.Load(); got != 1 || len(*logs) != 1 || (*logs)[0].RetryIn != 0 {
		t.Errorf("attempts = %d, log %+v; want exactly one attempt and no retry planned", got, *logs)
	}
}

func TestNegativeMaxRetriesIsRefused(t *testing.T) {
	if _, err := New(Config{BaseURL: "https://x.example", Token: testToken, MaxRetries: -1}); err == nil {
		t.Error("want an error for MaxRetries -1")
	}
}

func TestRetryStopsAtContextDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &scripted{answers: []func(http.ResponseWriter){status(429, "Retry-After", "30")}}
		c, _ := newMemoryClient(t, h, 0)
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.CurrentUser(ctx)
		if !IsRateLimited(err) {
			t.Fatalf("err = %v, want the 429 at once rather than a 30s sleep past the deadline", err)
		}
		if time.Since(start) > 400*time.Millisecond {
			t.Errorf("took %s", time.Since(start))
		}
	})
}

// A create whose answer never comes may have been applied: sending it again could duplicate an
// invite, so it is sent exactly once and the timeout is reported.
func TestCreateIsNotRepeatedAfterTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var hits atomic.Int32
		release := make(chan struct{})
		defer close(release)
		h := http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			select {
			case <-release:
			case <-r.Context().Done():
			}
		})
		c, _ := newMemoryClient(t, h, 200*time.Millisecond)
		_, err := c.CreateInviteLink(context.Background(), "org", NewInviteLinkRequest(RoleRead, "", ""))
		if err == nil {
			t.Fatal("want a timeout error")
		}
		if got := hits.Load(); got != 1 {
			t.Errorf("create sent %d times, want exactly once", got)
		}
		// A read in the same situation is retried: repeating it is harmless.
		hits.Store(0)
		_, _ = c.CurrentUser(context.Background())
		if got := hits.Load(); got < 2 {
			t.Errorf("read sent %d times, want retries", got)
		}
	})
}

// A write cancelled after it was sent (Ctrl-C in Terraform) still returns the API's answer: giving
// up on it would not undo the write, only lose the news of it (for a create, the new link's ID,
// which leaves the link unmanaged).
func TestWriteInFlightOutlivesCancellation(t *testing.T) {
	var cancel context.CancelFunc
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cancel() // the API has acted when the caller gives up
		if r.Method == http.MethodDelete {
			w.WriteHeader(http.StatusResetContent)
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"object":"link-invite","id":"inv_1","role":"read","redundant":false}`))
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)

	ctx, cancelCreate := context.WithCancel(context.Background())
	cancel = cancelCreate
	link, err := c.CreateInviteLink(ctx, "org", NewInviteLinkRequest(RoleRead, "", ""))
	if err != nil || link.ID != "inv_1" {
		t.Fatalf("create: got %+v, %v; want the created link despite the cancellation", link, err)
	}
	// A write not yet sent is not sent once cancelled.
	if _, err := c.CreateInviteLink(ctx, "org", NewInviteLinkRequest(RoleRead, "", "")); !errors.Is(err, context.Canceled) {
		t.Errorf("create after cancellation: err = %v, want context.Canceled", err)
	}

	ctx, cancelDelete := context.WithCancel(context.Background())
	cancel = cancelDelete
	if existed, err := c.DeleteInviteLink(ctx, "org", "inv_1"); err != nil || !existed {
		t.Errorf("delete: got %v, %v; want the revocation reported despite the cancellation", existed, err)
	}
}

// A refused connection never reached the API, so even a create may be repeated.
func TestCreateRetriedWhenConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens there now
	c, logs := newTestClient(t, "http://"+addr, func(cfg *Config) { cfg.MaxRetries = 2 })
	_, err = c.CreateInviteLink(context.Background(), "org", NewInviteLinkRequest(RoleRead, "", ""))
	if err == nil {
		t.Fatal("want an error")
	}
	if len(*logs) != 3 {
		t.Errorf("attempts = %d, want 3 (refused connections are retried)", len(*logs))
	}
}

func TestTokenNeverInLogsOrErrors(t *testing.T) {
	// A hostile server echoes the Authorization header into its error body.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":{"code":400,"message":"bad header ` + r.Header.Get("Authorization") + `"}}`))
	}))
	defer srv.Close()
	c, logs := newTestClient(t, srv.URL)
	_, err := c.CurrentUser(context.Background())
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.Contains(err.Error(), testToken) {
		t.Errorf("error leaks the token: %v", err)
	}
	for _, e := range *logs {
		if strings.Contains(fmt.Sprintf("%+v", e), testToken) {
			t.Errorf("log entry leaks the token: %+v", e)
		}
	}
}

func TestUserAgentAndAuthHeaders(t *testing.T) {
	var gotUA, gotAuth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotUA, gotAuth = r.Header.Get("User-Agent"), r.Header.Get("Authorization")
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	if _, err := c.CurrentUser(context.Background()); err != nil {
		t.Fatal(err)
	}
	if gotUA != "test-agent/1" || gotAuth != "Bearer "+testToken {
		t.Errorf("User-Agent %q, Authorization %q", gotUA, gotAuth)
	}
}

func TestParseBaseURL(t *testing.T) {
	cases := map[string]string{
		"":                              "",
		"https://api.useinvent.com":     "",
		"https://api.useinvent.com/":    "",
		"http://127.0.0.1:8787":         "",
		"http://127.9.9.9":              "",
		"http://localhost:1":            "",
		"http://[::1]:8080":             "",
		"http://api.useinvent.com":      "plain http",
		"http://10.0.0.1":               "plain http",
		"api.useinvent.com":             "not an absolute",
		"ftp://x":                       "not an absolute",
		"https://u:p@api.useinvent.com": "must not carry",
		"https://api.useinvent.com?x=1": "must not carry",
		"https://api.useinvent.com?":    "must not carry",
		"https://api.useinvent.com/v1":  `without a path such as "/v1": the provider adds each endpoint's path (/users/me, /orgs/...) itself, so use https://api.useinvent.com`,
		"http://127.0.0.1:8787/api/":    "without a path",
		"https://api.useinvent.com ":    "has whitespace around it",
		" https://api.useinvent.com":    "has whitespace around it",
		"https://api.useinvent.com/\n":  "has whitespace around it",
	}
	for raw, want := range cases {
		_, err := ParseBaseURL(raw)
		switch {
		case want == "" && err != nil:
			t.Errorf("%q: %v", raw, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%q: err = %v, want %q", raw, err, want)
		}
	}
}

// A base URL with a password in it is refused without repeating the password.
func TestParseBaseURLHidesCredentials(t *testing.T) {
	for _, raw := range []string{"https://user:hunter2@api.useinvent.com", "http://user:hunter2@api.example.com", "://user:hunter2@x"} {
		_, err := ParseBaseURL(raw)
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%q: err = %v", raw, err)
		}
	}
}

func TestNewRequiresToken(t *testing.T) {
	if _, err := New(Config{BaseURL: "https://x.example", Token: " "}); err == nil {
		t.Error("want an error for a blank token")
	}
}

// A token that cannot be sent as it is configured is refused before any request, without showing it:
// sent, a trailing newline made every request fail after ten seconds of retries with Go's "invalid
// header field value".
func TestCheckToken(t *testing.T) {
	cases := map[string]string{
		testToken:                              "",
		testToken + "\n":                       "whitespace around it (such as a trailing newline",
		" " + testToken:                        "whitespace around it",
		"\t":                                   "an API token is required",
		testToken[:4] + "\x00" + testToken[4:]: "cannot be sent in an HTTP header",
		testToken[:4] + "é" + testToken[4:]:    "cannot be sent in an HTTP header",
		testToken[:4] + " " + testToken[4:]:    "",
	}
	for token, want := range cases {
		err := CheckToken(token)
		if want == "" {
			if err != nil {
				t.Errorf("%q: %v", token, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", token, err, want)
		}
		if err != nil && strings.Contains(err.Error(), testToken[4:]) {
			t.Errorf("the error shows the token: %v", err)
		}
		if _, err := New(Config{BaseURL: "https://x.example", Token: token}); err == nil {
			t.Errorf("New accepted %q", token)
		}
	}
}

func TestBackoffIsCappedAndJittered(t *testing.T) {
	c := &Client{minRetryWait: 100 * time.Millisecond, maxRetryWait: time.Second}
	seen := map[time.Duration]bool{}
	for attempt := 1; attempt <= 10; attempt++ {
		for range 20 {
			d := c.backoff(attempt)
			if d > time.Second || d < 50*time.Millisecond {
				t.Fatalf("attempt %d: backoff %s outside [50ms, 1s]", attempt, d)
			}
			seen[d] = true
		}
	}
	if len(seen) < 10 {
		t.Errorf("only %d distinct waits: no jitter", len(seen))
	}
}

// A write is awaited when its caller is cancelled, but not past the caller's deadline: an operation's
// timeout (a resource's timeouts block) bounds its writes as it bounds its reads, and the failure is
// one after which the create may have acted.
func TestWriteStopsAtContextDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
		c, _ := newMemoryClient(t, h, DefaultHTTPTimeout)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		start := time.Now()
		_, err := c.CreateInviteLink(ctx, "org", NewInviteLinkRequest(RoleRead, "", ""))
		if !errors.Is(err, context.DeadlineExceeded) || !MayHaveActed(err) {
			t.Errorf("err = %v, want the deadline, as a failure after which the create may have acted", err)
		}
		if waited := time.Since(start); waited != 5*time.Second {
			t.Errorf("the create gave up after %s, want the 5s deadline (not the %s HTTP timeout)", waited, DefaultHTTPTimeout)
		}
	})
}
