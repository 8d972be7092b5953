package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = &currentUserDataSource{}

// NewCurrentUserDataSource is the data source invent_current_user.
func NewCurrentUserDataSource() datasource.DataSource {
	return &currentUserDataSource{}
}

type currentUserDataSource struct {
	data *providerData
}

type currentUserModel struct {
	ID    types.String `tfsdk:"id"`
	Name  types.String `tfsdk:"name"`
	Email types.String `tfsdk:"email"`
}

func (d *currentUserDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_current_user"
}

func (d *currentUserDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The user the provider's API token belongs to (`GET /users/me`). Useful to " +
			"check which identity a configuration acts as.",
		Attributes: map[string]schema.Attribute{
			"id":    schema.StringAttribute{Computed: true, MarkdownDescription: "The user's ID."},
			"name":  schema.StringAttribute{Computed: true, MarkdownDescription: "The user's display name."},
			"email": schema.StringAttribute{Computed: true, MarkdownDescription: "The user's email address."},
		},
	}
}

func (d *currentUserDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *currentUserDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	u, err := d.data.currentUser(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Cannot read the current user", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, currentUserModel{
		ID:    types.StringValue(u.ID),
		Name:  types.StringValue(u.Name),
		Email: types.StringValue(u.Email),
	})...)
}
