package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

var (
	_ datasource.DataSourceWithConfigure        = &subOrgDataSource{}
	_ datasource.DataSourceWithConfigValidators = &subOrgDataSource{}
)

// NewSubOrgDataSource is the data source invent_sub_org.
func NewSubOrgDataSource() datasource.DataSource {
	return &subOrgDataSource{}
}

type subOrgDataSource struct {
	data *providerData
}

// subOrgDataSourceModel is one sub-organization (the same model as an element of invent_sub_orgs)
// plus the parent it is looked up in.
type subOrgDataSourceModel struct {
	OrgID types.String `tfsdk:"org_id"`
	subOrgModel
}

func (d *subOrgDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sub_org"
}

func (d *subOrgDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := subOrgAttributes()
	attributes["org_id"] = subOrgParentAttribute()
	attributes["id"] = schema.StringAttribute{
		MarkdownDescription: "The sub-organization's ID. Set exactly one of `id` and `name`.",
		Optional:            true,
		Computed:            true,
		Validators:          idValidators(),
	}
	attributes["name"] = schema.StringAttribute{
		MarkdownDescription: "The sub-organization's name, matched exactly (case included). Set exactly " +
			"one of `id` and `name`; when several sub-organizations share the name, use `id`.",
		Optional: true,
		Computed: true,
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One sub-organization of an organization, found by ID " +
			"(`GET /orgs/{org_id}/orgs/{sub_org_id}`) or by exact name (from the listing), with every " +
			"field the API returns.",
		Attributes: attributes,
	}
}

func (d *subOrgDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
	}
}

func (d *subOrgDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *subOrgDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg subOrgDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	orgID := cfg.OrgID.ValueString()
	var so *client.SubOrg
	if !cfg.ID.IsNull() {
		so = d.byID(ctx, orgID, cfg.ID.ValueString(), resp)
	} else {
		so = d.byName(ctx, orgID, cfg.Name.ValueString(), resp)
	}
	if so == nil {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, subOrgDataSourceModel{OrgID: cfg.OrgID, subOrgModel: newSubOrgModel(*so)})...)
}

func (d *subOrgDataSource) byID(ctx context.Context, orgID, id string, resp *datasource.ReadResponse) *client.SubOrg {
	so, err := d.data.client.GetSubOrg(ctx, orgID, id)
	switch {
	case client.IsNotFound(err):
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Sub-organization not found",
			fmt.Sprintf("Organization %q has no sub-organization with ID %q, or the organization does not "+
				"exist: %s", orgID, id, err))
		return nil
	case err != nil:
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot read sub-organization %q of organization %q", id, orgID), err)
		return nil
	}
	return so
}

func (d *subOrgDataSource) byName(ctx context.Context, orgID, name string, resp *datasource.ReadResponse) *client.SubOrg {
	list, err := d.data.client.ListSubOrgs(ctx, orgID)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot list the sub-organizations of organization %q", orgID), err)
		return nil
	}
	var matches []client.SubOrg
	for _, so := range list {
		if so.Name == name {
			matches = append(matches, so)
		}
	}
	switch len(matches) {
	case 1:
		return &matches[0]
	case 0:
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Sub-organization not found",
			fmt.Sprintf("Organization %q has no sub-organization named %q (names are matched exactly, "+
				"case included).", orgID, name))
	default:
		ids := make([]string, len(matches))
		for i, so := range matches {
			ids[i] = so.ID
		}
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Ambiguous sub-organization name",
			fmt.Sprintf("Organization %q has %d sub-organizations named %q: %s. Set id instead of name to "+
				"choose one.", orgID, len(matches), name, strings.Join(ids, ", ")))
	}
	return nil
}
