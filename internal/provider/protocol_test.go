package provider

// The harness of the protocol-level tests: the provider's tfprotov6 server in-process, called RPC by
// RPC as Terraform calls it, against an in-process emulator. It covers what the Terraform CLI of CI
// (1.11) cannot exercise: resource identity (Terraform 1.12+) and list resources (`terraform
// query`, Terraform 1.14+). These tests need neither TF_ACC nor a CLI: `go test -run TestProtocol`.

import (
	"fmt"
	"iter"
	"maps"
	"math/big"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// protoEnv is one provider server, configured as the emulator's admin, and its emulator.
type protoEnv struct {
	t          *testing.T
	server     protoServer
	emu        *emulator.Server
	admin      *client.Client // the API as the admin, for changes made outside Terraform
	schemas    *tfprotov6.GetProviderSchemaResponse
	identities map[string]*tfprotov6.ResourceIdentitySchema
}

// protoServer is a provider server with the list resource RPCs, which tfprotov6 keeps out of
// ProviderServer for now.
type protoServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
}

// protoOptions shape a protoEnv; the zero value is the default fixture, served as it is.
type protoOptions struct {
	emulator emulator.Options
	// interpose, when set, wraps the emulator's handler to alter what the API answers.
	interpose func(http.Handler) http.Handler
	// provider holds provider attributes besides base_url and api_token, such as max_retries.
	provider map[string]any
}

// newProtoEnv starts the emulator and the provider server, reads the schemas and configures the
// provider, as Terraform does before any resource RPC.
func newProtoEnv(t *testing.T, opts protoOptions) *protoEnv {
	t.Helper()
	emu, url := serveEmulator(t, opts.emulator, opts.interpose)
	server, err := NewProtocol6("test")()
	if err != nil {
		t.Fatal(err)
	}
	listServer, ok := server.(protoServer)
	if !ok {
		t.Fatalf("the provider server %T serves no list resources", server)
	}
	admin, err := client.New(client.Config{BaseURL: url, Token: emulator.DefaultAdminToken, UserAgent: "protocol-tests"})
	if err != nil {
		t.Fatal(err)
	}
	e := &protoEnv{t: t, server: listServer, emu: emu, admin: admin}
	schemas, err := server.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	e.noErrors("GetProviderSchema", err, schemas.Diagnostics)
	e.schemas = schemas
	identities, err := server.GetResourceIdentitySchemas(t.Context(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	e.noErrors("GetResourceIdentitySchemas", err, identities.Diagnostics)
	e.identities = identities.IdentitySchemas

	config := map[string]any{"base_url": url, "api_token": emulator.DefaultAdminToken}
	maps.Copy(config, opts.provider)
	configured, err := server.ConfigureProvider(t.Context(), &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.14.0",
		Config:           e.dynamic(objectOf(e.t, schemas.Provider.Block, config)),
	})
	e.noErrors("ConfigureProvider", err, configured.Diagnostics)
	return e
}

// noErrors fails the test on an RPC error or an error diagnostic.
func (e *protoEnv) noErrors(rpc string, err error, diags []*tfprotov6.Diagnostic) {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("%s: %v", rpc, err)
	}
	if problems := errorDiagnostics(diags); problems != "" {
		e.t.Fatalf("%s: %s", rpc, problems)
	}
}

// errorDiagnostics is the summaries and details of diags' errors, "" when there is none.
func errorDiagnostics(diags []*tfprotov6.Diagnostic) string {
	var errs []string
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			errs = append(errs, d.Summary+": "+d.Detail)
		}
	}
	return strings.Join(errs, "; ")
}

// resourceSchema is the schema of the resource typeName.
func (e *protoEnv) resourceSchema(typeName string) *tfprotov6.Schema {
	e.t.Helper()
	s, ok := e.schemas.ResourceSchemas[typeName]
	if !ok {
		e.t.Fatalf("no resource %s", typeName)
	}
	return s
}

// identityType is the value type of typeName's identity.
func (e *protoEnv) identityType(typeName string) tftypes.Type {
	e.t.Helper()
	s, ok := e.identities[typeName]
	if !ok {
		e.t.Fatalf("no identity schema for %s", typeName)
	}
	return s.ValueType()
}

// dynamic wraps v for the wire.
func (e *protoEnv) dynamic(v tftypes.Value) *tfprotov6.DynamicValue {
	e.t.Helper()
	dv, err := tfprotov6.NewDynamicValue(v.Type(), v)
	if err != nil {
		e.t.Fatal(err)
	}
	return &dv
}

// identity is an identity of typeName with the given attributes.
func (e *protoEnv) identity(typeName string, attrs map[string]any) *tfprotov6.ResourceIdentityData {
	e.t.Helper()
	typ, _ := e.identityType(typeName).(tftypes.Object)
	return &tfprotov6.ResourceIdentityData{IdentityData: e.dynamic(objectFrom(e.t, typ, attrs))}
}

// objectOf is block's object value with the attributes in attrs and every other attribute and
// nested block null. A value in attrs is a string, bool, int, nil (null) or a tftypes.Value.
func objectOf(t *testing.T, block *tfprotov6.SchemaBlock, attrs map[string]any) tftypes.Value {
	t.Helper()
	typ, _ := block.ValueType().(tftypes.Object)
	return objectFrom(t, typ, attrs)
}

func objectFrom(t *testing.T, typ tftypes.Object, attrs map[string]any) tftypes.Value {
	t.Helper()
	for name := range attrs {
		if _, ok := typ.AttributeTypes[name]; !ok {
			t.Fatalf("no attribute %q in %s", name, typ)
		}
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		switch v := attrs[name].(type) {
		case tftypes.Value:
			vals[name] = v
		case nil, string, bool:
			vals[name] = tftypes.NewValue(at, v)
		case int:
			vals[name] = tftypes.NewValue(at, big.NewFloat(float64(v)))
		default:
			t.Fatalf("attribute %q: cannot convert %T", name, v)
		}
	}
	return tftypes.NewValue(typ, vals)
}

// unknown stands for an unknown value in decoded values.
const unknown = "<unknown>"

// decode is v as Go values: map[string]any for an object, []any for a list or set, string, bool,
// float64, nil for null and unknown for an unknown value.
func decode(t *testing.T, v tftypes.Value) any {
	t.Helper()
	if !v.IsKnown() {
		return unknown
	}
	if v.IsNull() {
		return nil
	}
	var err error
	var out any
	switch typ := v.Type(); {
	case typ.Is(tftypes.String):
		var s string
		err = v.As(&s)
		out = s
	case typ.Is(tftypes.Bool):
		var b bool
		err = v.As(&b)
		out = b
	case typ.Is(tftypes.Number):
		var n big.Float
		err = v.As(&n)
		f, _ := n.Float64()
		out = f
	case typ.Is(tftypes.Object{}), typ.Is(tftypes.Map{}):
		var m map[string]tftypes.Value
		err = v.As(&m)
		decoded := map[string]any{}
		for k, elem := range m {
			decoded[k] = decode(t, elem)
		}
		out = decoded
	default:
		var elems []tftypes.Value
		err = v.As(&elems)
		decoded := make([]any, len(elems))
		for i, elem := range elems {
			decoded[i] = decode(t, elem)
		}
		out = decoded
	}
	if err != nil {
		t.Fatalf("decoding %s: %v", v, err)
	}
	return out
}

// decodeObject is the object in dv, of type typ, as a map; nil for null.
func decodeObject(t *testing.T, dv *tfprotov6.DynamicValue, typ tftypes.Type) map[string]any {
	t.Helper()
	if dv == nil {
		return nil
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := decode(t, v).(map[string]any)
	return m
}

// protoInstance is one resource instance as Terraform keeps it between RPCs.
type protoInstance struct {
	typeName string
	state    *tfprotov6.DynamicValue
	identity *tfprotov6.ResourceIdentityData
	private  []byte
}

// stateOf is the decoded resource object in dv of the resource typeName.
func (e *protoEnv) stateOf(typeName string, dv *tfprotov6.DynamicValue) map[string]any {
	e.t.Helper()
	return decodeObject(e.t, dv, e.resourceSchema(typeName).ValueType())
}

// identityOf is the decoded identity, nil when there is none.
func (e *protoEnv) identityOf(typeName string, id *tfprotov6.ResourceIdentityData) map[string]any {
	e.t.Helper()
	if id == nil {
		return nil
	}
	return decodeObject(e.t, id.IdentityData, e.identityType(typeName))
}

// state and identityMap decode the instance.
func (e *protoEnv) state(inst protoInstance) map[string]any {
	e.t.Helper()
	return e.stateOf(inst.typeName, inst.state)
}

func (e *protoEnv) identityMap(inst protoInstance) map[string]any {
	e.t.Helper()
	return e.identityOf(inst.typeName, inst.identity)
}

// apply plans and applies config (the resource's configured attributes) over prior, the way
// Terraform creates (prior without state) or updates a resource, and fails the test on any error.
func (e *protoEnv) apply(prior protoInstance, config map[string]any) protoInstance {
	e.t.Helper()
	plan, applied := e.tryApply(prior, config)
	e.noErrors("PlanResourceChange", nil, plan.Diagnostics)
	e.noErrors("ApplyResourceChange", nil, applied.Diagnostics)
	return protoInstance{typeName: prior.typeName, state: applied.NewState, identity: applied.NewIdentity, private: applied.Private}
}

// create is apply over no prior state.
func (e *protoEnv) create(typeName string, config map[string]any) protoInstance {
	e.t.Helper()
	return e.apply(protoInstance{typeName: typeName}, config)
}

// tryApply plans config over prior and, when the plan succeeds, applies it; the plan's answer is
// returned either way, the apply's only when it ran.
func (e *protoEnv) tryApply(prior protoInstance, config map[string]any) (*tfprotov6.PlanResourceChangeResponse, *tfprotov6.ApplyResourceChangeResponse) {
	e.t.Helper()
	plan, req := e.tryPlan(prior, config)
	if errorDiagnostics(plan.Diagnostics) != "" {
		return plan, nil
	}
	applied, err := e.server.ApplyResourceChange(e.t.Context(), &tfprotov6.ApplyResourceChangeRequest{
		TypeName:        prior.typeName,
		PriorState:      req.PriorState,
		PlannedState:    plan.PlannedState,
		Config:          req.Config,
		PlannedPrivate:  plan.PlannedPrivate,
		PlannedIdentity: plan.PlannedIdentity,
	})
	if err != nil {
		e.t.Fatalf("ApplyResourceChange: %v", err)
	}
	return plan, applied
}

// tryPlan plans config (the resource's configured attributes) over prior and returns the answer
// and the request.
func (e *protoEnv) tryPlan(prior protoInstance, config map[string]any) (*tfprotov6.PlanResourceChangeResponse, *tfprotov6.PlanResourceChangeRequest) {
	e.t.Helper()
	schema := e.resourceSchema(prior.typeName)
	typ := schema.ValueType()
	configValue := objectOf(e.t, schema.Block, config)
	priorValue := tftypes.NewValue(typ, nil)
	if prior.state != nil {
		var err error
		if priorValue, err = prior.state.Unmarshal(typ); err != nil {
			e.t.Fatal(err)
		}
	}
	req := &tfprotov6.PlanResourceChangeRequest{
		TypeName:         prior.typeName,
		PriorState:       e.dynamic(priorValue),
		ProposedNewState: e.dynamic(proposedNewState(e.t, schema.Block, priorValue, configValue)),
		Config:           e.dynamic(configValue),
		PriorPrivate:     prior.private,
		PriorIdentity:    prior.identity,
	}
	plan, err := e.server.PlanResourceChange(e.t.Context(), req)
	if err != nil {
		e.t.Fatalf("PlanResourceChange: %v", err)
	}
	return plan, req
}

// proposedNewState is what Terraform proposes before the provider plans: the configuration, with
// the prior state's value for each computed attribute that the configuration leaves null.
func proposedNewState(t *testing.T, block *tfprotov6.SchemaBlock, prior, config tftypes.Value) tftypes.Value {
	t.Helper()
	var configAttrs, priorAttrs map[string]tftypes.Value
	if err := config.As(&configAttrs); err != nil {
		t.Fatal(err)
	}
	if !prior.IsNull() {
		if err := prior.As(&priorAttrs); err != nil {
			t.Fatal(err)
		}
	}
	proposed := maps.Clone(configAttrs)
	for _, a := range block.Attributes {
		if a.Computed && configAttrs[a.Name].IsNull() && priorAttrs != nil {
			proposed[a.Name] = priorAttrs[a.Name]
		}
	}
	return tftypes.NewValue(config.Type(), proposed)
}

// read refreshes inst and fails the test on an error; the answer is returned whole.
func (e *protoEnv) read(inst protoInstance) *tfprotov6.ReadResourceResponse {
	e.t.Helper()
	resp, err := e.server.ReadResource(e.t.Context(), &tfprotov6.ReadResourceRequest{
		TypeName:        inst.typeName,
		CurrentState:    inst.state,
		CurrentIdentity: inst.identity,
		Private:         inst.private,
	})
	e.noErrors("ReadResource "+inst.typeName, err, resp.Diagnostics)
	return resp
}

// importResource imports by id, or by identity when identity is not nil, then reads the imported
// object as Terraform does. It fails the test on an error.
func (e *protoEnv) importResource(typeName, id string, identity map[string]any) (imported protoInstance, read *tfprotov6.ReadResourceResponse) {
	e.t.Helper()
	resp := e.tryImport(typeName, id, identity)
	e.noErrors("ImportResourceState", nil, resp.Diagnostics)
	if len(resp.ImportedResources) != 1 {
		e.t.Fatalf("ImportResourceState imported %d resources, want 1", len(resp.ImportedResources))
	}
	r := resp.ImportedResources[0]
	imported = protoInstance{typeName: typeName, state: r.State, identity: r.Identity, private: r.Private}
	return imported, e.read(imported)
}

// tryImport calls ImportResourceState by id, or by identity when identity is not nil.
func (e *protoEnv) tryImport(typeName, id string, identity map[string]any) *tfprotov6.ImportResourceStateResponse {
	e.t.Helper()
	req := &tfprotov6.ImportResourceStateRequest{TypeName: typeName, ID: id}
	if identity != nil {
		req.Identity = e.identity(typeName, identity)
	}
	resp, err := e.server.ImportResourceState(e.t.Context(), req)
	if err != nil {
		e.t.Fatalf("ImportResourceState: %v", err)
	}
	return resp
}

// protoResult is one list result, decoded.
type protoResult struct {
	DisplayName string
	Identity    map[string]any
	Resource    map[string]any // nil unless include_resource
	Diagnostics []*tfprotov6.Diagnostic
}

// listBlock is a list block's arguments: config holds its config block's attributes.
type listBlock struct {
	config          map[string]any
	includeResource bool
	limit           int64 // 0: none
}

// listStream starts the list resource typeName and returns its stream of results, unread.
func (e *protoEnv) listStream(typeName string, block listBlock) iter.Seq[tfprotov6.ListResourceResult] {
	e.t.Helper()
	listSchema, ok := e.schemas.ListResourceSchemas[typeName]
	if !ok {
		e.t.Fatalf("no list resource %s", typeName)
	}
	stream, err := e.server.ListResource(e.t.Context(), &tfprotov6.ListResourceRequest{
		TypeName:        typeName,
		Config:          e.dynamic(objectOf(e.t, listSchema.Block, block.config)),
		IncludeResource: block.includeResource,
		Limit:           block.limit,
	})
	if err != nil {
		e.t.Fatalf("ListResource: %v", err)
	}
	return stream.Results
}

// list runs the list resource typeName and reads its whole stream.
func (e *protoEnv) list(typeName string, block listBlock) []protoResult {
	e.t.Helper()
	var results []protoResult
	for r := range e.listStream(typeName, block) {
		result := protoResult{DisplayName: r.DisplayName, Diagnostics: r.Diagnostics, Identity: e.identityOf(typeName, r.Identity)}
		if r.Resource != nil {
			result.Resource = e.stateOf(typeName, r.Resource)
		}
		results = append(results, result)
	}
	return results
}

// limitCase is a list block's limit, and how many results and listing pages it should cost.
type limitCase struct {
	limit, results, pagesFetched int64
}

// expectLimits lists typeName with each case's limit and checks the results and, with the
// emulator's request counter of route (the listing's route pattern), the pages fetched.
func (e *protoEnv) expectLimits(typeName, route string, config map[string]any, cases []limitCase) {
	e.t.Helper()
	for _, tc := range cases {
		e.emu.ResetStats()
		results := e.listed(typeName, listBlock{config: config, limit: tc.limit})
		if int64(len(results)) != tc.results {
			e.t.Errorf("limit %d: %d results, want %d", tc.limit, len(results), tc.results)
		}
		if got := e.emu.Stats().ByRoute[route]; got != tc.pagesFetched {
			e.t.Errorf("limit %d: %d pages fetched, want %d", tc.limit, got, tc.pagesFetched)
		}
	}
}

// validateList validates a list block's config as Terraform does before it lists.
func (e *protoEnv) validateList(typeName string, config map[string]any) []*tfprotov6.Diagnostic {
	e.t.Helper()
	resp, err := e.server.ValidateListResourceConfig(e.t.Context(), &tfprotov6.ValidateListResourceConfigRequest{
		TypeName: typeName,
		Config:   e.dynamic(objectOf(e.t, e.schemas.ListResourceSchemas[typeName].Block, config)),
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.Diagnostics
}

// expectAdoptable checks that a result listed with include_resource is what `terraform query
// -generate-config-out` and `terraform apply` need: importing it by its identity and reading it
// records exactly its resource object, and a plan of the configuration generated from that object
// (its configurable attributes) changes nothing.
func (e *protoEnv) expectAdoptable(typeName string, result protoResult) {
	e.t.Helper()
	if result.Resource == nil {
		e.t.Fatalf("%s %v: no resource object", typeName, result.Identity)
	}
	imported, read := e.importResource(typeName, "", result.Identity)
	state := e.stateOf(typeName, read.NewState)
	if !reflect.DeepEqual(state, result.Resource) {
		e.t.Errorf("%s %v: listed resource\n%v\nimported and read\n%v", typeName, result.Identity, result.Resource, state)
	}
	if identity := e.identityOf(typeName, read.NewIdentity); !reflect.DeepEqual(identity, result.Identity) {
		e.t.Errorf("%s: imported identity %v, listed %v", typeName, identity, result.Identity)
	}

	schema := e.resourceSchema(typeName)
	generated := map[string]any{}
	for _, a := range schema.Block.Attributes {
		if a.Required || a.Optional {
			generated[a.Name] = result.Resource[a.Name]
		}
	}
	imported.state, imported.identity = read.NewState, read.NewIdentity
	plan, _ := e.tryPlan(imported, generated)
	e.noErrors("PlanResourceChange of the generated configuration", nil, plan.Diagnostics)
	if planned := e.stateOf(typeName, plan.PlannedState); !reflect.DeepEqual(planned, state) {
		e.t.Errorf("%s %v: the generated configuration plans changes:\nstate %v\nplan  %v", typeName, result.Identity, state, planned)
	}
	if len(plan.RequiresReplace) > 0 {
		e.t.Errorf("%s %v: the generated configuration plans a replacement (%v)", typeName, result.Identity, plan.RequiresReplace)
	}
}

// failRequests wraps the emulator so that every request that match selects is answered status
// (with the API's error body) instead, and counts those requests.
func failRequests(match func(*http.Request) bool, status int, count *atomic.Int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !match(r) {
				next.ServeHTTP(w, r)
				return
			}
			count.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = fmt.Fprintf(w, `{"error": {"code": "injected", "message": "injected %d for %s"}}`, status, r.URL.Path)
		})
	}
}

// smallPages wraps the emulator so that the envelope listings (invite links, members) answer
// pages of n items whatever limit the client asks for: many pages without thousands of objects.
func smallPages(n int) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if q := r.URL.Query(); q.Has("limit") {
				q.Set("limit", strconv.Itoa(n))
				r.URL.RawQuery = q.Encode()
			}
			next.ServeHTTP(w, r)
		})
	}
}

// chain applies wrappers so that the first one sees a request first.
func chain(wrappers ...func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		for _, wrap := range slices.Backward(wrappers) {
			h = wrap(h)
		}
		return h
	}
}

// listed is list that expects no diagnostics at all.
func (e *protoEnv) listed(typeName string, block listBlock) []protoResult {
	e.t.Helper()
	results := e.list(typeName, block)
	for i, r := range results {
		if len(r.Diagnostics) > 0 {
			e.t.Fatalf("result %d of %s has diagnostics: %s", i, typeName, diagnosticsText(r.Diagnostics))
		}
	}
	return results
}

// diagnosticsText is every diagnostic, for failure messages.
func diagnosticsText(diags []*tfprotov6.Diagnostic) string {
	var parts []string
	for _, d := range diags {
		parts = append(parts, fmt.Sprintf("%s: %s: %s", d.Severity, d.Summary, d.Detail))
	}
	return strings.Join(parts, "; ")
}

// identityIDs is the attr attribute of each result's identity, in stream order.
func identityIDs(results []protoResult, attr string) []string {
	ids := make([]string, len(results))
	for i, r := range results {
		ids[i], _ = r.Identity[attr].(string)
	}
	return ids
}

// sortedCopy returns s sorted, leaving s as it is.
func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// emptyOrgID is an organization of protoFixture with no sub-organizations and no invite links,
// whose only member is the admin.
const emptyOrgID = "org_empty"

// protoFixture is the emulator's default fixture plus the organization emptyOrgID and extraSubOrgs
// more sub-organizations of the parent organization, named "Extra 001"..., in each of which the
// admin is a member, with the organization roles in turn.
func protoFixture(extraSubOrgs int) *emulator.Fixture {
	f := emulator.DefaultFixture()
	parent := &f.Organizations[0]
	for i := range extraSubOrgs {
		parent.SubOrgs = append(parent.SubOrgs, emulator.FixtureSubOrg{
			ID:      fmt.Sprintf("org_extra_%03d", i+1),
			Name:    fmt.Sprintf("Extra %03d", i+1),
			Members: []emulator.FixtureMember{{UserID: emulator.DefaultAdminUserID, Role: client.OrgRoles[i%len(client.OrgRoles)]}},
		})
	}
	f.Organizations = append(f.Organizations, emulator.FixtureOrg{FixtureSubOrg: emulator.FixtureSubOrg{
		ID: emptyOrgID, Name: "Empty",
		Members: []emulator.FixtureMember{{UserID: emulator.DefaultAdminUserID, Role: client.OrgRoleAdmin}},
	}})
	return f
}
