// Package provider is the Terraform provider for the Invent organization API.
package provider

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// Environment variables the provider block falls back to.
const (
	EnvAPIToken = "INVENT_API_TOKEN"
	EnvBaseURL  = "INVENT_BASE_URL"
)

var (
	_ provider.Provider                  = &InventProvider{}
	_ provider.ProviderWithListResources = &InventProvider{}
)

// providerTypeName is the provider's name, the prefix of every resource and data source name.
const providerTypeName = "invent"

// InventProvider is the provider `invent`, as the plugin framework serves it; NewProtocol6 serves it
// to Terraform.
type InventProvider struct {
	// version is set by goreleaser at build time, "dev" locally and "test" in acceptance tests.
	version string
	// configured is what Configure made, for the reads the protocol server answers itself; nil
	// until the provider is configured.
	configured atomic.Pointer[providerData]
}

type providerModel struct {
	APIToken   types.String `tfsdk:"api_token"`
	BaseURL    types.String `tfsdk:"base_url"`
	MaxRetries types.Int64  `tfsdk:"max_retries"`
	BatchReads types.Bool   `tfsdk:"batch_reads"`
	PlanChecks types.Bool   `tfsdk:"plan_checks"`
}

// Metadata names the provider.
func (p *InventProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = providerTypeName
	resp.Version = p.version
}

// Schema describes the provider block.
func (p *InventProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Invent provider manages who may enter an Invent organization: the " +
			"authenticated admin's membership in sub-organizations, organization invite links and " +
			"members invited by email, and reads the sub-organizations of an organization.",
		Attributes: map[string]schema.Attribute{
			"api_token": schema.StringAttribute{
				MarkdownDescription: "The Invent API key, sent as a bearer token. Falls back to the `" +
					EnvAPIToken + "` environment variable. Prefer the environment variable so that the " +
					"key never appears in configuration. Sent exactly as given: a key with whitespace around " +
					"it (such as a trailing newline) is refused at plan time.",
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
				},
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "The API root. Falls back to the `" + EnvBaseURL + "` environment " +
					"variable, then to `" + client.DefaultBaseURL + "`. Must be `https`, except for a " +
					"loopback host (such as the local emulator at `http://127.0.0.1:8787`), and the root " +
					"itself: a path (such as `/v1`), a query, a fragment or whitespace around it is refused " +
					"at plan time.",
				Optional: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a request is retried after a rate "+
					"limit (429), an unavailable API (503) or a refused connection, and, for requests "+
					"that are safe to repeat, after a server or gateway error (500, 502, 504) or a "+
					"timeout; with exponential backoff that honours `Retry-After`. A create is never "+
					"repeated once the API may have acted on it. Default %d; 0 turns retries off.",
					client.DefaultMaxRetries),
				Optional: true,
				Validators: []validator.Int64{
					int64validator.Between(0, 20),
				},
			},
			"batch_reads": schema.BoolAttribute{
				MarkdownDescription: "Answer the refresh of organization invite links and sub-organization " +
					"memberships, the plan-time checks and the check before a membership is created, from the " +
					"organization's listing when that costs fewer requests than one `GET` per resource. Per " +
					"listing: a read whose object is not in the pages already fetched, while another read of " +
					"the same listing is under way, waits for the page under way or fetches the next one, as " +
					"long as the pages requested stay at most one more than the reads the listing has " +
					"answered; otherwise it makes its own `GET` at once. So a listing never costs more than " +
					"one request per resource plus one, a small configuration in a large organization reads " +
					"with one `GET` per resource, and a large one settles at a few list pages. Space and " +
					"collection links are never listed by the API and are always read on their own. " +
					"Default `true`; set `false` for one `GET` per resource.",
				Optional: true,
			},
			"plan_checks": schema.BoolAttribute{
				MarkdownDescription: "Check at plan time what would otherwise fail at apply, so that a reviewer " +
					"sees it in the plan: a membership's sub-organization that is not a child of `org_id`, a " +
					"membership or member that exists already, a role change, replacement or destroy that would " +
					"leave a sub-organization without an ADMIN, and an exclusive resource created while the " +
					"organization holds members or links outside its set for certain (more of them than the set " +
					"has unknown elements) or its set lists an ID of another kind. The checks send requests only for planned " +
					"creates, updates, replacements and destroys, and use what the refresh already read. " +
					"Default `true`; set `false` for plans that must send no request (such as " +
					"`terraform plan -refresh=false`). The refusal to remove or demote the API token's own " +
					"`invent_org_member` stays on regardless.",
				Optional: true,
			},
		},
	}
}

// Configure makes the API client that every resource and data source of this provider instance shares.
func (p *InventProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// In schema order, so that the diagnostics come out the same every time.
	for _, attr := range []struct {
		name      string
		isUnknown bool
	}{
		{"api_token", cfg.APIToken.IsUnknown()},
		{"base_url", cfg.BaseURL.IsUnknown()},
		{"max_retries", cfg.MaxRetries.IsUnknown()},
		{"batch_reads", cfg.BatchReads.IsUnknown()},
		{"plan_checks", cfg.PlanChecks.IsUnknown()},
	} {
		if name := attr.name; attr.isUnknown {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown provider configuration value",
				fmt.Sprintf("The provider cannot be configured while %q is unknown: set it to a value "+
					"known at plan time (api_token and base_url may also come from the environment "+
					"variables %s and %s).", name, EnvAPIToken, EnvBaseURL))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	token := stringOr(cfg.APIToken, os.Getenv(EnvAPIToken))
	if token == "" {
		resp.Diagnostics.AddAttributeError(path.Root("api_token"), "Missing Invent API token",
			"Set the provider's api_token attribute or the "+EnvAPIToken+" environment variable to an "+
				"Invent API key.")
	} else if err := client.CheckToken(token); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("api_token"), "Invalid Invent API token",
			fmt.Sprintf("Check the provider's api_token attribute or the %s environment variable: %s.", EnvAPIToken, err))
	}
	baseURL := stringOr(cfg.BaseURL, os.Getenv(EnvBaseURL))
	if _, err := client.ParseBaseURL(baseURL); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Invalid Invent base URL",
			fmt.Sprintf("Check the provider's base_url attribute or the %s environment variable: %s.", EnvBaseURL, err))
	}
	if resp.Diagnostics.HasError() {
		return
	}

	maxRetries := client.DefaultMaxRetries
	if !cfg.MaxRetries.IsNull() {
		maxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	api, err := client.New(client.Config{
		BaseURL:    baseURL,
		Token:      token,
		UserAgent:  fmt.Sprintf("terraform-provider-invent/%s (+terraform %s)", p.version, req.TerraformVersion),
		MaxRetries: maxRetries,
		Logger:     logRequest(token),
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot create the Invent API client", err.Error())
		return
	}
	data := newProviderData(api, cfg.BatchReads.IsNull() || cfg.BatchReads.ValueBool())
	data.planChecks = cfg.PlanChecks.IsNull() || cfg.PlanChecks.ValueBool()
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.ListResourceData = data
	p.configured.Store(data)
	tflog.Debug(ctx, "Configured the Invent API client", map[string]any{"base_url": baseURL, "max_retries": maxRetries})
}

// logRequest routes the client's request log to tflog. Entries never carry the token; masking it
// anyway keeps a future field from leaking it.
func logRequest(token string) func(context.Context, client.RequestLog) {
	return func(ctx context.Context, e client.RequestLog) {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, token)
		ctx = tflog.MaskMessageStrings(ctx, token)
		fields := map[string]any{
			"method":      e.Method,
			"path":        e.Path,
			"status":      e.Status,
			"attempt":     e.Attempt,
			"duration_ms": e.Duration.Milliseconds(),
		}
		if e.Err != nil {
			fields["error"] = e.Err.Error()
		}
		if e.RetryIn > 0 {
			fields["retry_in_ms"] = e.RetryIn.Milliseconds()
			tflog.Warn(ctx, "Invent API request will be retried", fields)
			return
		}
		tflog.Debug(ctx, "Invent API request", fields)
	}
}

func stringOr(v types.String, fallback string) string {
	if v.IsNull() || v.ValueString() == "" {
		return fallback
	}
	return v.ValueString()
}

// Resources lists the provider's resources.
func (p *InventProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewInviteLinkResource,
		NewSubOrgMembershipResource,
		NewOrgMemberResource,
		NewOrgMembersExclusiveResource,
		NewInviteLinksExclusiveResource,
	}
}

// ListResources lists the provider's list resources, for `terraform query` (Terraform 1.14+): one
// for each resource, under the resource's own name.
func (p *InventProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewInviteLinkListResource,
		NewSubOrgMembershipListResource,
		NewOrgMemberListResource,
	}
}

// DataSources lists the provider's data sources.
func (p *InventProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewCurrentUserDataSource,
		NewSubOrgsDataSource, NewSubOrgDataSource,
		NewInviteLinksDataSource,
		NewOrgMembersDataSource,
	}
}
