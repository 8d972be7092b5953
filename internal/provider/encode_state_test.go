package provider

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Numbers are written as tftypes writes them (integer, float64 or decimal string, by value), so
// that encodeState's bytes are the framework's for any number, not only the fixture's.
func TestEncodeState_numbersAsTheFramework(t *testing.T) {
	type numbers struct {
		Floats []types.Float64 `tfsdk:"floats"`
		Ints   []types.Int64   `tfsdk:"ints"`
	}
	model := numbers{Ints: []types.Int64{
		types.Int64Value(0), types.Int64Value(-1), types.Int64Value(-33), types.Int64Value(200), types.Int64Null(),
		types.Int64Value(math.MaxInt64), types.Int64Value(math.MinInt64),
	}}
	for _, f := range []float64{
		0, math.Copysign(0, -1), 1, -1, 127, 128, -32, -33, 255, 256, 65536, 1.5, -2.25, 0.1, 1e15, 1e20, -1e300,
		1 << 53, 1<<53 + 2, 1 << 63, -(1 << 63), math.MaxFloat64, math.SmallestNonzeroFloat64,
	} {
		model.Floats = append(model.Floats, types.Float64Value(f))
	}
	model.Floats = append(model.Floats, types.Float64Null())

	state := tfsdk.State{Schema: schema.Schema{Attributes: map[string]schema.Attribute{
		"floats": schema.ListAttribute{ElementType: types.Float64Type, Computed: true},
		"ints":   schema.ListAttribute{ElementType: types.Int64Type, Computed: true},
	}}}
	if diags := state.Set(t.Context(), model); diags.HasError() {
		t.Fatal(diags)
	}
	typ := state.Schema.Type().TerraformType(t.Context())
	want, err := tfprotov6.NewDynamicValue(typ, state.Raw)
	if err != nil {
		t.Fatal(err)
	}
	got, diags := encodeState(typ, model)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if !bytes.Equal(got.MsgPack, want.MsgPack) {
		t.Errorf("encodeState wrote\n%x\nthe framework\n%x", got.MsgPack, want.MsgPack)
	}
}

// What a state cannot hold is an error: an unknown value (Terraform rejects one in a read's result),
// an infinity (the framework's Set refuses it too) and elements written for another list.
func TestEncodeState_refusals(t *testing.T) {
	typ := subOrgsState(t).Schema.Type().TerraformType(t.Context())
	for name, tc := range map[string]struct {
		model any
		want  string
	}{
		"unknown": {subOrgsDataSourceModel{ID: types.StringUnknown()}, "id: unknown tftypes.String"},
		"infinity": {
			subOrgsDataSourceModel{SubOrgs: []subOrgModel{{Balance: types.Float64Value(math.Inf(1))}}},
			"sub_orgs: element 0: balance: +Inf is no number a state can hold",
		},
		"elements of another list": {
			subOrgsPreparedState{SubOrgs: encodedList{{elementType: tftypes.String}}},
			"sub_orgs: elements written as tftypes.String cannot be elements of a tftypes.List[tftypes.Object[",
		},
	} {
		t.Run(name, func(t *testing.T) {
			_, diags := encodeState(typ, tc.model)
			if !diags.HasError() || !strings.Contains(diags[0].Detail(), tc.want) {
				t.Errorf("diagnostics %v, want an error mentioning %q", diags, tc.want)
			}
		})
	}
}
