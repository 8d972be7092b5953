// Command invent-emulator serves the local Invent API emulator (package emulator) on a port, for
// manual runs of the provider and for scripts.
//
//	invent-emulator -addr 127.0.0.1:8787 -state ./emulator-state.json
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "invent-emulator:", err)
		os.Exit(1)
	}
}

// run parses the flags, serves until ctx is done, then shuts down gracefully.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("invent-emulator", flag.ContinueOnError)
	flags.SetOutput(stdout)
	addr := flags.String("addr", "127.0.0.1:8787", "listen address; port 0 picks a free port")
	addrFile := flags.String("addr-file", "", "write the base URL to this file once listening")
	statePath := flags.String("state", "", "load the state from this JSON file and save it there after every change")
	fixturePath := flags.String("fixture", "", "start from this fixture file instead of the default fixture")
	subOrgs := flags.Int("suborgs", 0, "add this many generated sub-organizations")
	rateLimit := flags.Int("rate-limit", 500, "requests per minute per API key; 0 turns the limit off")
	faultRate := flags.Float64("fault-rate", 0, "probability in [0,1] that a request fails with 429, 500 or 503")
	latency := flags.Duration("latency", 0, "delay added to every request")
	seed := flags.Int64("seed", 1, "seed of the fault generator")
	quiet := flags.Bool("quiet", false, "do not log requests")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}

	opts := emulator.Options{
		GeneratedSubOrgs: *subOrgs, RateLimit: *rateLimit, FaultRate: *faultRate,
		Latency: *latency, Seed: *seed, StatePath: *statePath,
	}
	if *fixturePath != "" {
		fixture, err := emulator.LoadFixture(*fixturePath)
		if err != nil {
			return err
		}
		opts.Fixture = fixture
	}
	if !*quiet {
		opts.Logf = log.New(stdout, "", log.LstdFlags).Printf
	}
	srv, err := emulator.New(opts)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	baseURL := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "Invent emulator listening on %s\n", baseURL)
	fmt.Fprintf(stdout, "export INVENT_BASE_URL=%s\n", baseURL)
	if *fixturePath == "" {
		fmt.Fprintf(stdout, "export INVENT_API_TOKEN=%s   # ADMIN; a non-admin member's: %s\n", emulator.DefaultAdminToken, emulator.DefaultMemberToken)
	}
	if *addrFile != "" {
		if err := os.WriteFile(*addrFile, []byte(baseURL+"\n"), 0o644); err != nil {
			_ = ln.Close()
			return err
		}
	}

	httpServer := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- httpServer.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
