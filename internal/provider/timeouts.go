package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// defaultOperationTimeout bounds each resource operation unless its timeouts block says otherwise:
// long enough for the client's retries through a rate-limit window or two.
const defaultOperationTimeout = 5 * time.Minute

// withOperationTimeout is the context of one resource operation, bounded by the timeouts block's
// getter for it (such as plan.Timeouts.Create) or by defaultOperationTimeout. Check diags after
// deferring cancel.
func withOperationTimeout(ctx context.Context, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics),
	diags *diag.Diagnostics,
) (context.Context, context.CancelFunc) {
	d, problems := timeout(ctx, defaultOperationTimeout)
	diags.Append(problems...)
	return context.WithTimeout(ctx, d)
}
