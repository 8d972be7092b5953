package provider

import (
	"context"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
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

// subOrgsTypeName is the data source's name, by which the protocol server recognises its reads.
const subOrgsTypeName = providerTypeName + "_sub_orgs"

func (d *subOrgsDataSource) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = subOrgsTypeName
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

// Read is the data source as the plugin framework serves it: the plain reference that
// TestProtocolServer_readSubOrgsAsTheFramework compares the protocol server's read (readSubOrgs,
// which main serves) against, byte for byte. It lists every sub-organization, then builds the state
// with the framework's Set, which costs about 3 ms per sub-organization: fine for the test's few
// hundred, not for an organization of 10,000.
func (d *subOrgsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	cfg, nameFilter, diags := subOrgsQuery(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	orgID := cfg.OrgID.ValueString()
	all, err := d.data.client.ListSubOrgs(ctx, orgID)
	if err != nil {
		addAPIError(&resp.Diagnostics, subOrgsListingSummary(orgID), err)
		return
	}
	state := subOrgsDataSourceModel{ID: cfg.OrgID, OrgID: cfg.OrgID, NameRegex: cfg.NameRegex, IDs: []string{}, SubOrgs: []subOrgModel{}}
	for _, so := range all {
		if keepsSubOrg(nameFilter, so) {
			state.IDs = append(state.IDs, so.ID)
			state.SubOrgs = append(state.SubOrgs, newSubOrgModel(so))
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// subOrgsPreparedState is the state of invent_sub_orgs with its list written beforehand, page by page.
type subOrgsPreparedState struct {
	ID        types.String `tfsdk:"id"`
	OrgID     types.String `tfsdk:"org_id"`
	NameRegex types.String `tfsdk:"name_regex"`
	IDs       []string     `tfsdk:"ids"`
	SubOrgs   encodedList  `tfsdk:"sub_orgs"`
}

// subOrgsQuery is what a read of invent_sub_orgs asks for: its configuration and the compiled
// name_regex (nil when not set).
func subOrgsQuery(ctx context.Context, config tfsdk.Config) (subOrgsDataSourceModel, *regexp.Regexp, diag.Diagnostics) {
	var cfg subOrgsDataSourceModel
	diags := config.Get(ctx, &cfg)
	if diags.HasError() || cfg.NameRegex.IsNull() {
		return cfg, nil, diags
	}
	nameFilter, err := regexp.Compile(cfg.NameRegex.ValueString())
	if err != nil {
		// The validator skips a value unknown at plan time, so one known only now is checked here.
		diags.AddError("Invalid regular expression", "name_regex: "+err.Error())
	}
	return cfg, nameFilter, diags
}

// keepsSubOrg reports whether so passes the name filter (nil: every one does).
func keepsSubOrg(nameFilter *regexp.Regexp, so client.SubOrg) bool {
	return nameFilter == nil || nameFilter.MatchString(so.Name)
}

func subOrgsListingSummary(orgID string) string {
	return fmt.Sprintf("Cannot list the sub-organizations of organization %q", orgID)
}

// readSubOrgs is the read of invent_sub_orgs that the protocol server answers (see protocolServer):
// the configuration's sub-organizations, filtered, as the data source's state, each page written
// into state as it arrives.
func readSubOrgs(ctx context.Context, data *providerData, config tfsdk.Config) (subOrgsPreparedState, diag.Diagnostics) {
	cfg, nameFilter, diags := subOrgsQuery(ctx, config)
	if diags.HasError() {
		return subOrgsPreparedState{}, diags
	}
	orgID := cfg.OrgID.ValueString()
	start := time.Now()
	subOrgType := config.Schema.Type().TerraformType(ctx).(tftypes.Object).AttributeTypes["sub_orgs"].(tftypes.List).ElementType
	var mu sync.Mutex
	pages := map[int]keptSubOrgs{}
	// Each page is filtered and written into state as soon as it arrives, while the next ones are
	// still on their way: with thousands of sub-organizations that costs as much as the requests.
	err := data.client.VisitSubOrgPages(ctx, orgID, func(page int, subOrgs []client.SubOrg) error {
		var kept keptSubOrgs
		var models []subOrgModel
		for _, so := range subOrgs {
			if keepsSubOrg(nameFilter, so) {
				kept.ids = append(kept.ids, so.ID)
				models = append(models, newSubOrgModel(so))
			}
		}
		var err error
		if kept.encoded, err = encodeElements(subOrgType, models); err != nil {
			return fmt.Errorf("page %d: %w", page, err)
		}
		mu.Lock()
		pages[page] = kept
		mu.Unlock()
		return nil
	})
	if err != nil {
		addAPIError(&diags, subOrgsListingSummary(orgID), err)
		return subOrgsPreparedState{}, diags
	}
	state := subOrgsPreparedState{ID: cfg.OrgID, OrgID: cfg.OrgID, NameRegex: cfg.NameRegex, IDs: []string{}, SubOrgs: encodedList{}}
	for page := 1; page <= len(pages); page++ {
		state.IDs = append(state.IDs, pages[page].ids...)
		state.SubOrgs = append(state.SubOrgs, pages[page].encoded)
	}
	// The read's own cost, its requests and writing the result, apart from what Terraform then
	// does with it; make bench reads it from the log.
	tflog.Debug(ctx, "Read sub-organizations", map[string]any{
		"org_id": orgID, "sub_orgs": len(state.IDs), "read_ms": time.Since(start).Milliseconds(),
	})
	return state, diags
}

// keptSubOrgs is one page of sub-organizations, filtered and written into state.
type keptSubOrgs struct {
	ids     []string
	encoded encodedElements
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
