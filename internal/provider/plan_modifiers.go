package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// keepUnlessRoleChanges plans the prior state's value, like UseStateForUnknown, except when the
// resource's role changes: the value follows the role (an invite link's redundant), so the write
// that changes the role decides it.
type keepUnlessRoleChanges struct{}

var _ planmodifier.Bool = keepUnlessRoleChanges{}

func (keepUnlessRoleChanges) Description(_ context.Context) string {
	return "The value stays the same unless the role changes."
}

func (m keepUnlessRoleChanges) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepUnlessRoleChanges) PlanModifyBool(ctx context.Context, req planmodifier.BoolRequest, resp *planmodifier.BoolResponse) {
	if req.StateValue.IsNull() || !req.PlanValue.IsUnknown() {
		return // creating, or the value is already decided
	}
	if roleUnchanged(ctx, req.Plan, req.State, &resp.Diagnostics) {
		resp.PlanValue = req.StateValue
	}
}

// roleUnchanged reports whether the plan keeps the prior state's role.
func roleUnchanged(ctx context.Context, plan tfsdk.Plan, state tfsdk.State, diags *diag.Diagnostics) bool {
	var planned, prior types.String
	diags.Append(plan.GetAttribute(ctx, path.Root("role"), &planned)...)
	diags.Append(state.GetAttribute(ctx, path.Root("role"), &prior)...)
	return !diags.HasError() && planned.Equal(prior)
}

// fingerprintOfPriorID plans an invite link's fingerprint from the ID of its prior state, which an
// update keeps, so that the plan shows it and the update need not ask for it. A create leaves it to
// the API's answer. A state written before the fingerprint existed gets it here when the plan
// changes the link, and from the refresh otherwise.
type fingerprintOfPriorID struct{}

var _ planmodifier.String = fingerprintOfPriorID{}

func (fingerprintOfPriorID) Description(_ context.Context) string {
	return "The fingerprint of the invite ID, which an update keeps."
}

func (m fingerprintOfPriorID) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (fingerprintOfPriorID) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || !req.PlanValue.IsUnknown() {
		return // creating, or unchanged
	}
	var id types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	if !id.IsNull() && !id.IsUnknown() {
		resp.PlanValue = types.StringValue(client.InviteIDFingerprint(id.ValueString()))
	}
}
