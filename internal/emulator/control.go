package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"
)

// knobSettings is the JSON of /_emulator/knobs: the knobs of Options that can change while the
// emulator runs, for a standalone emulator whose caller cannot reach SetRateLimit and SetFaults.
// Durations are Go duration strings ("50ms", "1m"). In a PUT, a field left out keeps its value.
type knobSettings struct {
	RateLimit       *int     `json:"rate_limit,omitempty"`
	RateLimitWindow *string  `json:"rate_limit_window,omitempty"`
	FaultRate       *float64 `json:"fault_rate,omitempty"`
	FaultStatuses   []int    `json:"fault_statuses,omitempty"`
	Latency         *string  `json:"latency,omitempty"`
}

// serveKnobs answers /_emulator/knobs: GET shows the knobs, PUT changes those its body names, all
// or none, and shows the result.
func (s *Server) serveKnobs(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
	case http.MethodPut:
		if err := s.putKnobs(r); err != nil {
			writeError(w, err)
			return
		}
	default:
		w.Header().Set("Allow", "GET, PUT")
		writeError(w, errorf(http.StatusMethodNotAllowed, "%s is not allowed on %s", r.Method, r.URL.Path))
		return
	}
	writeJSON(w, http.StatusOK, s.knobs.settings())
}

func (s *Server) putKnobs(r *http.Request) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	var put knobSettings
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&put); err != nil {
		return badRequest("the body must be a JSON object of rate_limit, rate_limit_window, fault_rate, fault_statuses and latency: %v", err)
	}
	cur := s.knobs.settings()
	rateLimit, window, err := overlayRateLimit(put, cur)
	if err != nil {
		return err
	}
	faultRate, statuses, latency, err := overlayFaults(put, cur)
	if err != nil {
		return err
	}
	// Faults first: setFaults checks everything before it changes anything, and the rate limit,
	// checked above, cannot fail then. The rate limit is set only when named, since setting it
	// starts every caller's window afresh.
	if put.FaultRate != nil || put.FaultStatuses != nil || put.Latency != nil {
		if err := s.knobs.setFaults(faultRate, statuses, latency); err != nil {
			return badRequest("%v", err)
		}
	}
	if put.RateLimit != nil || put.RateLimitWindow != nil {
		if err := s.knobs.setRateLimit(rateLimit, window); err != nil {
			return badRequest("%v", err)
		}
	}
	return nil
}

// overlayRateLimit is the rate limit after put: its fields where given, else cur's.
func overlayRateLimit(put, cur knobSettings) (int, time.Duration, error) {
	n := *cur.RateLimit
	if put.RateLimit != nil {
		n = *put.RateLimit
	}
	window, err := knobDuration("rate_limit_window", put.RateLimitWindow, *cur.RateLimitWindow)
	if err != nil {
		return 0, 0, err
	}
	if n < 0 || window < 0 {
		return 0, 0, badRequest("rate_limit and rate_limit_window must not be negative, got %d per %v", n, window)
	}
	return n, window, nil
}

// overlayFaults is the fault settings and latency after put: its fields where given, else cur's.
func overlayFaults(put, cur knobSettings) (float64, []int, time.Duration, error) {
	rate, statuses := *cur.FaultRate, cur.FaultStatuses
	if put.FaultRate != nil {
		rate = *put.FaultRate
	}
	if put.FaultStatuses != nil {
		statuses = put.FaultStatuses
	}
	latency, err := knobDuration("latency", put.Latency, *cur.Latency)
	return rate, statuses, latency, err
}

// knobDuration parses the duration field name: put when given, else cur.
func knobDuration(name string, put *string, cur string) (time.Duration, error) {
	raw := cur
	if put != nil {
		raw = *put
	}
	d, err := time.ParseDuration(raw)
	if err != nil {
		return 0, badRequest("%s must be a duration such as \"50ms\" or \"1m\", got %q", name, raw)
	}
	return d, nil
}

// settings is the knobs as /_emulator/knobs shows them.
func (k *knobs) settings() knobSettings {
	k.mu.Lock()
	defer k.mu.Unlock()
	rateLimit, faultRate := k.rateLimit, k.faultRate
	window, latency := k.rateWindow.String(), k.latency.String()
	return knobSettings{
		RateLimit: &rateLimit, RateLimitWindow: &window,
		FaultRate: &faultRate, FaultStatuses: append([]int(nil), k.faultStatuses...),
		Latency: &latency,
	}
}
