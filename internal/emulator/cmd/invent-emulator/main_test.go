package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

func TestRunServesOnPortZero(t *testing.T) {
	dir := t.TempDir()
	addrFile := filepath.Join(dir, "addr")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-addr-file", addrFile, "-state", filepath.Join(dir, "state.json"), "-suborgs", "3"}, &out)
	}()

	var baseURL string
	for deadline := time.Now().Add(10 * time.Second); baseURL == ""; {
		if data, err := os.ReadFile(addrFile); err == nil && len(data) > 0 {
			baseURL = strings.TrimSpace(string(data))
		} else if time.Now().After(deadline) {
			t.Fatal("the address file never appeared")
		}
		time.Sleep(10 * time.Millisecond)
	}
	req, err := http.NewRequest(http.MethodGet, baseURL+"/users/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+emulator.DefaultAdminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var me struct{ ID string }
	err = json.NewDecoder(resp.Body).Decode(&me)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || me.ID != emulator.DefaultAdminUserID {
		t.Fatalf("GET /users/me: %d %+v %v", resp.StatusCode, me, err)
	}
	if resp.Header.Get("X-RateLimit-Limit") != "500" {
		t.Errorf("standalone rate limit header %q, want 500", resp.Header.Get("X-RateLimit-Limit"))
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
	for _, want := range []string{"Invent emulator listening on " + baseURL, "export INVENT_BASE_URL=" + baseURL, "export INVENT_API_TOKEN=" + emulator.DefaultAdminToken, "GET /users/me -> 200"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-fault-rate", "2"},
		{"-nope"},
		{"-fixture", filepath.Join(t.TempDir(), "missing.json")},
		{"-addr", "256.0.0.1:99999"},
	} {
		if err := run(context.Background(), args, &bytes.Buffer{}); err == nil {
			t.Errorf("run %v: no error", args)
		}
	}
}
