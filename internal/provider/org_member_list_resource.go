package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

var _ list.ListResourceWithConfigure = &orgMemberListResource{}

// NewOrgMemberListResource is the list resource invent_org_member.
func NewOrgMemberListResource() list.ListResource {
	return &orgMemberListResource{}
}

// orgMemberListResource finds the members of an organization, with the API's own filters.
type orgMemberListResource struct {
	data *providerData
}

type orgMemberListModel struct {
	OrgID  types.String `tfsdk:"org_id"`
	Role   types.String `tfsdk:"role"`
	Search types.String `tfsdk:"search"`
}

func (l *orgMemberListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_org_member"
}

func (l *orgMemberListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds the members of an organization, reading `GET /orgs/{org_id}/members` " +
			"a page at a time with the API's own `role` and `search` filters. Each result is named by " +
			"the member's email address and identified by `org_id` and `user_id`.",
		Attributes: map[string]listschema.Attribute{
			"org_id": listOrgIDAttribute("members"),
			"role": listschema.StringAttribute{
				MarkdownDescription: orgMembersRoleFilterDescription,
				Optional:            true,
				Validators:          contentRoleValidators(),
			},
			"search": listschema.StringAttribute{
				MarkdownDescription: orgMembersSearchDescription,
				Optional:            true,
			},
		},
	}
}

func (l *orgMemberListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *orgMemberListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg orgMemberListModel
	if !listConfig(ctx, req.Config, &cfg, stream) {
		return
	}
	filter := client.MemberFilter{Role: client.ContentRole(cfg.Role.ValueString()), Search: cfg.Search.ValueString()}
	stream.Results = func(push func(list.ListResult) bool) {
		out := startListStream(ctx, l.data, req, push, orgMemberIdentity, cfg.OrgID.ValueString())
		if out == nil {
			return
		}
		noTimeouts := nullResourceTimeouts(ctx)
		fetch := func(token string) (*client.ListPage[client.Member], error) {
			return l.data.client.MemberPage(ctx, out.orgID, filter, token)
		}
		streamTokenPages(out, "members", fetch, func(member *client.Member) bool {
			return out.emit(member.ID, member.User.Email, func() any {
				m := orgMemberResourceModel{OrgID: types.StringValue(out.orgID), Timeouts: noTimeouts}
				m.setFromAPI(member)
				return m
			})
		})
	}
}
