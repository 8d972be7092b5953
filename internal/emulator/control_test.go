package emulator

import (
	"net/http"
	"testing"
	"time"
)

const knobsPath = "/_emulator/knobs"

func TestKnobsControl(t *testing.T) {
	a := newTestAPI(t, Options{RateLimit: 0, Latency: 0})
	var got knobSettings
	a.must(200, "", "GET", knobsPath, nil, &got)
	wantKnobs(t, "defaults", got, 0, "1m0s", 0, []int{429, 500, 503}, "0s")

	// The rate limit switches on while the server runs; a field left out keeps its value.
	a.must(200, "", "PUT", knobsPath, map[string]any{"rate_limit": 2, "rate_limit_window": "1m"}, &got)
	wantKnobs(t, "after the rate limit", got, 2, "1m0s", 0, []int{429, 500, 503}, "0s")
	a.must(200, admin, "GET", "/users/me", nil, nil)
	a.must(200, admin, "GET", "/users/me", nil, nil)
	a.do(admin, "GET", "/users/me", nil).wantError(t, http.StatusTooManyRequests, "rate limit")

	a.must(200, "", "PUT", knobsPath, map[string]any{"latency": "20ms", "fault_rate": 1, "fault_statuses": []int{503}}, &got)
	wantKnobs(t, "after faults and latency", got, 2, "1m0s", 1, []int{503}, "20ms")
	a.must(200, "", "PUT", knobsPath, map[string]any{"rate_limit": 0}, nil)
	start := time.Now()
	a.do(member, "GET", "/users/me", nil).wantError(t, http.StatusServiceUnavailable, "injected fault")
	if elapsed := time.Since(start); elapsed < 20*time.Millisecond {
		t.Errorf("a request took %v with 20ms of latency", elapsed)
	}

	// A bad value changes nothing, even beside good ones.
	for name, body := range map[string]string{
		"negative rate limit": `{"rate_limit": -1, "latency": "0s"}`,
		"fault rate over 1":   `{"fault_rate": 2, "rate_limit": 5}`,
		"fault status 200":    `{"fault_statuses": [200], "rate_limit": 5}`,
		"not a duration":      `{"latency": "soon", "rate_limit": 5}`,
		"unknown field":       `{"ratelimit": 5}`,
		"not an object":       `[]`,
	} {
		t.Run(name, func(t *testing.T) {
			a.do("", "PUT", knobsPath, body).wantError(t, http.StatusBadRequest)
			var after knobSettings
			a.must(200, "", "GET", knobsPath, nil, &after)
			wantKnobs(t, "after "+name, after, 0, "1m0s", 1, []int{503}, "20ms")
		})
	}
	a.do("", "DELETE", knobsPath, nil).wantError(t, http.StatusMethodNotAllowed)
	wantEqual(t, "API requests counted", a.srv.Stats().Total, int64(4))
}

func wantKnobs(t *testing.T, what string, got knobSettings, rateLimit int, window string, faultRate float64, statuses []int, latency string) {
	t.Helper()
	want := knobSettings{RateLimit: &rateLimit, RateLimitWindow: &window, FaultRate: &faultRate, FaultStatuses: statuses, Latency: &latency}
	wantEqual(t, what, got, want)
}
