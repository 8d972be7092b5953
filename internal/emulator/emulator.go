// Package emulator is a local, stateful implementation of the Invent organization API: the endpoints
// the client package calls, as the "API assumptions" section of the repository's README.md and this
// package's README.md describe them. Tests use a *Server as an http.Handler; cmd/invent-emulator
// serves one on a port. Where the public API references are silent, the choices made here are listed
// under "Decisions" in this package's README.md.
//
// The JSON bodies are the client package's wire types, so both sides of the contract share one
// definition.
package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// Options configure a Server. The zero value is a quiet emulator of the default fixture without
// rate limit, faults or persistence.
type Options struct {
	// Fixture is the starting state; nil means DefaultFixture(). Ignored when StatePath names an
	// existing file.
	Fixture *Fixture
	// GeneratedSubOrgs adds this many sub-organizations, named "generated-00001"... with ids
	// "org_gen_00001"..., to the fixture's first organization.
	GeneratedSubOrgs int
	// RateLimit is the number of requests per RateLimitWindow per token; 0 means unlimited.
	RateLimit int
	// RateLimitWindow defaults to a minute.
	RateLimitWindow time.Duration
	// FaultRate is the probability in [0,1] that an API request is answered with a fault after the
	// added latency and the rate limiter but before authentication and the handler, so a fault never
	// changes state.
	FaultRate float64
	// FaultStatuses are the statuses faults are drawn from; default 429, 500, 503. A 429 fault
	// carries Retry-After: 1.
	FaultStatuses []int
	// Latency is added to every API request; a cancelled request stops waiting.
	Latency time.Duration
	// Seed seeds the fault generator, so that a run repeats.
	Seed int64
	// StatePath, when set, is a JSON file the state is loaded from (if it exists) and written to,
	// atomically, after every change.
	StatePath string
	// Logf, when set, receives one line per API request. Tokens are never logged.
	Logf func(format string, args ...any)
}

// Server is the emulator. It is safe for concurrent use.
type Server struct {
	store   *store
	knobs   *knobs
	stats   *statsRecorder
	api     *http.ServeMux // the Invent API
	control *http.ServeMux // /_emulator/*: no auth, no knobs, not counted
	logf    func(format string, args ...any)
}

// New builds a Server from opts.
func New(opts Options) (*Server, error) {
	k, err := newKnobs(opts)
	if err != nil {
		return nil, err
	}
	st, err := openStore(opts)
	if err != nil {
		return nil, err
	}
	s := &Server{store: st, knobs: k, stats: newStatsRecorder(), logf: opts.Logf}
	s.routes()
	return s, nil
}

// openStore loads the state file when there is one, and otherwise builds the state from the
// fixture (writing the state file at once, so that it exists from the start).
func openStore(opts Options) (*store, error) {
	if opts.StatePath != "" {
		st, ok, err := loadState(opts.StatePath)
		if err != nil {
			return nil, err
		}
		if ok {
			return newStore(st, opts.StatePath), nil
		}
	}
	fixture := opts.Fixture
	if fixture == nil {
		fixture = DefaultFixture()
	}
	if opts.GeneratedSubOrgs < 0 {
		return nil, fmt.Errorf("GeneratedSubOrgs must not be negative, got %d", opts.GeneratedSubOrgs)
	}
	st, err := buildState(fixture, opts.GeneratedSubOrgs)
	if err != nil {
		return nil, err
	}
	st.path = opts.StatePath
	if err := st.persist(); err != nil {
		return nil, err
	}
	return st, nil
}

// access is what a route demands of its caller in {org_id}.
type access int

const (
	accessCaller access = iota // an authenticated caller; membership of {org_id} not needed
	accessMember               // an active member of {org_id}
	accessAdmin                // an active ADMIN of {org_id}
)

// routes registers every endpoint. The second argument says whether the route changes state (write
// lock and persistence) and the third what it demands of the caller.
func (s *Server) routes() {
	const read, write = false, true
	s.api = http.NewServeMux()
	s.handle("GET /users/me", read, accessCaller, s.getMe)

	s.handle("GET /orgs/{org_id}/orgs", read, accessMember, s.listSubOrgs)
	s.handle("POST /orgs/{org_id}/orgs", write, accessAdmin, s.createSubOrg)
	s.handle("GET /orgs/{org_id}/orgs/{sub_org_id}", read, accessMember, s.getSubOrg)
	s.handle("POST /orgs/{org_id}/orgs/{sub_org_id}/join", write, accessAdmin, s.joinSubOrg)
	s.handle("DELETE /orgs/{org_id}/orgs/{sub_org_id}/join", write, accessMember, s.leaveSubOrg)

	s.handle("GET /orgs/{org_id}/link-invites", read, accessMember, s.listInviteLinks)
	s.handle("POST /orgs/{org_id}/link-invites", write, accessAdmin, s.createInviteLink)
	s.handle("GET /orgs/{org_id}/link-invites/{invite_id}", read, accessMember, s.getInviteLink)
	s.handle("PATCH /orgs/{org_id}/link-invites/{invite_id}", write, accessAdmin, s.updateInviteLink)
	s.handle("DELETE /orgs/{org_id}/link-invites/{invite_id}", write, accessAdmin, s.deleteInviteLink)

	s.handle("POST /orgs/{org_id}/invites", write, accessAdmin, s.inviteByEmail)
	s.handle("POST /orgs/{org_id}/invites/{invite_id}", write, accessCaller, s.joinWithInvite)

	s.handle("GET /orgs/{org_id}/members", read, accessMember, s.listMembers)
	s.handle("GET /orgs/{org_id}/members/{user_id}", read, accessMember, s.getMember)
	s.handle("PATCH /orgs/{org_id}/members/{user_id}", write, accessAdmin, s.updateMember)
	s.handle("DELETE /orgs/{org_id}/members/{user_id}", write, accessMember, s.removeMember)

	s.api.HandleFunc("/", s.unrouted)

	s.control = http.NewServeMux()
	s.control.HandleFunc("GET /_emulator/stats", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Stats())
	})
	s.control.HandleFunc("POST /_emulator/stats/reset", func(w http.ResponseWriter, _ *http.Request) {
		s.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	})
	s.control.HandleFunc("/_emulator/knobs", s.serveKnobs)
	s.control.HandleFunc("/", s.unrouted)
}

// ServeHTTP answers one request: control routes directly, API routes through latency, rate limit
// and fault injection, then the handler, counting every answer in the stats.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_emulator/") {
		s.control.ServeHTTP(w, r)
		return
	}
	start := time.Now()
	_, pattern := s.api.Handler(r)
	rec := &StatusRecorder{ResponseWriter: w}
	s.serveAPI(rec, r)
	s.stats.record(pattern, rec.Status)
	if s.logf != nil {
		s.logf("%s %s -> %d (%s)", r.Method, r.URL.Path, rec.Status, time.Since(start).Round(time.Millisecond))
	}
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	if !s.knobs.wait(r.Context()) {
		return // the client has gone; there is nobody to answer
	}
	// The rate limiter comes first, so that every answer, faults included, carries its headers
	// and a fault still costs quota as a real request would.
	if retryAfter, limited := s.knobs.limit(w.Header(), bearerToken(r)); limited {
		s.stats.countRateLimited()
		w.Header().Set("Retry-After", fmt.Sprint(retryAfter))
		writeError(w, errorf(http.StatusTooManyRequests, "rate limit exceeded: retry in %d seconds", retryAfter))
		return
	}
	if status, faulted := s.knobs.fault(); faulted {
		s.stats.countFault()
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "1")
		}
		writeError(w, errorf(status, "injected fault (%d %s)", status, http.StatusText(status)))
		return
	}
	s.api.ServeHTTP(w, r)
}

// unrouted answers what no pattern took. The catch-all "/" also receives known paths with a method
// they do not have, so it asks the mux about the other methods to tell 405 from 404.
func (s *Server) unrouted(w http.ResponseWriter, r *http.Request) {
	mux := s.api
	if strings.HasPrefix(r.URL.Path, "/_emulator/") {
		mux = s.control
	}
	var allowed []string
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete} {
		probe := &http.Request{Method: method, URL: r.URL, Host: r.Host}
		if _, pattern := mux.Handler(probe); pattern != "/" && pattern != "" {
			allowed = append(allowed, method)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeError(w, errorf(http.StatusMethodNotAllowed, "%s is not allowed on %s", r.Method, r.URL.Path))
		return
	}
	writeError(w, errorf(http.StatusNotFound, "no such endpoint: %s %s", r.Method, r.URL.Path))
}

// call is one authenticated request as a handler sees it, with the store lock held.
type call struct {
	store  *store
	r      *http.Request
	body   []byte
	caller *userRecord
	org    *orgRecord  // {org_id}, nil on routes without it
	member *membership // the caller's membership of org, nil if none
}

// answer is a handler's successful result; a nil body means none is written.
type answer struct {
	status int
	body   any
}

type handlerFunc func(c *call) (answer, error)

// handle registers a route: every handler gets an authenticated caller, a resolved {org_id} that
// the caller may use as access demands, and the lock, so that checks and changes are one atomic step.
func (s *Server) handle(pattern string, mutates bool, need access, h handlerFunc) {
	s.api.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		// The body is read before the lock is taken, so a slow client never holds it up; a bad
		// body is reported only after authentication, which must win.
		body, bodyErr := readBody(r)
		var ans answer
		var err error
		if mutates {
			s.store.mu.Lock()
			ans, err = s.dispatch(r, body, bodyErr, need, h)
			if err == nil {
				err = s.store.persist()
			}
			s.store.mu.Unlock()
		} else {
			s.store.mu.RLock()
			ans, err = s.dispatch(r, body, bodyErr, need, h)
			s.store.mu.RUnlock()
		}
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, ans.status, ans.body)
	})
}

// dispatch authenticates, resolves {org_id}, checks access and runs the handler. The store lock is
// held by the caller.
func (s *Server) dispatch(r *http.Request, body []byte, bodyErr error, need access, h handlerFunc) (answer, error) {
	c := &call{store: s.store, r: r, body: body}
	token := bearerToken(r)
	if token == "" {
		return answer{}, errorf(http.StatusUnauthorized, "missing or malformed Authorization header; expected \"Bearer <api key>\"")
	}
	if c.caller = s.store.tokens[token]; c.caller == nil {
		return answer{}, errorf(http.StatusUnauthorized, "unknown API key")
	}
	if orgID := r.PathValue("org_id"); orgID != "" {
		if orgID == "c" {
			orgID = c.caller.TokenOrgID
		}
		if c.org = s.store.orgs[orgID]; c.org == nil {
			return answer{}, errorf(http.StatusNotFound, "organization %q not found", orgID)
		}
		c.member, _ = c.org.member(c.caller.ID)
		if need >= accessMember && !c.member.active() {
			return answer{}, errorf(http.StatusForbidden, "you are not a member of organization %q", c.org.ID)
		}
		if need == accessAdmin && !c.member.isAdmin() {
			return answer{}, errorf(http.StatusForbidden, "this requires the ADMIN role in organization %q", c.org.ID)
		}
	}
	if bodyErr != nil {
		return answer{}, bodyErr
	}
	return h(c)
}

// bearerToken is the key of an "Authorization: Bearer <key>" header, or "".
func bearerToken(r *http.Request) string {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// apiError is an answer other than 2xx: every one is written as client.ErrorBody.
type apiError struct {
	status  int
	message string
}

func (e *apiError) Error() string { return e.message }

func errorf(status int, format string, args ...any) *apiError {
	return &apiError{status: status, message: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, format, args...)
}

func notFound(format string, args ...any) *apiError {
	return errorf(http.StatusNotFound, format, args...)
}

func conflict(format string, args ...any) *apiError {
	return errorf(http.StatusConflict, format, args...)
}

// writeError writes err as the API's error body; an error that is not an *apiError is a 500.
func writeError(w http.ResponseWriter, err error) {
	var apiErr *apiError
	if !errors.As(err, &apiErr) {
		apiErr = &apiError{status: http.StatusInternalServerError, message: err.Error()}
	}
	writeJSON(w, apiErr.status, client.ErrorBody{Error: client.ErrorDetail{Code: apiErr.status, Message: apiErr.message}})
}

// writeJSON writes body as JSON with the status; a nil body writes the status alone.
func writeJSON(w http.ResponseWriter, status int, body any) {
	if body == nil {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// StatusRecorder remembers the status a handler wrote through it (Status; 0 before any), for the
// stats and the log, here and in the tests' request counter.
type StatusRecorder struct {
	http.ResponseWriter
	Status int
}

func (r *StatusRecorder) WriteHeader(status int) {
	if r.Status == 0 {
		r.Status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *StatusRecorder) Write(p []byte) (int, error) {
	if r.Status == 0 {
		r.Status = http.StatusOK
	}
	return r.ResponseWriter.Write(p)
}
