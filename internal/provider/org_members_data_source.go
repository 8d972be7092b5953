package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

var _ datasource.DataSourceWithConfigure = &orgMembersDataSource{}

// The API's member filters, shared by the data source and the invent_org_member list resource.
const (
	orgMembersRoleFilterDescription = "Only members with this content role: `admin`, `create`, `edit`, " +
		"`review`, `comment`, `read` or `guest`."
	orgMembersSearchDescription = "Only members whose display name or email address contains this text, " +
		"ignoring case."
)

// NewOrgMembersDataSource is the data source invent_org_members.
func NewOrgMembersDataSource() datasource.DataSource {
	return &orgMembersDataSource{}
}

type orgMembersDataSource struct {
	data *providerData
}

type orgMembersDataSourceModel struct {
	ID      types.String     `tfsdk:"id"`
	OrgID   types.String     `tfsdk:"org_id"`
	Role    types.String     `tfsdk:"role"`
	Search  types.String     `tfsdk:"search"`
	Members []orgMemberModel `tfsdk:"members"`
}

func (d *orgMembersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_org_members"
}

func (d *orgMembersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computedString := func(description string) schema.Attribute {
		return schema.StringAttribute{MarkdownDescription: description, Computed: true}
	}
	computedBool := func(description string) schema.Attribute {
		return schema.BoolAttribute{MarkdownDescription: description, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The members of an organization (`GET /orgs/{org_id}/members`), over every " +
			"page of the listing, optionally filtered by role or by a search of names and addresses.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The same as `org_id`.",
				Computed:            true,
			},
			"org_id": schema.StringAttribute{
				MarkdownDescription: "The organization whose members to list; `c` stands for the organization " +
					"the API token was created in.",
				Required:   true,
				Validators: orgIDValidators(),
			},
			"role": schema.StringAttribute{
				MarkdownDescription: orgMembersRoleFilterDescription,
				Optional:            true,
				Validators:          contentRoleValidators(),
			},
			"search": schema.StringAttribute{
				MarkdownDescription: orgMembersSearchDescription,
				Optional:            true,
			},
			"members": schema.ListNestedAttribute{
				MarkdownDescription: "The matching members, in the order the API lists them (the order they joined).",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"user_id":      computedString(orgMemberUserIDDescription),
						"email":        computedString("The member's email address."),
						"display_name": computedString(orgMemberDisplayNameDescription),
						"role":         computedString(orgMemberRoleDescription),
						"status":       computedString("The membership's status: " + orgMemberStatusDescription),
						"sso":          computedBool(orgMemberSSODescription),
						"disabled":     computedBool(orgMemberDisabledDescription),
						"joined_at":    computedString(orgMemberJoinedAtDescription),
					},
				},
			},
		},
	}
}

func (d *orgMembersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *orgMembersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg orgMembersDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	members, err := d.data.client.ListMembers(ctx, cfg.OrgID.ValueString(), client.MemberFilter{
		Role:   client.ContentRole(cfg.Role.ValueString()),
		Search: cfg.Search.ValueString(),
	})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot list the organization's members", err)
		return
	}
	cfg.ID = cfg.OrgID
	cfg.Members = make([]orgMemberModel, len(members))
	for i := range members {
		cfg.Members[i] = newOrgMemberModel(&members[i])
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}
