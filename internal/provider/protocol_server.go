package provider

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// frameworkServer is every RPC the plugin framework's server answers, those that tfprotov6 does not
// yet count in ProviderServer included, so that the protocol server hides none of them.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

// protocolServer is the provider as Terraform talks to it: the plugin framework's server, except that
// it reads invent_sub_orgs itself, masks secrets in the log lines of what it relays, and gives the
// framework the context of each RPC that Terraform sends once per resource or data source through a
// requestContext, released when the RPC returns.
//
// After a data source's Read the framework walks the whole result three more times: semantic
// equality (comparing it with the configuration as framework values), ReifyNullCollectionBlocks
// (which resolves the schema path of every value) and the encoding of the response. For 10,000
// sub-organizations, about a million values, that took 14 of the 15.7 seconds the provider spent on
// the request, against 1.2 for the read itself. None of it can change a value of this schema, which
// has no blocks and no types with semantic equality, so this server answers the read itself
// (readSubOrgs) and writes the state's msgpack straight from its model (encodeState). The schema,
// validation and every other RPC stay the framework's; the data source's own Read, which the
// framework requires, is the plain reference a test compares this read with.
type protocolServer struct {
	frameworkServer
	provider *InventProvider
}

// NewProtocol6 returns the constructor of the provider's protocol server at the given version: what
// main serves, and what the acceptance tests run in-process.
func NewProtocol6(version string) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		p := &InventProvider{version: version}
		framework, ok := providerserver.NewProtocol6(p)().(frameworkServer)
		if !ok {
			return nil, fmt.Errorf("the plugin framework's server does not answer every RPC the provider relays")
		}
		return &protocolServer{frameworkServer: framework, provider: p}, nil
	}
}

// An invite link's ID grants entry (see client.MaskInviteID), so no log line of the provider may carry
// one: the client masks them in its request log, and every RPC that reaches a resource, data source
// or list resource masks the value of an invite_id field, whichever line logs it.
func maskSecretFields(ctx context.Context) context.Context {
	return tflog.MaskFieldValuesWithFieldKeys(ctx, "invite_id")
}

// The RPCs that Terraform sends once per resource or data source, each through a requestContext.

func (s *protocolServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return relay(ctx, req, s.frameworkServer.ValidateResourceConfig)
}

func (s *protocolServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return relay(ctx, req, s.frameworkServer.UpgradeResourceState)
}

func (s *protocolServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return relay(ctx, req, s.frameworkServer.UpgradeResourceIdentity)
}

func (s *protocolServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return relay(maskSecretFields(ctx), req, s.frameworkServer.ReadResource)
}

func (s *protocolServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return relay(maskSecretFields(ctx), req, s.frameworkServer.PlanResourceChange)
}

func (s *protocolServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return relay(maskSecretFields(ctx), req, s.frameworkServer.ApplyResourceChange)
}

func (s *protocolServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return relay(maskSecretFields(ctx), req, s.frameworkServer.ImportResourceState)
}

func (s *protocolServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return relay(ctx, req, s.frameworkServer.MoveResourceState)
}

func (s *protocolServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return relay(ctx, req, s.frameworkServer.ValidateDataResourceConfig)
}

// ListResource streams its results after it returns, so its context is not released early.
func (s *protocolServer) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	return s.frameworkServer.ListResource(maskSecretFields(ctx), req)
}

// relay answers req with the framework's rpc, which gets ctx through a requestContext.
func relay[Req, Resp any](ctx context.Context, req Req, rpc func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := newRequestContext(ctx)
	defer rc.release()
	return rpc(rc, req)
}

// requestContext is the context of one RPC as the plugin framework gets it. The framework keeps
// every request's context until the provider stops (its proto6server registers a cancel function
// per request, for StopProvider, and never lets go of it), and with the context everything it
// holds: terraform-plugin-go's loggers, the gRPC metadata, about 25 KB per request. That is 400 MB
// after an apply of 5,000 memberships, more than Terraform itself holds. So the framework gets this
// shell, which answers as the request's context while the RPC runs and forgets it once the RPC has
// returned: what the framework keeps of a request is then the shell alone. A goroutine the RPC
// left running (a listing page fetched for several reads) then finds no logger and logs nothing.
type requestContext struct {
	ctx         atomic.Pointer[context.Context] // nil once released
	done        <-chan struct{}
	deadline    time.Time
	hasDeadline bool
}

func newRequestContext(ctx context.Context) *requestContext {
	rc := &requestContext{done: ctx.Done()}
	rc.deadline, rc.hasDeadline = ctx.Deadline()
	rc.ctx.Store(&ctx)
	return rc
}

// release forgets the request's context.
func (rc *requestContext) release() { rc.ctx.Store(nil) }

func (rc *requestContext) Deadline() (time.Time, bool) { return rc.deadline, rc.hasDeadline }

func (rc *requestContext) Done() <-chan struct{} { return rc.done }

func (rc *requestContext) Err() error {
	if ctx := rc.ctx.Load(); ctx != nil {
		return (*ctx).Err()
	}
	select {
	case <-rc.done:
		if rc.hasDeadline && !time.Now().Before(rc.deadline) {
			return context.DeadlineExceeded
		}
		return context.Canceled
	default:
		return nil
	}
}

func (rc *requestContext) Value(key any) any {
	if ctx := rc.ctx.Load(); ctx != nil {
		return (*ctx).Value(key)
	}
	return nil
}

// ReadDataSource reads invent_sub_orgs itself and relays every other data source to the framework,
// through a requestContext.
// It logs how long the provider took over the read, from request to response, so that make bench
// can tell the provider's share of a plan from Terraform's.
func (s *protocolServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	ctx = maskSecretFields(ctx)
	if req.TypeName != subOrgsTypeName {
		return relay(ctx, req, s.frameworkServer.ReadDataSource)
	}
	start := time.Now()
	state, diags := s.readSubOrgs(ctx, req)
	resp := &tfprotov6.ReadDataSourceResponse{State: state, Diagnostics: protocolDiagnostics(ctx, diags)}
	tflog.Debug(ctx, "Served ReadDataSource", map[string]any{
		"type_name": req.TypeName, "served_ms": time.Since(start).Milliseconds(),
	})
	return resp, nil
}

func (s *protocolServer) readSubOrgs(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.DynamicValue, diag.Diagnostics) {
	var diags diag.Diagnostics
	data := s.provider.configured.Load()
	if data == nil || req.Config == nil {
		diags.AddError("Unexpected read of "+subOrgsTypeName,
			"Terraform read the data source before configuring the provider, or without its configuration. "+
				"This is a bug in the provider or in Terraform; please report it.")
		return nil, diags
	}
	var schema datasource.SchemaResponse
	(&subOrgsDataSource{}).Schema(ctx, datasource.SchemaRequest{}, &schema)
	typ := schema.Schema.Type().TerraformType(ctx)
	config, err := req.Config.Unmarshal(typ)
	if err != nil {
		diags.AddError("Cannot decode the configuration",
			fmt.Sprintf("Terraform sent a configuration of %s that does not match its schema: %s. This is a "+
				"bug in the provider or in Terraform; please report it.", subOrgsTypeName, err))
		return nil, diags
	}
	state, diags := readSubOrgs(ctx, data, tfsdk.Config{Raw: config, Schema: schema.Schema})
	if diags.HasError() {
		return nil, diags
	}
	encoded, encodeDiags := encodeState(typ, state)
	diags.Append(encodeDiags...)
	return encoded, diags
}

// protocolDiagnostics converts diagnostics the way the framework does for its own responses.
func protocolDiagnostics(ctx context.Context, diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	var converted []*tfprotov6.Diagnostic
	for _, d := range diags {
		pd := &tfprotov6.Diagnostic{Summary: d.Summary(), Detail: d.Detail(), Severity: tfprotov6.DiagnosticSeverityInvalid}
		switch d.Severity() {
		case diag.SeverityError:
			pd.Severity = tfprotov6.DiagnosticSeverityError
		case diag.SeverityWarning:
			pd.Severity = tfprotov6.DiagnosticSeverityWarning
		}
		if withPath, ok := d.(diag.DiagnosticWithPath); ok {
			pd.Attribute = attributePath(ctx, withPath.Path())
		}
		converted = append(converted, pd)
	}
	return converted
}

// attributePath is p as the protocol's attribute path; nil when a step is a value that cannot be
// converted, in which case the diagnostic's text still says what went wrong.
func attributePath(ctx context.Context, p path.Path) *tftypes.AttributePath {
	var steps []tftypes.AttributePathStep
	for _, step := range p.Steps() {
		switch step := step.(type) {
		case path.PathStepAttributeName:
			steps = append(steps, tftypes.AttributeName(step))
		case path.PathStepElementKeyInt:
			steps = append(steps, tftypes.ElementKeyInt(step))
		case path.PathStepElementKeyString:
			steps = append(steps, tftypes.ElementKeyString(step))
		case path.PathStepElementKeyValue:
			value, err := step.ToTerraformValue(ctx)
			if err != nil {
				return nil
			}
			steps = append(steps, tftypes.ElementKeyValue(value))
		default:
			return nil
		}
	}
	return tftypes.NewAttributePathWithSteps(steps)
}
