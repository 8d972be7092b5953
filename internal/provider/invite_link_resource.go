package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
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
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

// setFromAPI records what the API holds for the link; org_id and timeouts are the configuration's.
func (m *inviteLinkResourceModel) setFromAPI(link *client.InviteLink) {
	m.ID = types.StringValue(link.ID)
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
				MarkdownDescription: "The invite ID the API gave the link.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
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
	link, err := r.data.client.CreateInviteLink(ctx, orgID, client.NewInviteLinkRequest(
		client.ContentRole(plan.Role.ValueString()), plan.SpaceID.ValueString(), plan.CollectionID.ValueString()))
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot create the invite link", err)
		return
	}
	r.data.reads.RecordInviteLink(ctx, orgID, *link)
	plan.setFromAPI(link)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	inviteLinkIdentity.record(ctx, r.data, resp.Identity, orgID, link.ID, &resp.Diagnostics)
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
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Cannot read the invite link", err)
		return
	}
	inviteLinkIdentity.recordIfMissing(ctx, r.data, resp.Identity, orgID, inviteID, &resp.Diagnostics)
	if err != nil {
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
	if err != nil && !client.IsNotFound(err) { // a 404 here means the organization itself is gone
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
