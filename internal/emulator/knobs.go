package emulator

import (
	"context"
	"fmt"
	"maps"
	"math/rand"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// defaultFaultStatuses are what an injected fault answers with unless told otherwise: the statuses
// a client must retry.
var defaultFaultStatuses = []int{http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable}

// knobs are the misbehaviours a test can switch on: latency, a rate limit and injected faults. They
// have their own lock, apart from the store's, so that waiting on them never blocks state access.
type knobs struct {
	mu            sync.Mutex
	rng           *rand.Rand
	faultRate     float64
	faultStatuses []int
	latency       time.Duration
	rateLimit     int
	rateWindow    time.Duration
	windows       map[string]*rateWindow // by token; one per distinct token ever presented
}

// rateWindow counts one caller's requests in a fixed window that begins with the caller's first
// request after the previous window ended.
type rateWindow struct {
	start time.Time
	count int
}

func newKnobs(opts Options) (*knobs, error) {
	k := &knobs{rng: rand.New(rand.NewSource(opts.Seed)), windows: make(map[string]*rateWindow)}
	if err := k.setFaults(opts.FaultRate, opts.FaultStatuses, opts.Latency); err != nil {
		return nil, err
	}
	if err := k.setRateLimit(opts.RateLimit, opts.RateLimitWindow); err != nil {
		return nil, err
	}
	return k, nil
}

// SetFaults changes the fault rate, the fault statuses (nil: the default) and the latency while the
// server runs. It panics on values New would refuse: they are mistakes in the calling test.
func (s *Server) SetFaults(rate float64, statuses []int, latency time.Duration) {
	if err := s.knobs.setFaults(rate, statuses, latency); err != nil {
		panic(err)
	}
}

// SetRateLimit changes the rate limit (0: off) and its window (0: a minute) while the server runs,
// starting every caller afresh. It panics on a negative value.
func (s *Server) SetRateLimit(n int, window time.Duration) {
	if err := s.knobs.setRateLimit(n, window); err != nil {
		panic(err)
	}
}

func (k *knobs) setFaults(rate float64, statuses []int, latency time.Duration) error {
	if rate < 0 || rate > 1 {
		return fmt.Errorf("fault rate must be within [0,1], got %v", rate)
	}
	if latency < 0 {
		return fmt.Errorf("latency must not be negative, got %v", latency)
	}
	if len(statuses) == 0 {
		statuses = defaultFaultStatuses
	}
	for _, status := range statuses {
		if status < 400 || status > 599 {
			return fmt.Errorf("fault status %d is not an HTTP error status", status)
		}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.faultRate, k.faultStatuses, k.latency = rate, append([]int(nil), statuses...), latency
	return nil
}

func (k *knobs) setRateLimit(n int, window time.Duration) error {
	if n < 0 || window < 0 {
		return fmt.Errorf("rate limit and window must not be negative, got %d per %v", n, window)
	}
	if window == 0 {
		window = time.Minute
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.rateLimit, k.rateWindow = n, window
	clear(k.windows)
	return nil
}

// wait sleeps for the configured latency without holding any lock; false means the request was
// cancelled meanwhile.
func (k *knobs) wait(ctx context.Context) bool {
	k.mu.Lock()
	latency := k.latency
	k.mu.Unlock()
	if latency == 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(latency)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// limit counts a request of token against the rate limit and sets the X-RateLimit-* headers. When
// the caller is over the limit it reports the whole seconds until the window resets (at least 1).
func (k *knobs) limit(h http.Header, token string) (retryAfter int, limited bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.rateLimit == 0 {
		return 0, false
	}
	now := time.Now()
	win := k.windows[token]
	if win == nil || !now.Before(win.start.Add(k.rateWindow)) {
		win = &rateWindow{start: now}
		k.windows[token] = win
	}
	win.count++
	reset := win.start.Add(k.rateWindow)
	h.Set("X-RateLimit-Limit", strconv.Itoa(k.rateLimit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(k.rateLimit-win.count, 0)))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(ceilUnix(reset), 10))
	if win.count <= k.rateLimit {
		return 0, false
	}
	return max(int((reset.Sub(now)+time.Second-1)/time.Second), 1), true
}

// ceilUnix is t in epoch seconds, rounded up, so that a client waiting until then is never early.
func ceilUnix(t time.Time) int64 {
	if t.Nanosecond() > 0 {
		return t.Unix() + 1
	}
	return t.Unix()
}

// fault draws whether this request fails and with which status. Draws happen only while faults are
// on, so with a fixed seed the same request sequence meets the same faults.
func (k *knobs) fault() (status int, faulted bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.faultRate == 0 || k.rng.Float64() >= k.faultRate {
		return 0, false
	}
	return k.faultStatuses[k.rng.Intn(len(k.faultStatuses))], true
}

// Stats counts the API requests served (control routes under /_emulator/ excluded).
type Stats struct {
	Total       int64            `json:"total"`
	ByRoute     map[string]int64 `json:"by_route"`     // by mux pattern, e.g. "GET /orgs/{org_id}/link-invites"; "/" is unrouted
	ByStatus    map[int]int64    `json:"by_status"`    // by answered status
	RateLimited int64            `json:"rate_limited"` // 429s from the rate limiter
	Faults      int64            `json:"faults"`       // injected faults
}

type statsRecorder struct {
	mu    sync.Mutex
	stats Stats
}

func newStatsRecorder() *statsRecorder {
	r := &statsRecorder{}
	r.reset()
	return r
}

func (r *statsRecorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stats = Stats{ByRoute: map[string]int64{}, ByStatus: map[int]int64{}}
}

// record counts one request; status 0 means the client went away before any answer.
func (r *statsRecorder) record(pattern string, status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stats.Total++
	r.stats.ByRoute[pattern]++
	if status != 0 {
		r.stats.ByStatus[status]++
	}
}

func (r *statsRecorder) countRateLimited() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stats.RateLimited++
}

func (r *statsRecorder) countFault() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stats.Faults++
}

// Stats returns a snapshot of the request counters.
func (s *Server) Stats() Stats {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	snap := s.stats.stats
	snap.ByRoute = maps.Clone(snap.ByRoute)
	snap.ByStatus = maps.Clone(snap.ByStatus)
	return snap
}

// ResetStats sets every counter back to zero.
func (s *Server) ResetStats() { s.stats.reset() }
