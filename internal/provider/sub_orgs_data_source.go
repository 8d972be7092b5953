package provider

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

var _ datasource.DataSourceWithConfigure = &subOrgsDataSource{}

// NewSubOrgsDataSource is the data source invent_sub_orgs.
func NewSubOrgsDataSource() datasource.DataSource {
	return &subOrgsDataSource{}
}

type subOrgsDataSource struct {
	data *providerData
}

type subOrgsDataSourceModel struct {
	ID        types.String  `tfsdk:"id"`
	OrgID     types.String  `tfsdk:"org_id"`
	NameRegex types.String  `tfsdk:"name_regex"`
	IDs       []string      `tfsdk:"ids"`
	SubOrgs   []subOrgModel `tfsdk:"sub_orgs"`
}

func (d *subOrgsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sub_orgs"
}

func (d *subOrgsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The sub-organizations of an organization (`GET /orgs/{org_id}/orgs`, every " +
			"page), optionally filtered by name, with every field the API returns.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The `org_id` as configured; kept for tooling that expects an `id`.",
				Computed:            true,
			},
			"org_id": subOrgParentAttribute(),
			"name_regex": schema.StringAttribute{
				MarkdownDescription: "Keep only the sub-organizations whose name matches this regular " +
					"expression ([RE2 syntax](https://github.com/google/re2/wiki/Syntax)). It matches " +
					"anywhere in the name unless anchored with `^` and `$`.",
				Optional:   true,
				Validators: []validator.String{validRegexp()},
			},
			"ids": schema.ListAttribute{
				MarkdownDescription: "The IDs of the sub-organizations, in the API's order (creation time, then ID).",
				Computed:            true,
				ElementType:         types.StringType,
			},
			"sub_orgs": schema.ListNestedAttribute{
				MarkdownDescription: "The sub-organizations, in the same order as `ids`.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: subOrgAttributes()},
			},
		},
	}
}

func (d *subOrgsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *subOrgsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg subOrgsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var nameFilter *regexp.Regexp
	if !cfg.NameRegex.IsNull() {
		var err error
		if nameFilter, err = regexp.Compile(cfg.NameRegex.ValueString()); err != nil {
			// The validator skips a value unknown at plan time, so one known only now is checked here.
			resp.Diagnostics.AddError("Invalid regular expression", "name_regex: "+err.Error())
			return
		}
	}
	orgID := cfg.OrgID.ValueString()
	start := time.Now()
	subOrgsType := resp.State.Schema.Type().TerraformType(ctx).(tftypes.Object).AttributeTypes["sub_orgs"].(tftypes.List)
	var pages []convertedSubOrgs
	// Each page is converted into state values as soon as it arrives, while the next ones are still
	// on their way: with thousands of sub-organizations the conversion costs as much as the requests.
	// Pages come in order, 1 to the last, from one goroutine.
	err := d.data.client.VisitSubOrgPages(ctx, orgID, func(_ int, subOrgs []client.SubOrg) error {
		var converted convertedSubOrgs
		for _, so := range subOrgs {
			if nameFilter != nil && !nameFilter.MatchString(so.Name) {
				continue
			}
			value, err := terraformValue(ctx, subOrgsType.ElementType, reflect.ValueOf(newSubOrgModel(so)))
			if err != nil {
				return fmt.Errorf("sub-organization %s: %w", so.ID, err)
			}
			converted.ids = append(converted.ids, so.ID)
			converted.values = append(converted.values, value)
		}
		pages = append(pages, converted)
		return nil
	})
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Cannot list the sub-organizations of organization %q", orgID), err)
		return
	}
	state := subOrgsPreparedState{ID: cfg.OrgID, OrgID: cfg.OrgID, NameRegex: cfg.NameRegex, IDs: []string{}, SubOrgs: []tftypes.Value{}}
	for _, page := range pages {
		state.IDs = append(state.IDs, page.ids...)
		state.SubOrgs = append(state.SubOrgs, page.values...)
	}
	resp.Diagnostics.Append(setStateDirect(ctx, &resp.State, state)...)
	// The read's own cost, requests and conversion, apart from what Terraform then does with the
	// result; make bench reads it from the log.
	tflog.Debug(ctx, "Read sub-organizations", map[string]any{
		"org_id": orgID, "sub_orgs": len(state.SubOrgs), "read_ms": time.Since(start).Milliseconds(),
	})
}

// convertedSubOrgs is one page of sub-organizations, filtered and converted into state values.
type convertedSubOrgs struct {
	ids    []string
	values []tftypes.Value
}

// subOrgsPreparedState is the state of invent_sub_orgs with its list converted beforehand, page by page.
type subOrgsPreparedState struct {
	ID        types.String    `tfsdk:"id"`
	OrgID     types.String    `tfsdk:"org_id"`
	NameRegex types.String    `tfsdk:"name_regex"`
	IDs       []string        `tfsdk:"ids"`
	SubOrgs   []tftypes.Value `tfsdk:"sub_orgs"`
}

// validRegexp checks at plan time that a string compiles as a Go (RE2) regular expression, and
// reports the compiler's own explanation when it does not.
func validRegexp() validator.String {
	return regexpValidator{}
}

type regexpValidator struct{}

func (v regexpValidator) Description(_ context.Context) string {
	return "value must be a valid RE2 regular expression"
}

func (v regexpValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v regexpValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid regular expression",
			fmt.Sprintf("%s must be a valid regular expression (RE2 syntax): %s", req.Path, err))
	}
}
