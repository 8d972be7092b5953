package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// emulatorProcess is the emulator running standalone, as the API a provider process talks to. Its
// control routes (/_emulator/...) count requests and switch the rate limit between runs.
type emulatorProcess struct {
	cmd     *exec.Cmd
	exited  chan struct{} // closed when the process has ended
	waitErr error         // how it ended, once exited is closed
	url     string
	http    *http.Client
}

// startEmulator starts the emulator with subOrgs generated sub-organizations, latency per request
// and no rate limit, on a free loopback port, and waits until it listens.
func startEmulator(ctx context.Context, bin, dir string, subOrgs int, latency time.Duration) (*emulatorProcess, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	addrFile := dir + "/addr"
	logFile, err := os.Create(dir + "/emulator.log")
	if err != nil {
		return nil, err
	}
	defer func() { _ = logFile.Close() }() // the child keeps its own descriptor
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-addr-file", addrFile, "-quiet",
		"-suborgs", strconv.Itoa(subOrgs), "-rate-limit", "0", "-latency", latency.String(), "-seed", "1")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the emulator: %w", err)
	}
	e := &emulatorProcess{cmd: cmd, exited: make(chan struct{}), http: &http.Client{Timeout: 30 * time.Second}}
	go func() {
		e.waitErr = cmd.Wait()
		close(e.exited)
	}()

	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for e.url == "" {
		select {
		case <-e.exited:
			return nil, fmt.Errorf("the emulator exited before listening (%w); see %s/emulator.log", e.waitErr, dir)
		case <-deadline.C:
			e.stop()
			return nil, fmt.Errorf("the emulator did not write %s within 30s", addrFile)
		case <-ctx.Done():
			e.stop()
			return nil, ctx.Err()
		case <-tick.C:
			if raw, err := os.ReadFile(addrFile); err == nil && bytes.HasSuffix(raw, []byte("\n")) {
				e.url = strings.TrimSpace(string(raw))
			}
		}
	}
	return e, nil
}

// stop ends the emulator: SIGTERM, then SIGKILL if it has not shut down within 5 seconds.
func (e *emulatorProcess) stop() {
	_ = e.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-e.exited:
	case <-time.After(5 * time.Second):
		_ = e.cmd.Process.Kill()
		<-e.exited
	}
}

func (e *emulatorProcess) stats(ctx context.Context) (emulator.Stats, error) {
	var s emulator.Stats
	err := e.control(ctx, http.MethodGet, "/_emulator/stats", nil, &s)
	return s, err
}

func (e *emulatorProcess) resetStats(ctx context.Context) error {
	return e.control(ctx, http.MethodPost, "/_emulator/stats/reset", nil, nil)
}

// setRateLimit changes the rate limit (requests a minute; 0: off) of the running emulator.
func (e *emulatorProcess) setRateLimit(ctx context.Context, perMinute int) error {
	return e.control(ctx, http.MethodPut, "/_emulator/knobs", map[string]any{"rate_limit": perMinute, "rate_limit_window": "1m"}, nil)
}

// control calls one control route; out, when non-nil, receives the JSON answer.
func (e *emulatorProcess) control(ctx context.Context, method, path string, body, out any) error {
	var payload bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&payload).Encode(body); err != nil {
			return err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, e.url+path, &payload)
	if err != nil {
		return err
	}
	resp, err := e.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode/100 != 2 {
		var msg bytes.Buffer
		_, _ = msg.ReadFrom(resp.Body)
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(msg.String()))
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("decoding the answer to %s %s: %w", method, path, err)
	}
	return nil
}
