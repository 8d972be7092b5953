package emulator

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

func TestRateLimit(t *testing.T) {
	a := newTestAPI(t, Options{RateLimit: 3})
	start := time.Now()
	for i := 1; i <= 3; i++ {
		res := a.must(200, admin, "GET", "/users/me", nil, nil)
		wantEqual(t, "limit", res.header.Get("X-RateLimit-Limit"), "3")
		wantEqual(t, "remaining", res.header.Get("X-RateLimit-Remaining"), strconv.Itoa(3-i))
		reset, err := strconv.ParseInt(res.header.Get("X-RateLimit-Reset"), 10, 64)
		if err != nil || reset < start.Add(time.Minute).Unix() || reset > time.Now().Add(time.Minute).Unix()+1 {
			t.Errorf("reset %q is not the end of the window", res.header.Get("X-RateLimit-Reset"))
		}
	}
	res := a.do(admin, "GET", "/users/me", nil)
	res.wantError(t, http.StatusTooManyRequests, "rate limit")
	retry, err := strconv.Atoi(res.header.Get("Retry-After"))
	if err != nil || retry < 1 || retry > 60 {
		t.Errorf("Retry-After %q", res.header.Get("Retry-After"))
	}
	wantEqual(t, "remaining when limited", res.header.Get("X-RateLimit-Remaining"), "0")
	// The limit is per key, and the control routes are outside it.
	a.must(200, member, "GET", "/users/me", nil, nil)
	wantEqual(t, "rate limited", a.srv.Stats().RateLimited, int64(1))

	// A new window starts once the old one ends.
	a.srv.SetRateLimit(1, 200*time.Millisecond)
	a.must(200, admin, "GET", "/users/me", nil, nil)
	limited := a.do(admin, "GET", "/users/me", nil)
	limited.wantError(t, 429)
	wantEqual(t, "Retry-After of a short window", limited.header.Get("Retry-After"), "1")
	time.Sleep(250 * time.Millisecond)
	a.must(200, admin, "GET", "/users/me", nil, nil)

	a.srv.SetRateLimit(0, 0)
	if res := a.must(200, admin, "GET", "/users/me", nil, nil); res.header.Get("X-RateLimit-Limit") != "" {
		t.Error("rate limit headers while the limit is off")
	}
}

// faultRun sends the same 60 link creations to a fresh emulator with faults on and reports the
// statuses.
func faultRun(t *testing.T, seed int64) (statuses []int, a *testAPI) {
	a = newTestAPI(t, Options{Seed: seed, FaultRate: 0.4})
	for range 60 {
		res := a.do(admin, "POST", links, `{"role":"read"}`)
		if res.status != 201 {
			res.wantError(t, res.status, "injected fault")
			if res.status == 429 {
				wantEqual(t, "Retry-After of a 429 fault", res.header.Get("Retry-After"), "1")
			}
		}
		statuses = append(statuses, res.status)
	}
	return statuses, a
}

func TestFaultsRepeatAndApplyNothing(t *testing.T) {
	first, a := faultRun(t, 42)
	second, _ := faultRun(t, 42)
	wantEqual(t, "same seed, same faults", second, first)
	created := 0
	seen := map[int]bool{}
	for _, status := range first {
		seen[status] = true
		if status == 201 {
			created++
		}
	}
	if created == 0 || created == len(first) || !seen[429] || !seen[500] || !seen[503] {
		t.Fatalf("fault rate 0.4 gave %v", first)
	}
	stats := a.srv.Stats()
	wantEqual(t, "faults counted", stats.Faults, int64(len(first)-created))
	wantEqual(t, "total", stats.Total, int64(len(first)))

	// Faults applied nothing: only the successful creations exist.
	a.srv.SetFaults(0, nil, 0)
	var page client.ListPage[client.InviteLink]
	a.must(200, admin, "GET", links+"?limit=1000", nil, &page)
	wantEqual(t, "links", page.Count, created)

	// Faults come before authentication and never touch the control routes.
	a.srv.SetFaults(1, []int{http.StatusBadGateway}, 0)
	a.do("", "GET", "/users/me", nil).wantError(t, http.StatusBadGateway)
	a.must(200, "", "GET", "/_emulator/stats", nil, nil)
}

func TestLatency(t *testing.T) {
	a := newTestAPI(t, Options{Latency: 60 * time.Millisecond})
	start := time.Now()
	a.must(200, admin, "GET", "/users/me", nil, nil)
	if elapsed := time.Since(start); elapsed < 60*time.Millisecond {
		t.Errorf("answered after %v, want at least 60ms", elapsed)
	}
	// A cancelled request stops waiting.
	a.srv.SetFaults(0, nil, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.url+"/users/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := http.DefaultClient.Do(req); err == nil {
		_ = resp.Body.Close()
		t.Fatal("a request with an hour of latency answered")
	}
}

func TestStats(t *testing.T) {
	a := newTestAPI(t, Options{})
	a.must(200, admin, "GET", "/users/me", nil, nil)
	a.must(200, member, "GET", "/users/me", nil, nil)
	a.do("", "GET", "/users/me", nil).wantError(t, 401)
	a.do(admin, "GET", "/orgs/c/link-invites/inv_nope", nil).wantError(t, 404)
	a.do(admin, "GET", "/nowhere", nil).wantError(t, 404)

	var stats Stats
	res := a.must(200, "", "GET", "/_emulator/stats", nil, &stats)
	wantEqual(t, "stats", stats, Stats{
		Total:    5,
		ByRoute:  map[string]int64{"GET /users/me": 3, "GET /orgs/{org_id}/link-invites/{invite_id}": 1, "/": 1},
		ByStatus: map[int]int64{200: 2, 401: 1, 404: 2},
	})
	var raw map[string]json.RawMessage
	res.decode(t, &raw)
	wantEqual(t, "by_status JSON", string(raw["by_status"]), `{"200":2,"401":1,"404":2}`)
	wantEqual(t, "control routes not counted", a.srv.Stats().Total, int64(5))

	a.must(204, "", "POST", "/_emulator/stats/reset", nil, nil).wantEmpty(t, 204)
	wantEqual(t, "after reset", a.srv.Stats(), Stats{ByRoute: map[string]int64{}, ByStatus: map[int]int64{}})
	a.must(200, admin, "GET", "/users/me", nil, nil)
	a.srv.ResetStats()
	wantEqual(t, "after ResetStats", a.srv.Stats().Total, int64(0))
	a.do("", "GET", "/_emulator/nope", nil).wantError(t, 404)
	a.do("", "DELETE", "/_emulator/stats", nil).wantError(t, 405)
}

func TestOptionsAreChecked(t *testing.T) {
	for name, opts := range map[string]Options{
		"fault rate above 1":   {FaultRate: 1.5},
		"negative fault rate":  {FaultRate: -0.1},
		"fault status 200":     {FaultStatuses: []int{200}},
		"negative rate limit":  {RateLimit: -1},
		"negative latency":     {Latency: -time.Second},
		"negative generated":   {GeneratedSubOrgs: -1},
		"bad fixture user ref": {Fixture: &Fixture{Organizations: []FixtureOrg{{FixtureSubOrg: FixtureSubOrg{ID: "o", Members: []FixtureMember{{UserID: "ghost", Role: "ADMIN"}}}}}}},
	} {
		if _, err := New(opts); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
}
