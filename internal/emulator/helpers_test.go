package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// Tests speak raw HTTP to an httptest server, so that they check the wire itself and not a client's
// reading of it.

const (
	admin  = DefaultAdminToken
	member = DefaultMemberToken
)

type testAPI struct {
	t      testing.TB
	srv    *Server
	url    string
	client *http.Client
}

func newTestAPI(t testing.TB, opts Options) *testAPI {
	t.Helper()
	srv, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(srv)
	// Enough idle connections for the concurrency test's clients, so they reuse connections
	// instead of opening one per request.
	transport := &http.Transport{MaxIdleConnsPerHost: 64}
	t.Cleanup(func() {
		transport.CloseIdleConnections()
		ts.Close()
	})
	return &testAPI{t: t, srv: srv, url: ts.URL, client: &http.Client{Transport: transport}}
}

// result is one answer.
type result struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request. body is sent verbatim when it is a string, else as JSON; nil sends none.
func (a *testAPI) do(token, method, path string, body any) result {
	a.t.Helper()
	res, err := a.send(token, method, path, body)
	if err != nil {
		a.t.Fatal(err)
	}
	return res
}

// doQuiet is do for other goroutines than the test's: a transport error becomes status 0.
func (a *testAPI) doQuiet(token, method, path string, body any) result {
	res, err := a.send(token, method, path, body)
	if err != nil {
		return result{body: []byte(err.Error())}
	}
	return res
}

func (a *testAPI) send(token, method, path string, body any) (result, error) {
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return result{}, err
		}
		reader = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, a.url+path, reader)
	if err != nil {
		return result{}, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if reader != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return result{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{}, fmt.Errorf("reading %s %s: %w", method, path, err)
	}
	return result{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

func jsonInto(data []byte, out any) error {
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decoding %s: %w", data, err)
	}
	return nil
}

// must sends a request that must answer status, and decodes the answer into out (when non-nil).
func (a *testAPI) must(status int, token, method, path string, body, out any) result {
	a.t.Helper()
	res := a.do(token, method, path, body)
	if res.status != status {
		a.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, res.status, status, res.body)
	}
	if out != nil {
		res.decode(a.t, out)
	}
	return res
}

func (r result) decode(t testing.TB, out any) {
	t.Helper()
	if err := jsonInto(r.body, out); err != nil {
		t.Fatal(err)
	}
}

// fields are the top-level keys of an object answer, sorted.
func (r result) fields(t testing.TB) []string {
	t.Helper()
	var m map[string]json.RawMessage
	r.decode(t, &m)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// wantError checks the status and the API's error body, whose message must contain every part.
func (r result) wantError(t testing.TB, status int, parts ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("error Content-Type %q, want application/json", ct)
	}
	var body client.ErrorBody
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		t.Fatalf("error body %s: %v", r.body, err)
	}
	if body.Error.Code != status || body.Error.Message == "" {
		t.Errorf("error body %s: want code %d and a message", r.body, status)
	}
	for _, part := range parts {
		if !strings.Contains(body.Error.Message, part) {
			t.Errorf("error message %q does not mention %q", body.Error.Message, part)
		}
	}
}

// wantEmpty checks a status answered without a body.
func (r result) wantEmpty(t testing.TB, status int) {
	t.Helper()
	if r.status != status || len(r.body) != 0 {
		t.Fatalf("status %d with body %q, want %d without a body", r.status, r.body, status)
	}
}

func wantEqual[T any](t testing.TB, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %+v, want %+v", what, got, want)
	}
}

// tcase is one request against a fresh default emulator, for the table-driven tests: setup runs
// first (may be nil), then the request, then check (may be nil) after the status check.
type tcase struct {
	name   string
	setup  func(a *testAPI)
	token  string
	method string
	path   string
	body   any
	status int
	check  func(t *testing.T, a *testAPI, res result)
}

func runCases(t *testing.T, cases []tcase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newTestAPI(t, Options{})
			if tc.setup != nil {
				tc.setup(a)
			}
			res := a.do(tc.token, tc.method, tc.path, tc.body)
			if res.status != tc.status {
				t.Fatalf("%s %s: status %d, want %d; body %s", tc.method, tc.path, res.status, tc.status, res.body)
			}
			if tc.status >= 400 {
				res.wantError(t, tc.status)
			}
			if tc.check != nil {
				tc.check(t, a, res)
			}
		})
	}
}

// errorMentions is a check that the error message mentions every part.
func errorMentions(parts ...string) func(t *testing.T, a *testAPI, res result) {
	return func(t *testing.T, _ *testAPI, res result) {
		t.Helper()
		res.wantError(t, res.status, parts...)
	}
}

// subOrg fetches a sub-organization of the default parent.
func (a *testAPI) subOrg(id string) client.SubOrg {
	a.t.Helper()
	var so client.SubOrg
	a.must(http.StatusOK, admin, "GET", "/orgs/"+DefaultParentOrgID+"/orgs/"+id, nil, &so)
	return so
}

// member fetches a member of an organization, as the admin.
func (a *testAPI) member(orgID, userID string) client.Member {
	a.t.Helper()
	var m client.Member
	a.must(http.StatusOK, admin, "GET", "/orgs/"+orgID+"/members/"+userID, nil, &m)
	return m
}

// createLink creates an invite link as the admin and returns it.
func (a *testAPI) createLink(orgID string, body any) client.InviteLink {
	a.t.Helper()
	var l client.InviteLink
	a.must(http.StatusCreated, admin, "POST", "/orgs/"+orgID+"/link-invites", body, &l)
	return l
}

// allLinks walks every page of an organization's link list with the given limit ("" for none).
func (a *testAPI) allLinks(orgID, limit string) (links []client.InviteLink, pages int) {
	a.t.Helper()
	token := ""
	for {
		path := "/orgs/" + orgID + "/link-invites?limit=" + limit
		if token != "" {
			path += "&page=" + token
		}
		var page client.ListPage[client.InviteLink]
		a.must(http.StatusOK, admin, "GET", path, nil, &page)
		links = append(links, page.Items...)
		pages++
		if page.Next == nil {
			return links, pages
		}
		token = page.Next.Page
	}
}

func ids[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, item := range items {
		out[i] = id(item)
	}
	return out
}

func linkID(l client.InviteLink) string             { return l.ID }
func subOrgID(s client.SubOrg) string               { return s.ID }
func memberID(m client.Member) string               { return m.ID }
func subOrgMemberRole(m client.SubOrgMember) string { return m.UserID + ":" + m.Role }
