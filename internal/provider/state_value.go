package provider

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"golang.org/x/sync/errgroup"
)

// setStateDirect does what state.Set does, for models of large lists (invent_sub_orgs over 10,000
// sub-organizations): it converts the model straight into the schema's Terraform value. The
// framework's Set reflects on every struct anew (compiling a regular expression per field) and
// builds every value twice, first as an attr.Value; that cost about 3 ms per sub-organization, 30
// seconds for 10,000, against 0.14 ms here.
//
// Models are what Set takes: structs whose fields carry tfsdk tags, framework values (types.String
// and the like) as leaves, pointers to structs for nested objects and slices for lists, where nil is
// null; and, unlike Set, tftypes.Values converted beforehand.
func setStateDirect(ctx context.Context, state *tfsdk.State, model any) diag.Diagnostics {
	var diags diag.Diagnostics
	value, err := terraformValue(ctx, state.Schema.Type().TerraformType(ctx), reflect.ValueOf(model))
	if err != nil {
		diags.AddError("Cannot record the state",
			fmt.Sprintf("The provider's model does not match its schema: %s. This is a bug in the provider; please report it.", err))
		return diags
	}
	state.Raw = value
	return diags
}

var (
	attrValueType    = reflect.TypeFor[attr.Value]()
	tftypesValueType = reflect.TypeFor[tftypes.Value]()
)

// terraformValue converts v into a value of typ, checking every step, since tftypes.NewValue panics
// on a mismatch.
func terraformValue(ctx context.Context, typ tftypes.Type, v reflect.Value) (tftypes.Value, error) {
	if v.Type() == tftypesValueType { // converted already, e.g. page by page as it arrived
		value := v.Interface().(tftypes.Value)
		if !value.Type().UsableAs(typ) {
			return value, fmt.Errorf("%s is not a %s", value.Type(), typ)
		}
		return value, nil
	}
	if v.Type().Implements(attrValueType) {
		value, err := v.Interface().(attr.Value).ToTerraformValue(ctx)
		if err == nil && !value.Type().UsableAs(typ) {
			err = fmt.Errorf("%s is not a %s", value.Type(), typ)
		}
		return value, err
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return tftypes.NewValue(typ, nil), nil
		}
		return terraformValue(ctx, typ, v.Elem())
	case reflect.Slice:
		return listValue(ctx, typ, v)
	case reflect.Struct:
		return objectValue(ctx, typ, v)
	case reflect.String:
		if !typ.Is(tftypes.String) {
			return tftypes.Value{}, fmt.Errorf("a Go string cannot be a %s", typ)
		}
		return tftypes.NewValue(typ, v.String()), nil
	}
	return tftypes.Value{}, fmt.Errorf("unsupported Go type %s for %s", v.Type(), typ)
}

func listValue(ctx context.Context, typ tftypes.Type, v reflect.Value) (tftypes.Value, error) {
	list, ok := typ.(tftypes.List)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("a Go slice cannot be a %s", typ)
	}
	if v.IsNil() {
		return tftypes.NewValue(typ, nil), nil
	}
	elems := make([]tftypes.Value, v.Len())
	convert := func(from, to int) error {
		for i := from; i < to; i++ {
			elem, err := terraformValue(ctx, list.ElementType, v.Index(i))
			if err != nil {
				return fmt.Errorf("element %d: %w", i, err)
			}
			elems[i] = elem
		}
		return nil
	}
	// A long list (thousands of sub-organizations) is converted on every core: the elements are
	// independent, and this conversion is most of a large data source's own read time.
	workers := min(runtime.GOMAXPROCS(0), len(elems)/parallelListThreshold)
	if workers < 2 {
		if err := convert(0, len(elems)); err != nil {
			return tftypes.Value{}, err
		}
		return tftypes.NewValue(typ, elems), nil
	}
	var g errgroup.Group
	chunk := (len(elems) + workers - 1) / workers
	for from := 0; from < len(elems); from += chunk {
		g.Go(func() error { return convert(from, min(from+chunk, len(elems))) })
	}
	if err := g.Wait(); err != nil {
		return tftypes.Value{}, err
	}
	return tftypes.NewValue(typ, elems), nil
}

// parallelListThreshold is the number of elements per core below which a list is converted on one
// core: starting goroutines costs more than it saves on short lists.
const parallelListThreshold = 256

func objectValue(ctx context.Context, typ tftypes.Type, v reflect.Value) (tftypes.Value, error) {
	object, ok := typ.(tftypes.Object)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("a Go struct cannot be a %s", typ)
	}
	fields := tfsdkFields(v.Type())
	if len(fields) != len(object.AttributeTypes) {
		return tftypes.Value{}, fmt.Errorf("%s has %d tfsdk fields for %d attributes", v.Type(), len(fields), len(object.AttributeTypes))
	}
	attrs := make(map[string]tftypes.Value, len(fields))
	for _, f := range fields {
		attrType, ok := object.AttributeTypes[f.name]
		if !ok {
			return tftypes.Value{}, fmt.Errorf("%s has a field %q that is no attribute", v.Type(), f.name)
		}
		value, err := terraformValue(ctx, attrType, v.Field(f.index))
		if err != nil {
			return tftypes.Value{}, fmt.Errorf("%s: %w", f.name, err)
		}
		attrs[f.name] = value
	}
	return tftypes.NewValue(typ, attrs), nil
}

// tfsdkField is a struct field that holds an attribute.
type tfsdkField struct {
	index int
	name  string
}

var tfsdkFieldCache sync.Map // reflect.Type -> []tfsdkField

// tfsdkFields lists the fields of a model struct type with a tfsdk tag, reading the tags once per type.
func tfsdkFields(t reflect.Type) []tfsdkField {
	if cached, ok := tfsdkFieldCache.Load(t); ok {
		return cached.([]tfsdkField)
	}
	var fields []tfsdkField
	for i := range t.NumField() {
		if name := t.Field(i).Tag.Get("tfsdk"); name != "" && name != "-" {
			fields = append(fields, tfsdkField{index: i, name: name})
		}
	}
	tfsdkFieldCache.Store(t, fields)
	return fields
}
