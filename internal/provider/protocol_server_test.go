package provider

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// The protocol server's own read of invent_sub_orgs answers what the plugin framework answers for
// the same request: the same state, byte for byte, and the same diagnostics. The fixture's
// sub-organizations, generated ones and one just created cover every null the API sends.
func TestProtocolServer_readSubOrgsAsTheFramework(t *testing.T) {
	env := newTestEnv(t, emulator.Options{GeneratedSubOrgs: 150})
	env.needsEmulator(t, knobGeneratedSubOrgs)
	if _, err := env.Admin.CreateSubOrg(testContext(t), env.OrgID, "Acme Bare"); err != nil {
		t.Fatal(err)
	}
	wrapped, err := NewProtocol6("test")()
	if err != nil {
		t.Fatal(err)
	}
	framework := providerserver.NewProtocol6(&InventProvider{version: "test"})()
	servers := map[string]tfprotov6.ProviderServer{"protocol server": wrapped, "framework": framework}
	for name, server := range servers {
		configureProvider(t, server, env)
		if _, ok := server.(*protocolServer); ok != (name == "protocol server") {
			t.Fatalf("the %s is a %T", name, server)
		}
	}

	for name, config := range map[string]map[string]string{
		"every sub-organization": {"org_id": env.OrgID},
		"token's organization":   {"org_id": "c"},
		"filtered by name":       {"org_id": env.OrgID, "name_regex": "^Acme "},
		"none matches":           {"org_id": env.OrgID, "name_regex": "^no such name$"},
		"invalid regex":          {"org_id": env.OrgID, "name_regex": "(acme"},
		"unknown organization":   {"org_id": "org_nope"},
	} {
		t.Run(name, func(t *testing.T) {
			want := readSubOrgsThrough(t, framework, config)
			got := readSubOrgsThrough(t, wrapped, config)
			if !reflect.DeepEqual(got.Diagnostics, want.Diagnostics) {
				t.Fatalf("diagnostics %s, the framework's %s", describeDiagnostics(got.Diagnostics), describeDiagnostics(want.Diagnostics))
			}
			if len(want.Diagnostics) > 0 {
				return // Terraform ignores the state of a failed read
			}
			if !bytes.Equal(got.State.MsgPack, want.State.MsgPack) {
				t.Fatalf("the state differs from the framework's (%d bytes, the framework's %d)", len(got.State.MsgPack), len(want.State.MsgPack))
			}
		})
	}
}

// configureProvider configures server as the environment's admin.
func configureProvider(t *testing.T, server tfprotov6.ProviderServer, env *testEnv) {
	t.Helper()
	schemas, err := server.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	config := nullsBut(t, schemas.Provider.ValueType(), map[string]string{"api_token": env.AdminToken, "base_url": env.URL})
	resp, err := server.ConfigureProvider(t.Context(), &tfprotov6.ConfigureProviderRequest{Config: config})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("configuring the provider: %v %s", err, describeDiagnostics(resp.Diagnostics))
	}
}

// readSubOrgsThrough reads invent_sub_orgs with the given string arguments through server.
func readSubOrgsThrough(t *testing.T, server tfprotov6.ProviderServer, arguments map[string]string) *tfprotov6.ReadDataSourceResponse {
	t.Helper()
	schemas, err := server.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	config := nullsBut(t, schemas.DataSourceSchemas[subOrgsTypeName].ValueType(), arguments)
	resp, err := server.ReadDataSource(t.Context(), &tfprotov6.ReadDataSourceRequest{TypeName: subOrgsTypeName, Config: config})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// nullsBut is an object of typ whose attributes are null, but for the given strings.
func nullsBut(t *testing.T, typ tftypes.Type, strings map[string]string) *tfprotov6.DynamicValue {
	t.Helper()
	attrs := map[string]tftypes.Value{}
	for name, attrType := range typ.(tftypes.Object).AttributeTypes {
		attrs[name] = tftypes.NewValue(attrType, nil)
	}
	for name, s := range strings {
		attrs[name] = tftypes.NewValue(tftypes.String, s)
	}
	value, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		t.Fatal(err)
	}
	return &value
}

func describeDiagnostics(diags []*tfprotov6.Diagnostic) string {
	var b bytes.Buffer
	for _, d := range diags {
		b.WriteString("[" + d.Severity.String() + " " + d.Summary + ": " + d.Detail + "]")
	}
	return b.String()
}
