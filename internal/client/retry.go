package client

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"
)

// retryDecision says whether the attempt that ended with status (or sendErr) is tried again, and
// after how long. It never retries once the context is done or the attempts are used up.
func (c *Client) retryDecision(ctx context.Context, req request, attempt, status int, header http.Header, sendErr error) (time.Duration, bool) {
	if attempt > c.maxRetries || ctx.Err() != nil {
		return 0, false
	}
	if !retryable(req.mode, status, sendErr) {
		return 0, false
	}
	wait := c.backoff(attempt)
	if server, ok := serverWait(header, time.Now()); ok {
		if server > maxServerWait {
			return 0, false
		}
		wait = max(wait, server)
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
		// Sleeping past the deadline only to fail later hides the real error behind a timeout.
		return 0, false
	}
	return wait, true
}

// retryable is the retry policy. 429 and 503 are answered before the API acts, and a refused
// connection never reached it, so even a create may be repeated after them. 500, 502, 504 and broken
// connections may come after the API acted: only idempotent requests are repeated then (a passing
// 500 on a read should not fail a whole plan).
func retryable(mode retryMode, status int, sendErr error) bool {
	if sendErr != nil {
		// The caller's own cancellation was already ruled out; an http.Client timeout lands here.
		return mode == retryIdempotent || notSent(sendErr)
	}
	switch status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return mode == retryIdempotent
	}
	return false
}

// notSent reports whether a transport error proves the request never left: the connection itself
// failed. A timeout after the request was written proves nothing, so it does not count.
func notSent(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}

// backoff is capped exponential backoff with jitter: a random wait in [d/2, d] where d doubles
// per attempt from MinRetryWait up to MaxRetryWait, so concurrent clients do not retry in step.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.minRetryWait
	for i := 1; i < attempt && d < c.maxRetryWait; i++ {
		d *= 2
	}
	d = min(d, c.maxRetryWait)
	half := d / 2
	return half + rand.N(half+1)
}

// serverWait is how long the API asked the caller to wait: Retry-After (seconds or an HTTP date),
// else, when the rate limit is used up, until X-RateLimit-Reset.
func serverWait(header http.Header, now time.Time) (time.Duration, bool) {
	if header == nil {
		return 0, false
	}
	if v := header.Get("Retry-After"); v != "" {
		if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
			return time.Duration(secs) * time.Second, true
		}
		if at, err := http.ParseTime(v); err == nil {
			return max(at.Sub(now), 0), true
		}
	}
	if header.Get("X-RateLimit-Remaining") == "0" {
		if reset, err := strconv.ParseInt(header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			return max(time.Unix(reset, 0).Sub(now), 0), true
		}
	}
	return 0, false
}

// notePause records a wait the API asked for, for every request of this client to honour.
func (c *Client) notePause(status int, header http.Header) {
	wait, ok := serverWait(header, time.Now())
	if !ok || wait <= 0 || wait > maxServerWait {
		return
	}
	if status != http.StatusTooManyRequests && header.Get("X-RateLimit-Remaining") != "0" {
		return
	}
	until := time.Now().Add(wait)
	c.pauseMu.Lock()
	if until.After(c.pauseUntil) {
		c.pauseUntil = until
	}
	c.pauseMu.Unlock()
}

func (c *Client) waitForPause(ctx context.Context) error {
	c.pauseMu.Lock()
	until := c.pauseUntil
	c.pauseMu.Unlock()
	return sleep(ctx, time.Until(until))
}
