package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
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
	_ resource.ResourceWithConfigure        = &inviteLinkResource{}
	_ resource.ResourceWithConfigValidators = &inviteLinkResource{}
	_ resource.ResourceWithImportState      = &inviteLinkResource{}
	_ resource.ResourceWithIdentity         = &inviteLinkResource{}
	_ resource.ResourceWithModifyPlan       = &inviteLinkResource{}
)

// inviteLinkIdentity identifies a link by its organization and invite ID.
var inviteLinkIdentity = orgObjectIdentity{objectAttr: "invite_id", objectDescription: "The invite ID the API gave the link."}

// Descriptions shared by the resource and the invent_invite_links data source.
const (
	inviteLinkRoleDescription = "The content role the link grants: `admin`, `create`, `edit`, " +
		"`review`, `comment`, `read` or `guest` (the API's `null` role)."
	inviteLinkRedundantDescription = "Whether the provider's API token user already holds every " +
		"permission the link grants. It follows that user's own role, so it can change on refresh " +
		"without any change to the link."
	inviteLinkIDDescription = "The invite ID the API gave the link. Sensitive: anyone signed in who knows " +
		"the ID of an organization link can join the organization with its role, so plans, outputs and " +
		"the provider's logs never show it; `fingerprint` names the link instead."
	inviteLinkFingerprintDescription = "The last 4 characters of the invite ID: enough to tell links " +
		"apart in plans and warnings, and a key for `for_each`, without granting entry."
)

// NewInviteLinkResource is the resource invent_invite_link.
func NewInviteLinkResource() resource.Resource {
	return &inviteLinkResource{}
}

type inviteLinkResource struct {
	data *providerData
}

type inviteLinkResourceModel struct {
	ID           types.String   `tfsdk:"id"`
	OrgID        types.String   `tfsdk:"org_id"`
	Role         types.String   `tfsdk:"role"`
	SpaceID      types.String   `tfsdk:"space_id"`
	CollectionID types.String   `tfsdk:"collection_id"`
	Kind         types.String   `tfsdk:"kind"`
	Title        types.String   `tfsdk:"title"`
	Redundant    types.Bool     `tfsdk:"redundant"`
	Fingerprint  types.String   `tfsdk:"fingerprint"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

// setFromAPI records what the API holds for the link; org_id and timeouts are the configuration's.
func (m *inviteLinkResourceModel) setFromAPI(link *client.InviteLink) {
	m.ID = types.StringValue(link.ID)
	m.Fingerprint = types.StringValue(client.InviteIDFingerprint(link.ID))
	m.Role = types.StringValue(string(link.EffectiveRole()))
	m.Kind = types.StringValue(link.Kind())
	m.Redundant = types.BoolValue(link.Redundant)
	m.SpaceID, m.CollectionID, m.Title = types.StringNull(), types.StringNull(), types.StringNull()
	if target := link.Target(); target != nil {
		m.Title = types.StringValue(target.Title)
		if link.Kind() == client.InviteLinkKindSpace {
			m.SpaceID = types.StringValue(target.ID)
		} else {
			m.CollectionID = types.StringValue(target.ID)
		}
	}
}

// inviteLinkUpdateRequest is the PATCH body for a link of the given kind: the API takes `role` for
// an organization link and `level` for a space or collection link, and refuses the other.
func inviteLinkUpdateRequest(kind string, role client.ContentRole) client.UpdateInviteLinkRequest {
	if kind == client.InviteLinkKindOrganization {
		return client.UpdateInviteLinkRequest{Role: role}
	}
	return client.UpdateInviteLinkRequest{Level: role}
}

func (r *inviteLinkResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_invite_link"
}

func (r *inviteLinkResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An invite link that lets anyone holding it join an organization with a " +
			"content role, either to the whole organization or to one of its spaces or collections. " +
			"The role changes in place; a different organization, space or collection is a new link. " +
			"Destroying the resource revokes the link.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: inviteLinkIDDescription,
				Computed:            true,
				Sensitive:           true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"fingerprint": schema.StringAttribute{
				MarkdownDescription: inviteLinkFingerprintDescription,
				Computed:            true,
				PlanModifiers:       []planmodifier.String{fingerprintOfPriorID{}},
			},
			"org_id": schema.StringAttribute{
				MarkdownDescription: "The organization the link belongs to; `c` stands for the organization " +
					"the API token was created in. Changing it creates a new link.",
				Required:      true,
				Validators:    orgIDValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"role": schema.StringAttribute{
				MarkdownDescription: inviteLinkRoleDescription + " Changes in place.",
				Required:            true,
				Validators:          contentRoleValidators(),
			},
			"space_id": schema.StringAttribute{
				MarkdownDescription: "The space of the organization the link admits to, instead of the whole " +
					"organization. Conflicts with `collection_id`. Changing it creates a new link.",
				Optional:      true,
				Validators:    idValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"collection_id": schema.StringAttribute{
				MarkdownDescription: "The collection of the organization the link admits to, instead of the " +
					"whole organization. Conflicts with `space_id`. Changing it creates a new link.",
				Optional:      true,
				Validators:    idValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"kind": schema.StringAttribute{
				MarkdownDescription: "What the link admits to: `" + client.InviteLinkKindOrganization + "`, `" +
					client.InviteLinkKindSpace + "` or `" + client.InviteLinkKindCollection + "`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"title": schema.StringAttribute{
				MarkdownDescription: "The title of the space or collection; null for an organization link.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"redundant": schema.BoolAttribute{
				MarkdownDescription: inviteLinkRedundantDescription + " Unknown in a plan that changes `role`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Bool{keepUnlessRoleChanges{}},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": resourceTimeoutsBlock(ctx),
		},
	}
}

func (r *inviteLinkResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = inviteLinkIdentity.schema()
}

func (r *inviteLinkResource) ConfigValidators(_ context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.Conflicting(path.MatchRoot("space_id"), path.MatchRoot("collection_id")),
	}
}

func (r *inviteLinkResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan refuses a plan in which two resources of this configuration keep one link (imported
// twice, say). A link is created with a new ID, so only plans with a prior state can name one.
func (r *inviteLinkResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var state inviteLinkResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	inviteID := state.ID.ValueString()
	r.data.refuseSecondKeeper(ctx, "invite link "+inviteID, state.OrgID.ValueString(), "invite link "+client.MaskInviteID(inviteID), &resp.Diagnostics)
}

func (r *inviteLinkResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan inviteLinkResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withOperationTimeout(ctx, plan.Timeouts.Create, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	orgID := plan.OrgID.ValueString()
	// The identity needs the organization's own ID: resolved before the write, so that a failure to
	// resolve it cannot fail a create the API made.
	resolvedOrgID, ok := r.data.resolvedOrgID(ctx, orgID, &resp.Diagnostics)
	if !ok {
		return
	}
	role := client.ContentRole(plan.Role.ValueString())
	request := client.NewInviteLinkRequest(role, plan.SpaceID.ValueString(), plan.CollectionID.ValueString())
	create := func(ctx context.Context) (*client.InviteLink, error) {
		return r.data.client.CreateInviteLink(ctx, orgID, request)
	}
	var (
		link *client.InviteLink
		err  error
	)
	if request.Space == "" && request.Collection == "" {
		link, err = r.data.linkCreates.org(resolvedOrgID).create(ctx, r.data.client, orgID, create)
	} else {
		link, err = create(ctx)
	}
	if err != nil {
		if link = r.findLostLink(ctx, err, orgID, resolvedOrgID, plan, &resp.Diagnostics); link == nil {
			return
		}
	}
	r.data.reads.RecordInviteLink(ctx, orgID, *link)
	plan.setFromAPI(link)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	inviteLinkIdentity.record(ctx, r.data, resp.Identity, resolvedOrgID, link.ID, &resp.Diagnostics)
}

// findLostLink handles a failed create: it adds the error and returns nil, unless the API may have
// acted and the search finds the one organization link the create made, which it returns with a
// warning. Space and collection links cannot be searched for: the API lists none.
func (r *inviteLinkResource) findLostLink(ctx context.Context, err error, orgID, resolvedOrgID string, plan inviteLinkResourceModel, diags *diag.Diagnostics) *client.InviteLink {
	const summary = "Cannot create the invite link"
	if !client.MayHaveActed(err) {
		addAPIError(diags, summary, err)
		return nil
	}
	role := plan.Role.ValueString()
	target, kind := plan.SpaceID.ValueString(), client.InviteLinkKindSpace
	if target == "" {
		target, kind = plan.CollectionID.ValueString(), client.InviteLinkKindCollection
	}
	if target != "" {
		diags.AddError(summary, mayHaveActed(err, fmt.Sprintf("a link to %s %q with role %s", kind, target, role))+
			fmt.Sprintf(" The API lists no %s links, so the provider cannot look for it. Check the %s's "+
				"sharing settings in Invent before applying again, and revoke any link to it that nobody "+
				"declared; or import the link there is into this resource (terraform import <address> "+
				"\"%s/<invite_id>\").", kind, kind, orgID))
		return nil
	}

	what := fmt.Sprintf("an organization link with role %s", role)
	searchCtx, cancel := searchContext(ctx)
	defer cancel()
	found := r.data.linkCreates.org(resolvedOrgID).search(searchCtx, r.data.client, orgID, client.ContentRole(role))
	howToFind := fmt.Sprintf("The invent_invite_links data source lists the organization's links (or terraform "+
		"query with the invent_invite_link list resource): import the one to keep into this resource "+
		"(terraform import <address> \"%s/<invite_id>\") and revoke any other that nobody declared.", orgID)
	switch {
	case found.err != nil:
		diags.AddError(summary, mayHaveActed(err, what)+fmt.Sprintf(" The provider could not look for it: %s.\n\n", found.err)+howToFind)
	case found.found != nil:
		diags.AddWarning("The invite link was created, but the API's answer was lost",
			mayHaveActed(err, what)+fmt.Sprintf(" Exactly one such link (ID ending %s) appeared in the organization "+
				"while this run created links, and no other create recorded it: Terraform records it as this "+
				"resource's link.", fingerprints([]*client.InviteLink{found.found})))
		return found.found
	case len(found.candidates) == 0:
		diags.AddError(summary, mayHaveActed(err, what)+" The provider looked for it, and the organization lists "+
			"no such link that appeared during this run: the create did not take effect. Apply again to create "+
			"the link. (If the API was still working on the request when it failed, as after a timeout, the "+
			"link may yet appear; then the next refresh of the invent_invite_links data source shows it.)")
	default:
		diags.AddError(summary, mayHaveActed(err, what)+fmt.Sprintf(" %d such links (IDs ending %s) appeared in "+
			"the organization during this run without a create recording them, so the provider cannot tell "+
			"which one this create made, and records none.\n\n", len(found.candidates), fingerprints(found.candidates))+howToFind)
	}
	return nil
}

func (r *inviteLinkResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state inviteLinkResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withOperationTimeout(ctx, state.Timeouts.Read, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	read := r.data.client.GetInviteLink
	if state.Kind.ValueString() == client.InviteLinkKindOrganization {
		// Only organization-wide links are in the organization's listing; an imported link, whose
		// kind is not known yet, is read on its own.
		read = r.data.reads.OrganizationInviteLink
	}
	orgID, inviteID := state.OrgID.ValueString(), state.ID.ValueString()
	link, err := read(ctx, orgID, inviteID)
	gone, err := r.data.objectGone(ctx, err)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot read the invite link", err)
		return
	}
	inviteLinkIdentity.recordIfMissing(ctx, r.data, resp.Identity, orgID, inviteID, &resp.Diagnostics)
	if gone {
		tflog.Debug(ctx, "Invite link no longer exists; removing it from state", map[string]any{"org_id": orgID, "invite_id": inviteID})
		resp.State.RemoveResource(ctx)
		return
	}
	state.setFromAPI(link)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update changes the role, the only attribute the API updates; everything else replaces the link.
// The state keeps what was planned: only redundant, which follows the role, comes from the answer.
// A plan that changes only the timeouts block writes nothing.
func (r *inviteLinkResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state inviteLinkResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withOperationTimeout(ctx, plan.Timeouts.Update, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	inviteLinkIdentity.recordIfMissing(ctx, r.data, resp.Identity, state.OrgID.ValueString(), state.ID.ValueString(), &resp.Diagnostics)
	if !plan.Role.Equal(state.Role) {
		role := client.ContentRole(plan.Role.ValueString())
		link, err := r.data.client.UpdateInviteLink(ctx, state.OrgID.ValueString(), state.ID.ValueString(),
			inviteLinkUpdateRequest(state.Kind.ValueString(), role))
		if err != nil {
			addAPIError(&resp.Diagnostics, "Cannot update the invite link", err)
			return
		}
		r.data.reads.RecordInviteLink(ctx, state.OrgID.ValueString(), *link)
		plan.Redundant = types.BoolValue(link.Redundant)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *inviteLinkResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state inviteLinkResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withOperationTimeout(ctx, state.Timeouts.Delete, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	orgID, inviteID := state.OrgID.ValueString(), state.ID.ValueString()
	existed, err := r.data.client.DeleteInviteLink(ctx, orgID, inviteID)
	// The API answers a link that is gone with 204; its 404 means that the organization itself is.
	if _, err := r.data.objectGone(ctx, err); err != nil {
		addAPIError(&resp.Diagnostics, "Cannot delete the invite link", err)
		return
	}
	r.data.reads.ForgetInviteLink(ctx, orgID, inviteID)
	if !existed {
		tflog.Debug(ctx, "Invite link was already gone", map[string]any{"org_id": orgID, "invite_id": inviteID})
	}
}

// ImportState takes "<org_id>/<invite_id>" or an identity; Read then fills in the role and the
// link's target.
func (r *inviteLinkResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	orgID, inviteID, ok := inviteLinkIdentity.importParts(ctx, req.ID, req.Identity, "invite_id", &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("org_id"), orgID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), inviteID)...)
	inviteLinkIdentity.record(ctx, r.data, resp.Identity, orgID, inviteID, &resp.Diagnostics)
}
