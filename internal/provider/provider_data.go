package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// providerData is what Configure hands to every resource and data source of one provider instance:
// one client, and what is worth knowing once per provider process.
type providerData struct {
	client *client.Client
	reads  *readCache
	// planChecks turns on the plan-time checks of what would fail at apply (provider attribute plan_checks).
	planChecks bool

	// The token's user, looked up once (currentUser): callerDone is closed when caller or
	// callerErr is set.
	callerOnce sync.Once
	callerDone chan struct{}
	caller     *client.User
	callerErr  error

	// listings are what the exclusive resources' refreshes listed, for their plans in the same process.
	listings listingMemo
	// claims are the organizations the exclusive resources planned in this process claim.
	claims exclusiveClaims
	// plannedCreates and appliedCreates are the objects this process's plans and creates make
	// (create_claims.go); linkCreates is what it knows of the links it creates (lost_creates.go).
	plannedCreates, appliedCreates claimRegistry
	// plannedKeeps are the objects that this process's plans with a prior state keep (refuseSecondKeeper).
	plannedKeeps claimRegistry
	linkCreates  linkCreations
}

func newProviderData(api *client.Client, batchReads bool) *providerData {
	d := &providerData{client: api, planChecks: true, callerDone: make(chan struct{})}
	d.reads = newReadCache(api, batchReads, d.resolveOrgID)
	return d
}

// currentUser returns the token's user. The API is asked once per Configure, by the first caller;
// every caller, at the same time or later, shares that one answer. A failure is shared too: the
// client has already retried what was worth retrying (429, 5xx, timeouts), so what remains (a
// wrong token or base URL, an API that stays down) would fail again, and every operation of this
// process that needs the user reports the same error; the next terraform command asks again. The
// lookup outlives the caller that started it, which may be cancelled: the others still wait for it.
func (d *providerData) currentUser(ctx context.Context) (*client.User, error) {
	d.callerOnce.Do(func() {
		lookupCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), defaultOperationTimeout)
		go func() {
			defer cancel()
			d.caller, d.callerErr = d.client.CurrentUser(lookupCtx)
			close(d.callerDone)
		}()
	})
	select {
	case <-d.callerDone:
		return d.caller, d.callerErr
	default:
	}
	select {
	case <-d.callerDone:
		return d.caller, d.callerErr
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// providerDataFrom is the Configure step shared by every resource and data source. It returns nil
// before the provider is configured (Terraform validates configuration before it configures).
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return pd
}

// addAPIError turns a client error into a diagnostic that keeps the API's own message and adds what
// the user can do about the common statuses.
func addAPIError(diags *diag.Diagnostics, summary string, err error) {
	detail := err.Error()
	switch {
	case client.IsUnauthorized(err):
		detail += "\n\nThe API did not accept the token: check the provider's api_token attribute or the " +
			EnvAPIToken + " environment variable."
	case client.IsForbidden(err):
		detail += "\n\nThe token's user lacks the permission for this: most changes need the ADMIN role " +
			"in the organization."
	case client.IsRateLimited(err):
		detail += "\n\nThe API's rate limit outlasted the retries: run again later, or lower " +
			"-parallelism."
	}
	diags.AddError(summary, detail)
}
