package provider

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// The token's user is asked once per Configure: callers at the same time share the one request,
// and so do the callers after it, however soon after it ended they come (the single-flight of old
// let a caller that came just as the flight ended ask again). Callers keep coming, in a loop, from
// before the lookup starts to well after it ends.
func TestCurrentUser_onceForConcurrentAndLaterCallers(t *testing.T) {
	env := newEmulatorEnv(t, emulator.Options{Latency: 20 * time.Millisecond})
	data := newProviderData(env.Admin, true)
	ctx := testContext(t)
	until := time.Now().Add(100 * time.Millisecond)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			for time.Now().Before(until) {
				if u, err := data.currentUser(ctx); err != nil || u.ID != emulator.DefaultAdminUserID {
					t.Errorf("currentUser: %+v, %v", u, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if got := env.Emulator.Stats().ByRoute[routeCurrentUser]; got != 1 {
		t.Errorf("%d requests of %s, want 1", got, routeCurrentUser)
	}
}

// A failed lookup is the answer for every caller of the process: one request, the same error.
func TestCurrentUser_failureIsShared(t *testing.T) {
	env := newEmulatorEnv(t, emulator.Options{})
	data := newProviderData(env.newClient(t, "not-a-real-token"), true)
	for range 3 {
		if _, err := data.currentUser(testContext(t)); !client.IsUnauthorized(err) {
			t.Fatalf("currentUser with a wrong token: %v, want the API's 401", err)
		}
	}
	if got := env.Emulator.Stats().ByRoute[routeCurrentUser]; got != 1 {
		t.Errorf("%d requests of %s, want 1", got, routeCurrentUser)
	}
}

// A caller cancelled while the lookup runs returns at once; the lookup goes on for the others. The
// API holds its answer until the first caller has given up, whatever the machine's load.
func TestCurrentUser_cancelledCallerLeavesTheLookup(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	emu, url := serveEmulator(t, emulator.Options{}, func(api http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/users/me" {
				close(arrived)
				<-release
			}
			api.ServeHTTP(w, r)
		})
	})
	env := emulatorEnv(t, emu, url)
	data := newProviderData(env.Admin, true)
	ctx, cancel := context.WithCancel(testContext(t))
	go func() {
		<-arrived
		cancel()
	}()
	if _, err := data.currentUser(ctx); err == nil {
		t.Fatal("a caller whose context ends before the answer got one")
	}
	close(release)
	if u, err := data.currentUser(testContext(t)); err != nil || u.ID != emulator.DefaultAdminUserID {
		t.Errorf("the next caller: %+v, %v", u, err)
	}
	if got := env.Emulator.Stats().ByRoute[routeCurrentUser]; got != 1 {
		t.Errorf("%d requests of %s, want 1", got, routeCurrentUser)
	}
}
