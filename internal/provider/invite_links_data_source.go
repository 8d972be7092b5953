package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

var _ datasource.DataSourceWithConfigure = &inviteLinksDataSource{}

// NewInviteLinksDataSource is the data source invent_invite_links.
func NewInviteLinksDataSource() datasource.DataSource {
	return &inviteLinksDataSource{}
}

type inviteLinksDataSource struct {
	data *providerData
}

type inviteLinksDataSourceModel struct {
	ID          types.String              `tfsdk:"id"`
	OrgID       types.String              `tfsdk:"org_id"`
	InviteLinks []inviteLinkListItemModel `tfsdk:"invite_links"`
}

type inviteLinkListItemModel struct {
	ID          types.String `tfsdk:"id"`
	Fingerprint types.String `tfsdk:"fingerprint"`
	Role        types.String `tfsdk:"role"`
	Redundant   types.Bool   `tfsdk:"redundant"`
}

func (d *inviteLinksDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_invite_links"
}

func (d *inviteLinksDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The organization-wide invite links of an organization, over every page of " +
			"the listing. The API does not list space or collection links.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The same as `org_id`.",
				Computed:            true,
			},
			"org_id": schema.StringAttribute{
				MarkdownDescription: "The organization whose links to list; `c` stands for the organization " +
					"the API token was created in.",
				Required:   true,
				Validators: orgIDValidators(),
			},
			"invite_links": schema.ListNestedAttribute{
				MarkdownDescription: "The organization's links, in the order the API lists them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id": schema.StringAttribute{
							MarkdownDescription: inviteLinkIDDescription,
							Computed:            true,
							Sensitive:           true,
						},
						"fingerprint": schema.StringAttribute{
							MarkdownDescription: inviteLinkFingerprintDescription,
							Computed:            true,
						},
						"role": schema.StringAttribute{
							MarkdownDescription: inviteLinkRoleDescription,
							Computed:            true,
						},
						"redundant": schema.BoolAttribute{
							MarkdownDescription: inviteLinkRedundantDescription,
							Computed:            true,
						},
					},
				},
			},
		},
	}
}

func (d *inviteLinksDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// Read lists afresh rather than through the read cache: a data source reports the API as it is.
func (d *inviteLinksDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg inviteLinksDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	links, err := d.data.client.ListInviteLinks(ctx, cfg.OrgID.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot list the invite links", err)
		return
	}
	cfg.ID = cfg.OrgID
	cfg.InviteLinks = make([]inviteLinkListItemModel, len(links))
	for i, link := range links {
		cfg.InviteLinks[i] = inviteLinkListItemModel{
			ID:          types.StringValue(link.ID),
			Fingerprint: types.StringValue(client.InviteIDFingerprint(link.ID)),
			Role:        types.StringValue(string(link.EffectiveRole())),
			Redundant:   types.BoolValue(link.Redundant),
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}
