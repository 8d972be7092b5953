package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

var _ list.ListResourceWithConfigure = &inviteLinkListResource{}

// NewInviteLinkListResource is the list resource invent_invite_link.
func NewInviteLinkListResource() list.ListResource {
	return &inviteLinkListResource{}
}

// inviteLinkListResource finds the organization-wide invite links of an organization.
type inviteLinkListResource struct {
	data *providerData
}

type inviteLinkListModel struct {
	OrgID types.String `tfsdk:"org_id"`
	Role  types.String `tfsdk:"role"`
}

func (l *inviteLinkListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_invite_link"
}

func (l *inviteLinkListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds the organization-wide invite links of an organization, reading " +
			"`GET /orgs/{org_id}/link-invites` a page at a time. The API lists no space or collection " +
			"links, so those are not found; import them by ID. Each result is named by the role the " +
			"link grants and identified by `org_id` and `invite_id`.",
		Attributes: map[string]listschema.Attribute{
			"org_id": listOrgIDAttribute("invite links"),
			"role": listschema.StringAttribute{
				MarkdownDescription: "Only links that grant this role. " + inviteLinkRoleDescription,
				Optional:            true,
				Validators:          contentRoleValidators(),
			},
		},
	}
}

func (l *inviteLinkListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *inviteLinkListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg inviteLinkListModel
	if !listConfig(ctx, req.Config, &cfg, stream) {
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		out := startListStream(ctx, l.data, req, push, inviteLinkIdentity, cfg.OrgID.ValueString())
		if out == nil {
			return
		}
		noTimeouts := nullResourceTimeouts(ctx)
		fetch := func(token string) (*client.ListPage[client.InviteLink], error) {
			return l.data.client.InviteLinkPage(ctx, out.orgID, token)
		}
		streamTokenPages(out, "invite links", fetch, func(link *client.InviteLink) bool {
			if !cfg.Role.IsNull() && string(link.EffectiveRole()) != cfg.Role.ValueString() {
				return true
			}
			return out.emit(link.ID, inviteLinkDisplayName(link), func() any {
				m := inviteLinkResourceModel{OrgID: types.StringValue(out.orgID), Timeouts: noTimeouts}
				m.setFromAPI(link)
				return m
			})
		})
	}
}

// inviteLinkDisplayName names a link for people: the role it grants and what it admits to.
func inviteLinkDisplayName(link *client.InviteLink) string {
	if target := link.Target(); target != nil {
		return fmt.Sprintf("%s link to %s", link.EffectiveRole(), target.Title)
	}
	return fmt.Sprintf("%s link to the organization", link.EffectiveRole())
}
