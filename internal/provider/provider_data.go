package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"golang.org/x/sync/singleflight"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// providerData is what Configure hands to every resource and data source of one provider instance:
// one client, and what is worth knowing once per provider process.
type providerData struct {
	client *client.Client
	reads  *readCache
	// planChecks turns on the plan-time checks of what would fail at apply (provider attribute plan_checks).
	planChecks bool

	callerMu     sync.Mutex
	caller       *client.User
	callerFlight singleflight.Group

	// listings are what the exclusive resources' refreshes listed, for their plans in the same process.
	listings listingMemo
	// claims are the organizations the exclusive resources planned in this process claim.
	claims exclusiveClaims
	// plannedCreates and appliedCreates are the objects this process's plans and creates make
	// (create_claims.go); linkCreates is what it knows of the links it creates (lost_creates.go).
	plannedCreates, appliedCreates claimRegistry
	linkCreates                    linkCreations
}

func newProviderData(api *client.Client, batchReads bool) *providerData {
	return &providerData{client: api, reads: newReadCache(api, batchReads), planChecks: true}
}

// currentUser returns the token's user, asking the API once per provider process however many
// operations ask at once. A failure is not remembered, so a passing fault does not poison later
// operations.
func (d *providerData) currentUser(ctx context.Context) (*client.User, error) {
	d.callerMu.Lock()
	caller := d.caller
	d.callerMu.Unlock()
	if caller != nil {
		return caller, nil
	}
	result := d.callerFlight.DoChan("me", func() (any, error) {
		fetchCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), defaultOperationTimeout)
		defer cancel()
		u, err := d.client.CurrentUser(fetchCtx)
		if err != nil {
			return nil, err
		}
		d.callerMu.Lock()
		d.caller = u
		d.callerMu.Unlock()
		return u, nil
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-result:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*client.User), nil
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
