package provider

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = &orgMemberResource{}
	_ resource.ResourceWithModifyPlan  = &orgMemberResource{}
	_ resource.ResourceWithImportState = &orgMemberResource{}
	_ resource.ResourceWithIdentity    = &orgMemberResource{}
)

// orgMemberIdentity identifies a member by its organization and user ID.
var orgMemberIdentity = orgObjectIdentity{objectAttr: "user_id", objectDescription: orgMemberUserIDDescription}

// Descriptions shared by the resource and the invent_org_members data source.
var (
	orgMemberUserIDDescription      = "The ID of the member's user."
	orgMemberDisplayNameDescription = "The user's display name. For an address without an account, the API " +
		"makes one up from the address until the user joins."
	orgMemberRoleDescription = "The member's content role: `admin`, `create`, `edit`, `review`, " +
		"`comment`, `read` or `guest` (the API's `null` role)."
	orgMemberStatusDescription = "`" + client.MemberStatusActive + "`, `" + client.MemberStatusInvited +
		"` (invited by email, without an account yet) or `" + client.MemberStatusDisabled + "`."
	orgMemberSSODescription      = "Whether the member signs in through the organization's single sign-on."
	orgMemberDisabledDescription = "Whether the member's access is disabled."
	orgMemberJoinedAtDescription = "When the member joined or was invited (RFC 3339, UTC)."
)

// NewOrgMemberResource is the resource invent_org_member.
func NewOrgMemberResource() resource.Resource {
	return &orgMemberResource{}
}

// orgMemberResource invites an address to an organization by email and then manages that
// membership's role.
type orgMemberResource struct {
	data *providerData
}

// orgMemberModel is one member as the API describes it: the resource's member attributes and one
// element of the data source's list.
type orgMemberModel struct {
	UserID      types.String `tfsdk:"user_id"`
	Email       types.String `tfsdk:"email"`
	DisplayName types.String `tfsdk:"display_name"`
	Role        types.String `tfsdk:"role"`
	Status      types.String `tfsdk:"status"`
	SSO         types.Bool   `tfsdk:"sso"`
	Disabled    types.Bool   `tfsdk:"disabled"`
	JoinedAt    types.String `tfsdk:"joined_at"`
}

func newOrgMemberModel(m *client.Member) orgMemberModel {
	return orgMemberModel{
		UserID:      types.StringValue(m.ID),
		Email:       types.StringValue(m.User.Email),
		DisplayName: types.StringValue(m.User.DisplayName),
		Role:        types.StringValue(string(m.Role)),
		Status:      types.StringValue(m.Status),
		SSO:         types.BoolValue(m.SSO),
		Disabled:    types.BoolValue(m.Disabled),
		JoinedAt:    rfc3339UTC(m.JoinedAt),
	}
}

type orgMemberResourceModel struct {
	ID    types.String `tfsdk:"id"`
	OrgID types.String `tfsdk:"org_id"`
	orgMemberModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// setFromAPI records what the API holds for the member. org_id and timeouts are the
// configuration's, and so is the email's spelling when it names the same address.
func (m *orgMemberResourceModel) setFromAPI(member *client.Member) {
	written := m.Email
	m.orgMemberModel = newOrgMemberModel(member)
	m.ID = types.StringValue(compositeID(m.OrgID.ValueString(), member.ID))
	if strings.EqualFold(written.ValueString(), member.User.Email) {
		m.Email = written
	}
}

func (r *orgMemberResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_org_member"
}

func (r *orgMemberResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	stable := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A member of an organization, invited by email " +
			"(`POST /orgs/{org_id}/invites`). A person with an account joins at once (status `ACTIVE`); " +
			"an address without one becomes a member with status `INVITED` until they sign up. `role` " +
			"changes in place; another address, organization or `sso` replaces the member. Destroying " +
			"the resource removes the member, which needs an API token of an ADMIN of the organization.\n\n" +
			"If the address is a member already, creation fails with the `terraform import` command " +
			"that brings the membership under management: adopting it silently could change a role " +
			"someone relies on. So does a second resource for the same address in one configuration " +
			"(in any case, with `org_id` written either way). The provider refuses, at plan time, to " +
			"remove or demote the API token's own user, which would lock the token out of the " +
			"organization, and a plan that leaves that member's role, address, organization or `sso` " +
			"to be known only at apply.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<org_id>/<user_id>`; also an import ID.",
				Computed:            true,
				PlanModifiers:       stable,
			},
			"org_id": schema.StringAttribute{
				MarkdownDescription: "The organization; `c` stands for the organization the API token was " +
					"created in. Kept as written. Changing it replaces the member.",
				Required:      true,
				Validators:    orgIDValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "The address to invite: one bare address such as `name@example.com`. " +
					"Compared without regard to case, so `A@x.io` and `a@x.io` are the same member and " +
					"never cause a diff; the state keeps the spelling first written. Changing it to " +
					"another address replaces the member.",
				Required:   true,
				Validators: []validator.String{bareEmailAddress{}},
				PlanModifiers: []planmodifier.String{
					keepEmailSpelling{},
					stringplanmodifier.RequiresReplace(),
				},
			},
			"role": schema.StringAttribute{
				MarkdownDescription: orgMemberRoleDescription + " Changes in place. The API refuses a " +
					"change that would leave the organization without an `admin`.",
				Required:   true,
				Validators: contentRoleValidators(),
			},
			"sso": schema.BoolAttribute{
				MarkdownDescription: "Whether the member signs in through the organization's single " +
					"sign-on. Default `false`. Changing it replaces the member. If the API cannot add the " +
					"address with SSO (it is an SSO member of another organization), creation fails and " +
					"the membership the API made without SSO is removed again.",
				Optional:      true,
				Computed:      true,
				Default:       booldefault.StaticBool(false),
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"user_id": schema.StringAttribute{
				MarkdownDescription: orgMemberUserIDDescription,
				Computed:            true,
				PlanModifiers:       stable,
			},
			"display_name": schema.StringAttribute{
				MarkdownDescription: orgMemberDisplayNameDescription,
				Computed:            true,
				PlanModifiers:       stable,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "The membership's status: " + orgMemberStatusDescription,
				Computed:            true,
				PlanModifiers:       stable,
			},
			"joined_at": schema.StringAttribute{
				MarkdownDescription: orgMemberJoinedAtDescription,
				Computed:            true,
				PlanModifiers:       stable,
			},
			"disabled": schema.BoolAttribute{
				MarkdownDescription: orgMemberDisabledDescription,
				Computed:            true,
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": resourceTimeoutsBlock(ctx),
		},
	}
}

func (r *orgMemberResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = orgMemberIdentity.schema()
}

func (r *orgMemberResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan refuses, before anything is applied, a plan that would remove the API token's own
// user from the organization or take its admin role, or that could do either with a value known only
// at apply: the token could not undo either.
//
// With plan_checks on, it also refuses at plan time to invite an address that is a member already
// (the apply would refuse it too, unless it is the member this plan replaces), or that another create
// of this plan invites too, with one request per planned create.
func (r *orgMemberResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return // the provider is not configured yet
	}
	if req.State.Raw.IsNull() {
		if r.data.planChecks && !req.Plan.Raw.IsNull() {
			r.checkInvite(ctx, req.Plan, req.Private, &resp.Diagnostics)
		}
		return
	}
	var state orgMemberResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	var plan *orgMemberResourceModel
	if !req.Plan.Raw.IsNull() {
		plan = &orgMemberResourceModel{}
		resp.Diagnostics.Append(req.Plan.Get(ctx, plan)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if plan != nil && r.data.planChecks {
		// A replacement's create half may follow with this private state.
		recordKeptObject(ctx, resp.Private, keptObject{OrgID: state.OrgID.ValueString(), Object: strings.ToLower(state.Email.ValueString())}, &resp.Diagnostics)
	}
	if plan != nil {
		userID := state.UserID.ValueString()
		r.data.refuseSecondKeeper(ctx, "member "+userID, state.OrgID.ValueString(),
			fmt.Sprintf("member %s (%s)", state.Email.ValueString(), userID), &resp.Diagnostics)
	}
	isAdmin := state.Role.ValueString() == string(client.RoleAdmin)
	removes := plan == nil || replacesMember(state, *plan)
	mayReplace := plan != nil && (plan.OrgID.IsUnknown() || plan.Email.IsUnknown() || plan.SSO.IsUnknown())
	demotes := plan != nil && isAdmin && !plan.Role.IsUnknown() && plan.Role.ValueString() != string(client.RoleAdmin)
	mayDemote := plan != nil && isAdmin && plan.Role.IsUnknown()
	if !removes && !demotes && !mayReplace && !mayDemote {
		return
	}
	caller, err := r.data.currentUser(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot identify the API token's user", err)
		return
	}
	if state.UserID.ValueString() != caller.ID && !strings.EqualFold(state.Email.ValueString(), caller.Email) {
		return
	}
	orgID := state.OrgID.ValueString()
	anotherAdmin := "apply the change with the API token of another ADMIN of the organization"
	switch {
	case removes:
		resp.Diagnostics.AddError("Refusing to remove the API token's own user",
			fmt.Sprintf("%s is the user of the provider's API token. Destroying or replacing this member "+
				"(a change of org_id, email or sso replaces it) would remove that user from organization "+
				"%q and lock the token out: it could neither manage members nor undo the change "+
				"afterwards.\n\nApply this change with the API token of another ADMIN of the organization; "+
				"or, to stop managing the membership without removing it, replace the resource block "+
				"with a removed block (removed { from = <address>  lifecycle { destroy = false } }) or run "+
				"terraform state rm <address>.", caller.Email, orgID))
	case mayReplace:
		resp.Diagnostics.AddError("The API token's own member must be known at plan time",
			fmt.Sprintf("%s is the user of the provider's API token, and this plan leaves org_id, email or sso of "+
				"its member to be known only at apply. A change of any of them replaces the member, which would "+
				"remove that user from organization %q and lock the token out, and a plan that cannot show it "+
				"cannot be refused for it.\n\nWrite those values so that they are known at plan time, or %s.",
				caller.Email, orgID, anotherAdmin))
	case mayDemote:
		resp.Diagnostics.AddAttributeError(path.Root("role"), "The role of the API token's own member must be known at plan time",
			fmt.Sprintf("%s is the user of the provider's API token and an admin of organization %q, and this plan "+
				"leaves its role to be known only at apply. A role other than admin would take the token's ADMIN "+
				"rights, so that it could no longer manage members or undo the change, and a plan that cannot show "+
				"it cannot be refused for it.\n\nWrite the role so that it is known at plan time (role = \"admin\" "+
				"keeps it), or %s.", caller.Email, orgID, anotherAdmin))
	default:
		resp.Diagnostics.AddAttributeError(path.Root("role"), "Refusing to demote the API token's own user",
			fmt.Sprintf("%s is the user of the provider's API token. Changing its role from admin to %s "+
				"would take the token's ADMIN rights in organization %q, so it could no longer manage members "+
				"or undo the change.\n\nKeep role = \"admin\", or %s.", caller.Email, plan.Role.ValueString(), orgID, anotherAdmin))
	}
}

// replacesMember reports whether the plan changes an attribute that replaces the member. Unknown
// values are not counted: ModifyPlan treats them on their own.
func replacesMember(state, plan orgMemberResourceModel) bool {
	return (!plan.OrgID.IsUnknown() && !plan.OrgID.Equal(state.OrgID)) ||
		(!plan.Email.IsUnknown() && !strings.EqualFold(plan.Email.ValueString(), state.Email.ValueString())) ||
		(!plan.SSO.IsUnknown() && !plan.SSO.Equal(state.SSO))
}

func (r *orgMemberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan orgMemberResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, cancel := withOperationTimeout(ctx, plan.Timeouts.Create, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	orgID, email := plan.OrgID.ValueString(), plan.Email.ValueString()
	// The identity needs the organization's own ID: resolved before the write, so that a failure to
	// resolve it cannot fail an invitation the API sent.
	resolvedOrgID, ok := r.data.resolvedOrgID(ctx, orgID, &resp.Diagnostics)
	if !ok {
		return
	}
	if !r.data.appliedCreates.claimOrRefuse(memberObject(resolvedOrgID, email), plan.describe(),
		memberDescription(resolvedOrgID, email), path.Root("email"), &resp.Diagnostics) {
		return
	}
	existing, err := findMemberByEmail(ctx, r.data.client, orgID, email)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot list the organization's members", err)
		return
	}
	if existing != nil {
		addAlreadyOrgMemberError(&resp.Diagnostics, orgID, email, existing)
		return
	}

	invited, err := r.data.client.InviteByEmail(ctx, orgID, client.InviteRequest{
		Emails: []client.InviteEmail{{Email: email, Role: client.ContentRole(plan.Role.ValueString())}},
		SSO:    plan.SSO.ValueBool(),
	})
	if err != nil {
		if member := r.findLostMember(ctx, err, plan, &resp.Diagnostics); member != nil {
			plan.setFromAPI(member)
			resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
			orgMemberIdentity.record(ctx, r.data, resp.Identity, resolvedOrgID, member.ID, &resp.Diagnostics)
		}
		return
	}
	if len(invited.Users) == 0 {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot invite %s", email),
			fmt.Sprintf("The API accepted the invitation but added nobody to organization %q, which it does "+
				"for an address that is a member already: someone may have added it meanwhile. Run "+
				"terraform apply again; if the address is a member, the error then shows how to import it.", orgID))
		return
	}
	userID := invited.Users[0]
	if slices.ContainsFunc(invited.FailedSSOEmails, func(failed string) bool { return strings.EqualFold(failed, email) }) {
		resp.Diagnostics.AddAttributeError(path.Root("sso"), fmt.Sprintf("Cannot add %s with SSO", email),
			r.rollBackSSOFailure(ctx, orgID, userID, email, "the address is an SSO member of another organization "+
				"(the API reported it in failedSSOEmails), so the API added it without SSO"))
		return
	}

	member, err := r.data.client.GetMember(ctx, orgID, userID)
	if err != nil {
		// The member exists as configured: record it, with what only the API can say left null for
		// the next refresh, rather than lose track of it or record unknown values.
		plan.ID, plan.UserID = types.StringValue(compositeID(orgID, userID)), types.StringValue(userID)
		plan.DisplayName, plan.Status, plan.JoinedAt = types.StringNull(), types.StringNull(), types.StringNull()
		plan.Disabled = types.BoolNull()
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		orgMemberIdentity.record(ctx, r.data, resp.Identity, resolvedOrgID, userID, &resp.Diagnostics)
		resp.Diagnostics.AddWarning(fmt.Sprintf("Cannot read the new member %s back", email),
			fmt.Sprintf("%s\n\nThe API added %s to organization %q as user %s, and Terraform records it. Its "+
				"display_name, status, joined_at and disabled are left null until the next refresh reads them.",
				err, email, orgID, userID))
		return
	}
	plan.setFromAPI(member)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	orgMemberIdentity.record(ctx, r.data, resp.Identity, resolvedOrgID, userID, &resp.Diagnostics)
}

// findLostMember handles a failed invitation: it adds the error and returns nil, unless the API may
// have acted and the organization now has a member with the address (it had none before the
// invitation), which it returns with a warning. A member found without the SSO that was asked for is
// removed again, as after failedSSOEmails.
func (r *orgMemberResource) findLostMember(ctx context.Context, err error, plan orgMemberResourceModel, diags *diag.Diagnostics) *client.Member {
	orgID, email := plan.OrgID.ValueString(), plan.Email.ValueString()
	summary := fmt.Sprintf("Cannot invite %s", email)
	if !client.MayHaveActed(err) {
		addAPIError(diags, summary, err)
		return nil
	}
	what := fmt.Sprintf("a member %s of organization %q", email, orgID)
	searchCtx, cancel := searchContext(ctx)
	defer cancel()
	member, searchErr := findMemberByEmail(searchCtx, r.data.client, orgID, email)
	switch {
	case searchErr != nil:
		diags.AddError(summary, mayHaveActed(err, what)+fmt.Sprintf(" The provider could not look for it: %s\n\n"+
			"If the address is a member now, bring it under management with terraform import <address> %q; "+
			"otherwise apply again.", searchErr, compositeID(orgID, email)))
	case member == nil:
		diags.AddError(summary, mayHaveActed(err, what)+" The provider looked for it, and the organization has no "+
			"member with that address: the invitation did not take effect. Apply again to invite it.")
	case plan.SSO.ValueBool() && !member.SSO:
		diags.AddAttributeError(path.Root("sso"), fmt.Sprintf("Cannot add %s with SSO", email),
			mayHaveActed(err, what)+"\n\n"+r.rollBackSSOFailure(ctx, orgID, member.ID, email,
				"the organization now has that member, but without SSO"))
	default:
		diags.AddWarning(fmt.Sprintf("Invited %s, but the API's answer was lost", email),
			mayHaveActed(err, what)+fmt.Sprintf(" The organization now has a member with that address (user %s, "+
				"role %s), which it did not have before the invitation: Terraform records it.", member.ID, member.Role))
		return member
	}
	return nil
}

// describe names the member as the configuration does, for errors that compare two resources.
func (m orgMemberResourceModel) describe() string {
	return fmt.Sprintf("org_id = %q, email = %q", m.OrgID.ValueString(), m.Email.ValueString())
}

// memberDescription is what a member is, in errors.
func memberDescription(orgID, email string) string {
	return fmt.Sprintf("the member %s of organization %q (addresses are compared without case)", strings.ToLower(email), orgID)
}

// checkInvite refuses a planned invitation of an address that is a member already, unless the plan
// replaces that member, or that another create of this plan invites too.
func (r *orgMemberResource) checkInvite(ctx context.Context, plan tfsdk.Plan, private privateState, diags *diag.Diagnostics) {
	var planned orgMemberResourceModel
	if diags.Append(plan.Get(ctx, &planned)...); diags.HasError() || planned.OrgID.IsUnknown() || planned.Email.IsUnknown() {
		return
	}
	orgID, email := planned.OrgID.ValueString(), planned.Email.ValueString()
	resolvedOrgID, ok := r.data.resolvedOrgID(ctx, orgID, diags)
	if !ok {
		return
	}
	object := memberObject(resolvedOrgID, email)
	existing, err := findMemberByEmail(ctx, r.data.client, orgID, email)
	switch {
	case err != nil:
		addAPIError(diags, "Cannot list the organization's members", err)
	case existing != nil && !r.data.replaces(ctx, private, object, memberObject, diags):
		addAlreadyOrgMemberError(diags, orgID, email, existing)
	default:
		r.data.plannedCreates.claimOrRefuse(object, planned.describe(), memberDescription(resolvedOrgID, email), path.Root("email"), diags)
	}
}

// addAlreadyOrgMemberError refuses to invite an address that is a member already, which would take
// over its membership, and shows how to import it instead.
func addAlreadyOrgMemberError(diags *diag.Diagnostics, orgID, email string, existing *client.Member) {
	diags.AddAttributeError(path.Root("email"), "Already a member of the organization",
		fmt.Sprintf("%s is already a member of organization %q with the role %s. Inviting the address "+
			"again would silently take over that membership and could change its role. ",
			email, orgID, existing.Role)+adoptByImport("invent_org_member", compositeID(orgID, email))+taintedHint)
}

// rollBackSSOFailure removes the member the API added without SSO although SSO was asked for, and
// returns the error detail, which reason explains: nobody may keep access the configuration did not
// ask for.
func (r *orgMemberResource) rollBackSSOFailure(ctx context.Context, orgID, userID, email, reason string) string {
	why := fmt.Sprintf("The API could not add %s to organization %q with single sign-on: %s.", email, orgID, reason)
	// The rollback must run even when the create's own time or context is spent: it is what keeps
	// access nobody declared from staying behind.
	rollbackCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	result, err := r.data.client.RemoveMember(rollbackCtx, orgID, userID)
	if err == nil && result == client.RemovalRequested { // err first: on error result means nothing
		err = fmt.Errorf("the API only forwarded a removal request to the organization's admins (202 Accepted)")
	}
	if err != nil {
		return why + fmt.Sprintf(" The provider tried to remove that membership again and could not: %s\n\n"+
			"User %s is now a member of organization %q WITHOUT SSO, and Terraform does not manage it. "+
			"An admin must remove user %s by hand (DELETE /orgs/%s/members/%s), or bring it under "+
			"management with sso = false and terraform import.", err, userID, orgID, userID, orgID, userID)
	}
	return why + " The provider removed that membership again, so nothing changed.\n\nSet sso = false to " +
		"invite the address without single sign-on."
}

// findMemberByEmail returns the member of orgID whose address is email, ignoring case, or nil.
func findMemberByEmail(ctx context.Context, api *client.Client, orgID, email string) (*client.Member, error) {
	// search also matches names and parts of addresses, so the exact address is picked out here.
	members, err := api.ListMembers(ctx, orgID, client.MemberFilter{Search: email})
	if err != nil {
		return nil, err
	}
	for i := range members {
		if strings.EqualFold(members[i].User.Email, email) {
			return &members[i], nil
		}
	}
	return nil, nil
}

func (r *orgMemberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state orgMemberResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel := withOperationTimeout(ctx, state.Timeouts.Read, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	orgID, userID := state.OrgID.ValueString(), state.UserID.ValueString()
	member, err := r.data.client.GetMember(ctx, orgID, userID)
	gone, err := r.data.objectGone(ctx, err)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot read member %s", userID), err)
		return
	}
	orgMemberIdentity.recordIfMissing(ctx, r.data, resp.Identity, orgID, userID, &resp.Diagnostics)
	if gone {
		tflog.Debug(ctx, "No longer a member of the organization; removing it from state", map[string]any{"org_id": orgID, "user_id": userID})
		resp.State.RemoveResource(ctx)
		return
	}
	state.setFromAPI(member)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update changes the role, the only attribute the API updates; everything else replaces the
// member. The state keeps what was planned (the next refresh brings any change made meanwhile). A
// plan that changes only the timeouts block writes nothing.
func (r *orgMemberResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state orgMemberResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Private != nil { // the framework always passes one; a test calling Update may not
		forgetKeptObject(ctx, resp.Private, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	orgMemberIdentity.recordIfMissing(ctx, r.data, resp.Identity, state.OrgID.ValueString(), state.UserID.ValueString(), &resp.Diagnostics)
	if plan.Role.Equal(state.Role) {
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	}
	ctx, cancel := withOperationTimeout(ctx, plan.Timeouts.Update, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	orgID, userID := state.OrgID.ValueString(), state.UserID.ValueString()
	if _, err := r.data.client.UpdateMemberRole(ctx, orgID, userID, client.ContentRole(plan.Role.ValueString())); err != nil {
		summary := fmt.Sprintf("Cannot change the role of %s", state.Email.ValueString())
		if client.IsConflict(err) {
			resp.Diagnostics.AddError(summary, err.Error()+"\n\nThe member is the organization's last admin, "+
				"and an organization must keep one. Make another member admin first (for example with "+
				"another invent_org_member with role = \"admin\"), then apply again; or keep role = \"admin\".")
			return
		}
		addAPIError(&resp.Diagnostics, summary, err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Delete removes the member. A non-admin token only makes the API ask the admins (202): the member
// stays, so that is an error and the state keeps it.
func (r *orgMemberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state orgMemberResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel := withOperationTimeout(ctx, state.Timeouts.Delete, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	orgID, userID, email := state.OrgID.ValueString(), state.UserID.ValueString(), state.Email.ValueString()
	summary := fmt.Sprintf("Cannot remove %s from the organization", email)
	result, err := r.data.client.RemoveMember(ctx, orgID, userID)
	orgGone, err := r.data.objectGone(ctx, err)
	switch { // the error cases come first: on error result means nothing
	case client.IsConflict(err):
		resp.Diagnostics.AddError(summary, err.Error()+"\n\nThe member is the organization's last admin, and "+
			"an organization must keep one. Make another member admin first, then destroy again.")
	case orgGone:
		tflog.Debug(ctx, "The organization is gone, and its members with it; nothing to remove", map[string]any{
			"org_id": orgID, "user_id": userID,
		})
	case err != nil:
		addAPIError(&resp.Diagnostics, summary, err)
	case result == client.RemovalRequested:
		resp.Diagnostics.AddError(summary, fmt.Sprintf("The API answered 202 Accepted: the API token's user "+
			"is not an ADMIN of organization %q, so the API only sent a removal request to the "+
			"organization's admins and removed nobody. %s (user %s) is still a member, and Terraform keeps "+
			"it in state.\n\nRemoving a member needs an ADMIN token: run again with the API token of an "+
			"ADMIN of the organization.", orgID, email, userID))
	case result == client.MemberNotFound:
		tflog.Debug(ctx, "Was not a member of the organization; nothing to remove", map[string]any{
			"org_id": orgID, "user_id": userID,
		})
	}
}

// ImportState takes "<org_id>/<user_id>", "<org_id>/<email>" or an identity, and checks the
// membership itself, so that a non-member is a clear error rather than Terraform's "Cannot import
// non-existent remote object". Read then fills in the rest.
func (r *orgMemberResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	// An address may hold a "/" (sl/ash@x.io): after the organization, the rest of the ID is the
	// address when it has an "@".
	orgID, who, ok := strings.Cut(req.ID, "/")
	if !ok || strings.TrimSpace(orgID) == "" || !strings.Contains(who, "@") {
		if orgID, who, ok = orgMemberIdentity.importParts(ctx, req.ID, req.Identity, "user_id or email", &resp.Diagnostics); !ok {
			return
		}
	}
	var member *client.Member
	var err error
	email := who
	if strings.Contains(who, "@") {
		if !isBareEmailAddress(who) {
			resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%q is not a single bare email address "+
				"such as name@example.com; got import ID %q", who, req.ID))
			return
		}
		member, err = findMemberByEmail(ctx, r.data.client, orgID, who)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Cannot list the organization's members", err)
			return
		}
		if member == nil {
			resp.Diagnostics.AddError("Nothing to import", fmt.Sprintf("%s is not a member of organization %q; "+
				"nothing to import. Remove the import and apply the resource to invite the address.", who, orgID))
			return
		}
	} else {
		if !apiIDPattern.MatchString(who) {
			resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("the user ID %q must be letters, digits, "+
				"'_' and '-', or the part after the slash must be an email address; got import ID %q", who, req.ID))
			return
		}
		member, err = r.data.client.GetMember(ctx, orgID, who)
		if client.IsNotFound(err) {
			resp.Diagnostics.AddError("Nothing to import", fmt.Sprintf("User %s is not a member of organization "+
				"%q; nothing to import. The API answered: %s", who, orgID, err))
			return
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot read member %s", who), err)
			return
		}
		email = member.User.Email
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("org_id"), orgID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), compositeID(orgID, member.ID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_id"), member.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("email"), email)...)
	orgMemberIdentity.record(ctx, r.data, resp.Identity, orgID, member.ID, &resp.Diagnostics)
}

// isBareEmailAddress reports whether s is exactly one address, without a display name, comments or
// surrounding space: what the API accepts.
func isBareEmailAddress(s string) bool {
	addr, err := mail.ParseAddress(s)
	return err == nil && addr.Name == "" && addr.Address == s
}

// bareEmailAddress validates an email attribute at plan time.
type bareEmailAddress struct{}

func (bareEmailAddress) Description(_ context.Context) string {
	return "must be a single bare email address such as name@example.com"
}

func (v bareEmailAddress) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v bareEmailAddress) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || isBareEmailAddress(req.ConfigValue.ValueString()) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid email address",
		fmt.Sprintf("Attribute %s %s, got: %q", req.Path, v.Description(ctx), req.ConfigValue.ValueString()))
}

// keepEmailSpelling plans the prior state's address when the configuration names the same address
// in other case, so that a change of case is no diff at all, let alone a replacement.
type keepEmailSpelling struct{}

func (keepEmailSpelling) Description(_ context.Context) string {
	return "An address that differs from the state's only in case is the same address and keeps the state's spelling."
}

func (m keepEmailSpelling) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepEmailSpelling) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.PlanValue.IsUnknown() || req.PlanValue.IsNull() {
		return
	}
	if strings.EqualFold(req.PlanValue.ValueString(), req.StateValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}
