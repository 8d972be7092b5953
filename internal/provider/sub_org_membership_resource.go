package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

var (
	_ resource.Resource                = &subOrgMembershipResource{}
	_ resource.ResourceWithConfigure   = &subOrgMembershipResource{}
	_ resource.ResourceWithImportState = &subOrgMembershipResource{}
	_ resource.ResourceWithIdentity    = &subOrgMembershipResource{}
	_ resource.ResourceWithModifyPlan  = &subOrgMembershipResource{}
)

// subOrgMembershipIdentity identifies a membership by its organization and sub-organization.
var subOrgMembershipIdentity = orgObjectIdentity{objectAttr: "sub_org_id", objectDescription: "The sub-organization."}

// lastAdminExplanation explains why the token's user cannot leave sub-organization subOrgID or step
// down there; each caller finishes the sentence with the alternatives that fit its operation.
func lastAdminExplanation(subOrgID string) string {
	return fmt.Sprintf("The token's user is the last ACTIVE ADMIN of sub-organization %q (an INVITED or DISABLED "+
		"ADMIN cannot act, so it does not count), and a sub-organization must keep one. Make another user an "+
		"ACTIVE ADMIN of the sub-organization first", subOrgID)
}

// NewSubOrgMembershipResource is the resource invent_sub_org_membership.
func NewSubOrgMembershipResource() resource.Resource {
	return &subOrgMembershipResource{}
}

// subOrgMembershipResource manages the membership of the token's user (an ADMIN of the parent
// organization) in one sub-organization.
type subOrgMembershipResource struct {
	data *providerData
}

type subOrgMembershipModel struct {
	ID        types.String   `tfsdk:"id"`
	OrgID     types.String   `tfsdk:"org_id"`
	SubOrgID  types.String   `tfsdk:"sub_org_id"`
	Role      types.String   `tfsdk:"role"`
	MemberID  types.String   `tfsdk:"member_id"`
	UserID    types.String   `tfsdk:"user_id"`
	Email     types.String   `tfsdk:"email"`
	Status    types.String   `tfsdk:"status"`
	CreatedAt types.String   `tfsdk:"created_at"`
	Timeouts  timeouts.Value `tfsdk:"timeouts"`
}

func (r *subOrgMembershipResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sub_org_membership"
}

func (r *subOrgMembershipResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	stable := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The membership of the API token's user in a sub-organization, with its role " +
			"(`POST /orgs/{org_id}/orgs/{sub_org_id}/join`). The token's user must be an ADMIN of the parent " +
			"organization. Creating the resource joins the sub-organization; changing `role` joins again " +
			"with the new role, in place; destroying it leaves the sub-organization.\n\n" +
			"If the token's user is a member already, creation fails with the `terraform import` command " +
			"that brings the existing membership under management: adopting it silently could change or " +
			"drop a role that someone relies on. So does a second resource for the same membership in one " +
			"configuration (`org_id = \"c\"` and the organization's ID name the same one).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<org_id>/<sub_org_id>`, as written in the configuration; also the import ID.",
				Computed:            true,
				PlanModifiers:       stable,
			},
			"org_id": schema.StringAttribute{
				MarkdownDescription: "The parent organization, or `c` for the organization the API token was " +
					"created in. Kept as written. Changing it replaces the membership.",
				Required:      true,
				Validators:    orgIDValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"sub_org_id": schema.StringAttribute{
				MarkdownDescription: "The sub-organization to join. Changing it leaves this one and joins the new one.",
				Required:            true,
				Validators:          idValidators(),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"role": schema.StringAttribute{
				MarkdownDescription: "The token's user's role in the sub-organization: `" +
					strings.Join(client.OrgRoles, "`, `") + "`. Changes in place. The API refuses to " +
					"demote the sub-organization's last ADMIN.",
				Required:   true,
				Validators: orgRoleValidators(),
			},
			"member_id": schema.StringAttribute{
				MarkdownDescription: "The ID of the membership entry in the sub-organization.",
				Computed:            true,
				PlanModifiers:       stable,
			},
			"user_id": schema.StringAttribute{
				MarkdownDescription: "The ID of the token's user, the member.",
				Computed:            true,
				PlanModifiers:       stable,
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "The email address of the token's user.",
				Computed:            true,
				PlanModifiers:       stable,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "The membership's status: `ACTIVE`, `INVITED` or `DISABLED`. A role change " +
					"joins again, which makes the membership `ACTIVE`: the plan shows that, with a warning.",
				Computed:      true,
				PlanModifiers: stable,
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the token's user joined the sub-organization (RFC 3339, UTC).",
				Computed:            true,
				PlanModifiers:       stable,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": resourceTimeoutsBlock(ctx),
		},
	}
}

func (r *subOrgMembershipResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = subOrgMembershipIdentity.schema()
}

func (r *subOrgMembershipResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *subOrgMembershipResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan subOrgMembershipModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, cancel := withOperationTimeout(ctx, plan.Timeouts.Create, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	orgID, subOrgID := plan.OrgID.ValueString(), plan.SubOrgID.ValueString()
	resolvedOrgID, ok := r.data.resolvedOrgID(ctx, orgID, &resp.Diagnostics)
	if !ok {
		return
	}
	if !r.data.appliedCreates.claimOrRefuse(membershipObject(resolvedOrgID, subOrgID), plan.describe(),
		membershipDescription(resolvedOrgID, subOrgID), path.Root("sub_org_id"), &resp.Diagnostics) {
		return
	}
	// The join is an upsert: never take over an existing membership. The plan-time check of this
	// change has just read the sub-organization in this process when plan_checks is on; otherwise
	// many creates in one organization are answered by its listing, a few by single GETs. A join of
	// this process since then is in what it reads (readCache.RecordSubOrg), and a second create of
	// the same membership in this process was refused above.
	found, err := r.findCaller(ctx, r.data.reads.SubOrgAsRead, orgID, subOrgID)
	if err != nil {
		addFindCallerError(&resp.Diagnostics, subOrgID, err)
		return
	}
	if found.isMember {
		addAlreadyMemberError(&resp.Diagnostics, orgID, subOrgID, found)
		return
	}

	member, ok := r.joinNew(ctx, orgID, subOrgID, plan.Role.ValueString(), found.caller, &resp.Diagnostics)
	if !ok {
		return
	}
	plan.setMember(orgID, subOrgID, member)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	subOrgMembershipIdentity.record(ctx, r.data, resp.Identity, resolvedOrgID, subOrgID, &resp.Diagnostics)
}

// joinNew joins the sub-organization for a create. When the join fails after the API may have acted,
// the sub-organization is read again: a membership of the token's user there is the one the join made
// (the creation guard found none before it), and is adopted with a warning.
func (r *subOrgMembershipResource) joinNew(ctx context.Context, orgID, subOrgID, role string, caller *client.User, diags *diag.Diagnostics) (client.SubOrgMember, bool) {
	var failed diag.Diagnostics
	member, ok, joinErr := r.join(ctx, orgID, subOrgID, role, caller, &failed)
	if ok || !client.MayHaveActed(joinErr) {
		diags.Append(failed...)
		return member, ok
	}
	what := fmt.Sprintf("a membership of the token's user %s in sub-organization %q", caller.Email, subOrgID)
	searchCtx, cancel := searchContext(ctx)
	defer cancel()
	subOrg, err := r.data.client.GetSubOrg(searchCtx, orgID, subOrgID)
	summary := fmt.Sprintf("Cannot join sub-organization %q as %s", subOrgID, role)
	if err != nil {
		diags.AddError(summary, mayHaveActed(joinErr, what)+fmt.Sprintf(" The provider could not read the "+
			"sub-organization again to find out: %s\n\nIf the token's user is a member now, bring the membership under "+
			"management with terraform import <address> %q; otherwise apply again.", err, compositeID(orgID, subOrgID)))
		return client.SubOrgMember{}, false
	}
	member, isMember := subOrg.MemberByUserID(caller.ID)
	if !isMember {
		diags.AddError(summary, mayHaveActed(joinErr, what)+" The sub-organization read again does not list the "+
			"token's user among its members: the join did not take effect. Apply again to join.")
		return client.SubOrgMember{}, false
	}
	r.data.reads.RecordSubOrg(ctx, orgID, *subOrg)
	diags.AddWarning(fmt.Sprintf("Joined sub-organization %q, but the API's answer was lost", subOrgID),
		mayHaveActed(joinErr, what)+fmt.Sprintf(" The sub-organization read again lists the token's user with "+
			"the role %s, which it did not before the join: Terraform records that membership.", member.Role))
	return member, true
}

// describe names the membership as the configuration does, for errors that compare two resources.
func (m subOrgMembershipModel) describe() string {
	return fmt.Sprintf("org_id = %q, sub_org_id = %q", m.OrgID.ValueString(), m.SubOrgID.ValueString())
}

// membershipDescription is what a membership is, in errors.
func membershipDescription(orgID, subOrgID string) string {
	return fmt.Sprintf("the membership of the token's user in sub-organization %q of organization %q", subOrgID, orgID)
}

// addAlreadyMemberError refuses to take over an existing membership (the join is an upsert) and
// shows how to import it instead.
func addAlreadyMemberError(diags *diag.Diagnostics, orgID, subOrgID string, found callerMembership) {
	diags.AddAttributeError(path.Root("sub_org_id"), "Already a member of the sub-organization",
		fmt.Sprintf("The token's user %s is already a member of sub-organization %q with the role %s. "+
			"Joining again would silently take over that membership and could change its role. ",
			found.caller.Email, subOrgID, found.member.Role)+
			adoptByImport("invent_sub_org_membership", compositeID(orgID, subOrgID))+taintedHint)
}

// addFindCallerError reports a failed findCaller under the name of what failed: the token's user
// (GET /users/me) or the sub-organization.
func addFindCallerError(diags *diag.Diagnostics, subOrgID string, err error) {
	var lookup *callerLookupError
	if errors.As(err, &lookup) {
		addAPIError(diags, "Cannot identify the API token's user", lookup.err)
		return
	}
	addAPIError(diags, fmt.Sprintf("Cannot read sub-organization %q", subOrgID), err)
}

// ModifyPlan checks at plan time what the apply would refuse, so that a reviewer sees it before
// the merge: a create must join a sub-organization of org_id that the token's user is not a member
// of yet (unless it is the membership its own replacement removes), and no other create of this plan
// may create the same membership; a destroy, replacement (a leave, then a join) or role change away
// from ADMIN must not take the sub-organization's last ADMIN. It sends nothing for a plan without
// changes, uses what the refresh read, and otherwise one GET; the apply checks again. An import is no
// create: its plan has the imported state.
//
// A role change joins again (the API's upsert), which also reactivates a membership that is not
// ACTIVE and makes a new one where the token's user has left: the plan shows either (planRoleChange).
func (r *subOrgMembershipResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	var state, plan *subOrgMembershipModel
	if !req.State.Raw.IsNull() {
		state = &subOrgMembershipModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if !req.Plan.Raw.IsNull() {
		plan = &subOrgMembershipModel{}
		resp.Diagnostics.Append(req.Plan.Get(ctx, plan)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	checks := r.data.planChecks
	switch {
	case state == nil && plan != nil:
		if checks {
			r.checkJoin(ctx, plan, req.Private, &resp.Diagnostics)
		}
	case plan == nil:
		if checks {
			r.checkLeave(ctx, state, path.Empty(), fmt.Sprintf("Cannot leave sub-organization %q", state.SubOrgID.ValueString()),
				", then plan again; or, to stop managing the membership without leaving, replace the resource block "+
					"with a removed block (removed { from = <address>  lifecycle { destroy = false } }) or run "+
					"terraform state rm <address>.", &resp.Diagnostics)
		}
	case movesMembership(*state, *plan):
		if checks {
			at := path.Root("sub_org_id")
			if !plan.OrgID.Equal(state.OrgID) {
				at = path.Root("org_id")
			}
			r.checkLeave(ctx, state, at, fmt.Sprintf("Cannot move the membership away from sub-organization %q", state.SubOrgID.ValueString()),
				", or keep org_id and sub_org_id: changing either replaces the membership, which leaves this "+
					"sub-organization before joining the new one.", &resp.Diagnostics)
		}
	case !plan.Role.Equal(state.Role):
		r.planRoleChange(ctx, state, plan, resp)
	}
	if state != nil && plan != nil {
		subOrgID := state.SubOrgID.ValueString()
		r.data.refuseSecondKeeper(ctx, "membership "+subOrgID, state.OrgID.ValueString(),
			fmt.Sprintf("the token's user's membership in sub-organization %q", subOrgID), &resp.Diagnostics)
	}
	if checks && state != nil && plan != nil {
		// Whatever this plan does, a replacement's create half may follow with this private state.
		recordKeptObject(ctx, resp.Private, keptObject{OrgID: state.OrgID.ValueString(), Object: state.SubOrgID.ValueString()}, &resp.Diagnostics)
	}
}

// movesMembership reports whether the plan changes org_id or sub_org_id, which replaces the
// membership. Unknown values are checked again in the plan that applies them.
func movesMembership(state, plan subOrgMembershipModel) bool {
	return (!plan.OrgID.IsUnknown() && !plan.OrgID.Equal(state.OrgID)) ||
		(!plan.SubOrgID.IsUnknown() && !plan.SubOrgID.Equal(state.SubOrgID))
}

// checkJoin refuses a join of a sub-organization that is not a child of org_id, or that the token's
// user is a member of already (unless the plan replaces that membership), or that another create of
// this plan joins too.
func (r *subOrgMembershipResource) checkJoin(ctx context.Context, plan *subOrgMembershipModel, private privateState, diags *diag.Diagnostics) {
	if plan.OrgID.IsUnknown() || plan.SubOrgID.IsUnknown() {
		return
	}
	orgID, subOrgID := plan.OrgID.ValueString(), plan.SubOrgID.ValueString()
	found, err := r.findCaller(ctx, r.data.reads.SubOrgAsRead, orgID, subOrgID)
	switch {
	case found.caller != nil && client.IsMissing(err):
		diags.AddAttributeError(path.Root("sub_org_id"), "No such sub-organization",
			fmt.Sprintf("%q is not a sub-organization of organization %q: %s", subOrgID, orgID, err))
		return
	case err != nil:
		addFindCallerError(diags, subOrgID, err)
		return
	}
	resolvedOrgID, ok := r.data.resolvedOrgID(ctx, orgID, diags)
	if !ok {
		return
	}
	object := membershipObject(resolvedOrgID, subOrgID)
	if found.isMember && !r.data.replaces(ctx, private, object, membershipObject, diags) {
		addAlreadyMemberError(diags, orgID, subOrgID, found)
		return
	}
	r.data.plannedCreates.claimOrRefuse(object, plan.describe(), membershipDescription(resolvedOrgID, subOrgID), path.Root("sub_org_id"), diags)
}

// checkLeave refuses a change that takes the token's user out of the ADMIN role of the sub-organization
// of state when it is the last ACTIVE ADMIN there; the error goes to the attribute at, and advice ends
// its explanation.
func (r *subOrgMembershipResource) checkLeave(ctx context.Context, state *subOrgMembershipModel, at path.Path, summary, advice string, diags *diag.Diagnostics) {
	orgID, subOrgID := state.OrgID.ValueString(), state.SubOrgID.ValueString()
	found, err := r.findCaller(ctx, r.data.reads.SubOrgAsRead, orgID, subOrgID)
	switch {
	case found.caller != nil && client.IsMissing(err), err == nil && !found.isMember:
		return // nothing to leave: the apply treats it as done
	case err != nil:
		addFindCallerError(diags, subOrgID, err)
		return
	}
	addLastAdminError(found, at, summary, advice, diags)
}

// addLastAdminError adds the error of a change that takes the token's user, found in its
// sub-organization, out of the ADMIN role there when no other ACTIVE ADMIN remains.
func addLastAdminError(found callerMembership, at path.Path, summary, advice string, diags *diag.Diagnostics) {
	if found.member.Role != client.OrgRoleAdmin || otherActiveAdmins(found.subOrg, found.member.UserID) > 0 {
		return
	}
	detail := lastAdminExplanation(found.subOrg.ID) + advice
	if at.Equal(path.Empty()) {
		diags.AddError(summary, detail)
		return
	}
	diags.AddAttributeError(at, summary, detail)
}

// otherActiveAdmins counts the ADMIN members of a sub-organization, other than userID, who can act:
// an INVITED or DISABLED ADMIN cannot, and the API does not count them when it refuses to let the
// last ADMIN go.
func otherActiveAdmins(so *client.SubOrg, userID string) int {
	n := 0
	for _, m := range so.Members {
		if m.UserID != userID && m.Role == client.OrgRoleAdmin && m.Status == client.MemberStatusActive {
			n++
		}
	}
	return n
}

// planRoleChange plans a role change, which joins again with the new role. The API's join sets the
// role of a membership and makes it ACTIVE, or makes a new membership where there is none (the token's
// user left outside Terraform, unseen by a plan made with -refresh=false): so the plan shows status
// becoming ACTIVE, or member_id, created_at and status known only after the apply, each with a warning.
// With plan_checks it reads the membership as the API holds it (what the refresh read, or one GET) and
// refuses a step down of the last ACTIVE ADMIN; without, it goes by the state.
func (r *subOrgMembershipResource) planRoleChange(ctx context.Context, state, plan *subOrgMembershipModel, resp *resource.ModifyPlanResponse) {
	orgID, subOrgID := state.OrgID.ValueString(), state.SubOrgID.ValueString()
	status, left := state.Status.ValueString(), false
	if r.data.planChecks {
		found, err := r.findCaller(ctx, r.data.reads.SubOrgAsRead, orgID, subOrgID)
		if err != nil {
			addFindCallerError(&resp.Diagnostics, subOrgID, err)
			return
		}
		if left = !found.isMember; !left {
			status = found.member.Status
			if !plan.Role.IsUnknown() && plan.Role.ValueString() != client.OrgRoleAdmin {
				addLastAdminError(found, path.Root("role"), fmt.Sprintf("Cannot step down in sub-organization %q", subOrgID),
					", or keep role = \"ADMIN\".", &resp.Diagnostics)
			}
		}
	}
	switch {
	case left:
		plan.MemberID, plan.CreatedAt, plan.Status = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
		resp.Diagnostics.AddAttributeWarning(path.Root("role"), fmt.Sprintf("No longer a member of sub-organization %q", subOrgID),
			fmt.Sprintf("The token's user is no longer a member of sub-organization %q, although the state says so (the "+
				"membership was left outside Terraform, and this plan did not refresh). Changing the role joins the "+
				"sub-organization again, which makes a new membership: its member_id, created_at and status are known "+
				"only after the apply.", subOrgID))
	case status == client.MemberStatusActive:
		// The join leaves it ACTIVE. The state may say otherwise: the apply plans again from the state
		// its plan refreshed, and must plan what that plan did when it was reactivated in between.
		plan.Status = types.StringValue(client.MemberStatusActive)
	case plan.Role.IsUnknown():
		// The join happens only if the role turns out to change.
		plan.Status = types.StringUnknown()
	default:
		plan.Status = types.StringValue(client.MemberStatusActive)
		resp.Diagnostics.AddAttributeWarning(path.Root("status"), fmt.Sprintf("The role change reactivates the membership in sub-organization %q", subOrgID),
			fmt.Sprintf("The membership is %s. A role changes by joining again, and the API's join makes the membership "+
				"ACTIVE: the token's user regains access to sub-organization %q.", status, subOrgID))
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

func (r *subOrgMembershipResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state subOrgMembershipModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel := withOperationTimeout(ctx, state.Timeouts.Read, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	orgID, subOrgID := state.OrgID.ValueString(), state.SubOrgID.ValueString()
	found, err := r.findCaller(ctx, r.data.reads.SubOrg, orgID, subOrgID)
	subOrgGone, err := r.data.objectGone(ctx, err)
	if err != nil {
		addFindCallerError(&resp.Diagnostics, subOrgID, err)
		return
	}
	subOrgMembershipIdentity.recordIfMissing(ctx, r.data, resp.Identity, orgID, subOrgID, &resp.Diagnostics)
	if subOrgGone || !found.isMember {
		tflog.Debug(ctx, "The sub-organization is gone, or the token's user is no longer a member of it; removing the membership from state",
			map[string]any{"org_id": orgID, "sub_org_id": subOrgID})
		resp.State.RemoveResource(ctx)
		return
	}
	state.setMember(orgID, subOrgID, found.member)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update changes the role by joining again (the API's upsert), and records what the join answered. A
// join whose answer differs from the plan in more than the role (a new membership, after a leave this
// plan did not see) is recorded as the API holds it, and reported as an error that says so: Terraform
// only accepts a result that differs from its plan together with an error.
func (r *subOrgMembershipResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state subOrgMembershipModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Private != nil { // the framework always passes one; a test calling Update may not
		forgetKeptObject(ctx, resp.Private, &resp.Diagnostics)
	}
	ctx, cancel := withOperationTimeout(ctx, plan.Timeouts.Update, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	subOrgMembershipIdentity.recordIfMissing(ctx, r.data, resp.Identity, plan.OrgID.ValueString(), plan.SubOrgID.ValueString(), &resp.Diagnostics)
	if plan.Role.Equal(state.Role) {
		// Only the timeouts changed: nothing to tell the API.
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	}

	caller, err := r.data.currentUser(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot identify the API token's user", err)
		return
	}
	// Joining again sets the role of a member (the API's upsert); leaving first would drop access
	// if the join then failed.
	orgID, subOrgID := plan.OrgID.ValueString(), plan.SubOrgID.ValueString()
	member, ok, _ := r.join(ctx, orgID, subOrgID, plan.Role.ValueString(), caller, &resp.Diagnostics)
	if !ok {
		return
	}
	planned := plan
	plan.setMember(orgID, subOrgID, member)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	if unplanned := unplannedChanges(planned, plan); len(unplanned) > 0 {
		what := "The join"
		if !planned.MemberID.IsUnknown() && planned.MemberID != plan.MemberID {
			what = fmt.Sprintf("The token's user was no longer a member of sub-organization %q (it left outside "+
				"Terraform, and the plan did not see it), so the join made a new membership; it", subOrgID)
		}
		resp.Diagnostics.AddError(fmt.Sprintf("The role change in sub-organization %q did more than the plan showed", subOrgID),
			fmt.Sprintf("%s answered %s. Terraform recorded the membership as the API holds it, and the next plan "+
				"starts from there: nothing else needs doing. (A refreshing plan with plan_checks on shows such "+
				"changes before the apply.)", what, strings.Join(unplanned, ", ")))
	}
}

// unplannedChanges lists the computed attributes whose value after the apply differs from a known
// planned one.
func unplannedChanges(planned, applied subOrgMembershipModel) []string {
	var out []string
	for _, attr := range []struct {
		name             string
		planned, applied types.String
	}{
		{"member_id", planned.MemberID, applied.MemberID},
		{"user_id", planned.UserID, applied.UserID},
		{"email", planned.Email, applied.Email},
		{"status", planned.Status, applied.Status},
		{"created_at", planned.CreatedAt, applied.CreatedAt},
	} {
		if !attr.planned.IsUnknown() && !attr.planned.Equal(attr.applied) {
			out = append(out, fmt.Sprintf("%s %q (planned %q)", attr.name, attr.applied.ValueString(), attr.planned.ValueString()))
		}
	}
	return out
}

func (r *subOrgMembershipResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state subOrgMembershipModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel := withOperationTimeout(ctx, state.Timeouts.Delete, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	orgID, subOrgID := state.OrgID.ValueString(), state.SubOrgID.ValueString()
	err := r.data.client.LeaveSubOrg(ctx, orgID, subOrgID)
	notMember, err := r.data.objectGone(ctx, err)
	switch {
	case notMember:
		tflog.Debug(ctx, "Not a member of the sub-organization (or it is gone); nothing to leave", map[string]any{"org_id": orgID, "sub_org_id": subOrgID})
	case client.IsConflict(err):
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot leave sub-organization %q", subOrgID),
			err.Error()+"\n\n"+lastAdminExplanation(subOrgID)+", then destroy again; or, to stop managing the "+
				"membership without leaving, run:\n\n"+
				"  terraform state rm <this resource's address>")
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot leave sub-organization %q", subOrgID), err)
		return
	}
	r.data.reads.ForgetSubOrg(ctx, orgID, subOrgID)
}

// ImportState imports the token's user's membership, by "<org_id>/<sub_org_id>" or by identity. It
// checks the membership itself, because a Read that drops a non-member would surface only as
// Terraform's "Cannot import non-existent remote object".
func (r *subOrgMembershipResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	orgID, subOrgID, ok := subOrgMembershipIdentity.importParts(ctx, req.ID, req.Identity, "sub_org_id", &resp.Diagnostics)
	if !ok {
		return
	}
	found, err := r.findCaller(ctx, r.data.reads.SubOrg, orgID, subOrgID)
	if err != nil {
		addFindCallerError(&resp.Diagnostics, subOrgID, err)
		return
	}
	if !found.isMember {
		resp.Diagnostics.AddError("Nothing to import",
			fmt.Sprintf("The token's user %s is not a member of sub-organization %q; nothing to import. "+
				"Remove the import and apply the resource to join the sub-organization.", found.caller.Email, subOrgID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("org_id"), orgID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("sub_org_id"), subOrgID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), compositeID(orgID, subOrgID))...)
	subOrgMembershipIdentity.record(ctx, r.data, resp.Identity, orgID, subOrgID, &resp.Diagnostics)
}

// callerMembership is the token's user, the sub-organization and the user's entry among its
// members, if any.
type callerMembership struct {
	caller   *client.User
	subOrg   *client.SubOrg
	member   client.SubOrgMember
	isMember bool
}

// callerLookupError is a findCaller that failed to identify the token's user (GET /users/me), before
// the sub-organization was read.
type callerLookupError struct{ err error }

func (e *callerLookupError) Error() string {
	return "identifying the API token's user: " + e.err.Error()
}

func (e *callerLookupError) Unwrap() error { return e.err }

// findCaller reads the sub-organization with readSubOrg (fresh or batched) and looks for the token's
// user among its members. Errors keep the API's status; a failure to identify the token's user is a
// callerLookupError, and caller is set when only the sub-organization could not be read, so that a 404
// of the sub-organization can be told from one of the user.
func (r *subOrgMembershipResource) findCaller(ctx context.Context,
	readSubOrg func(ctx context.Context, orgID, subOrgID string) (*client.SubOrg, error), orgID, subOrgID string,
) (callerMembership, error) {
	caller, err := r.data.currentUser(ctx)
	if err != nil {
		return callerMembership{}, &callerLookupError{err}
	}
	subOrg, err := readSubOrg(ctx, orgID, subOrgID)
	if err != nil {
		return callerMembership{caller: caller}, err
	}
	member, ok := subOrg.MemberByUserID(caller.ID)
	return callerMembership{caller: caller, subOrg: subOrg, member: member, isMember: ok}, nil
}

// setMember fills the model from the member entry of the token's user.
func (m *subOrgMembershipModel) setMember(orgID, subOrgID string, member client.SubOrgMember) {
	m.ID = types.StringValue(compositeID(orgID, subOrgID))
	m.Role = types.StringValue(member.Role)
	m.MemberID = types.StringValue(member.ID)
	m.UserID = types.StringValue(member.UserID)
	m.Email = types.StringValue(member.Email)
	m.Status = types.StringValue(member.Status)
	m.CreatedAt = rfc3339UTC(member.CreatedAt)
}

// join makes the token's user a member of the sub-organization with role, or sets the role of a
// member, and returns its entry. The API answers with the sub-organization, which lists the caller;
// if an answer does not, the membership is read back rather than left unrecorded (the next apply
// would then refuse it as an existing membership). ok is false, with an error in diags, when the API
// did not confirm the membership: nothing may then be recorded. joinErr is the join request's own
// failure, if it failed.
func (r *subOrgMembershipResource) join(ctx context.Context, orgID, subOrgID, role string, caller *client.User, diags *diag.Diagnostics) (member client.SubOrgMember, ok bool, joinErr error) {
	summary := fmt.Sprintf("Cannot join sub-organization %q as %s", subOrgID, role)
	joined, err := r.data.client.JoinSubOrg(ctx, orgID, subOrgID, role)
	switch {
	case client.IsConflict(err):
		diags.AddError(summary, err.Error()+"\n\n"+lastAdminExplanation(subOrgID)+", or keep role = \"ADMIN\".")
		return client.SubOrgMember{}, false, err
	case err != nil:
		addAPIError(diags, summary, err)
		return client.SubOrgMember{}, false, err
	}
	member, ok = joined.MemberByUserID(caller.ID)
	if !ok {
		if joined, err = r.data.client.GetSubOrg(ctx, orgID, subOrgID); err != nil {
			addAPIError(diags, fmt.Sprintf("Cannot read sub-organization %q back after joining it", subOrgID), err)
			return client.SubOrgMember{}, false, nil
		}
		member, ok = joined.MemberByUserID(caller.ID)
	}
	if !ok {
		diags.AddError("Unexpected API answer",
			fmt.Sprintf("The API accepted the join of sub-organization %q, but neither its answer nor the "+
				"sub-organization read back lists the token's user %s among the members, so nothing was "+
				"recorded. Run terraform apply again; if this persists, report it.", subOrgID, caller.Email))
		return client.SubOrgMember{}, false, nil
	}
	r.data.reads.RecordSubOrg(ctx, orgID, *joined)
	return member, true, nil
}
