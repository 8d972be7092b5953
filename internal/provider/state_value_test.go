package provider

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

func subOrgsState(t *testing.T) tfsdk.State {
	t.Helper()
	var resp datasource.SchemaResponse
	(&subOrgsDataSource{}).Schema(t.Context(), datasource.SchemaRequest{}, &resp)
	return tfsdk.State{Schema: resp.Schema}
}

// encodeState writes exactly what the framework's Set gives, for sub-organizations with every field
// set (the fixture's), generated ones, and one with nothing but an ID and a name.
func TestEncodeState_matchesStateSet(t *testing.T) {
	env := newEmulatorEnv(t, emulator.Options{GeneratedSubOrgs: 3})
	ctx := testContext(t)
	list, err := env.Admin.ListSubOrgs(ctx, env.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	list = append(list, client.SubOrg{ID: "org_bare", Name: "Bare"})
	model := subOrgsDataSourceModel{
		ID: types.StringValue(env.OrgID), OrgID: types.StringValue(env.OrgID), NameRegex: types.StringNull(),
	}
	for _, so := range list {
		model.IDs = append(model.IDs, so.ID)
		model.SubOrgs = append(model.SubOrgs, newSubOrgModel(so))
	}

	state := subOrgsState(t)
	if diags := state.Set(ctx, model); diags.HasError() {
		t.Fatal(diags)
	}
	typ := state.Schema.Type().TerraformType(ctx)
	want, err := tfprotov6.NewDynamicValue(typ, state.Raw)
	if err != nil {
		t.Fatal(err)
	}
	got, diags := encodeState(typ, model)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if !bytes.Equal(got.MsgPack, want.MsgPack) {
		t.Fatalf("encodeState wrote %d bytes that differ from State.Set's %d", len(got.MsgPack), len(want.MsgPack))
	}
}

// A model that does not match the schema is an error, not a panic or a half-set state.
func TestEncodeState_modelMismatch(t *testing.T) {
	for name, tc := range map[string]struct {
		model any
		want  string
	}{
		"missing attribute": {
			model: struct {
				ID types.String `tfsdk:"id"`
			}{},
			want: `has 1 tfsdk fields for 5 attributes`,
		},
		"wrong leaf type": {
			model: struct {
				ID        types.String  `tfsdk:"id"`
				OrgID     types.Bool    `tfsdk:"org_id"`
				NameRegex types.String  `tfsdk:"name_regex"`
				IDs       []string      `tfsdk:"ids"`
				SubOrgs   []subOrgModel `tfsdk:"sub_orgs"`
			}{},
			want: `org_id: tftypes.Bool is not a tftypes.String`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			encoded, diags := encodeState(subOrgsState(t).Schema.Type().TerraformType(t.Context()), tc.model)
			if !diags.HasError() || !regexp.MustCompile(regexp.QuoteMeta(tc.want)).MatchString(diags[0].Detail()) {
				t.Fatalf("diagnostics %v, want an error mentioning %q", diags, tc.want)
			}
			if encoded != nil {
				t.Errorf("a state was written: %d bytes", len(encoded.MsgPack))
			}
		})
	}
}
