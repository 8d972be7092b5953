package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
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

// resourceTimeoutsBlock is the timeouts block of every resource of this provider.
func resourceTimeoutsBlock(ctx context.Context) schema.Block {
	return timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true})
}

// nullResourceTimeouts is an absent timeouts block: what a resource found by a list resource holds,
// so that the configuration generated from it has no timeouts block.
func nullResourceTimeouts(ctx context.Context) timeouts.Value {
	attrTypes := map[string]attr.Type{}
	if t, ok := resourceTimeoutsBlock(ctx).Type().(timeouts.Type); ok {
		attrTypes = t.AttrTypes
	}
	return timeouts.Value{Object: types.ObjectNull(attrTypes)}
}
