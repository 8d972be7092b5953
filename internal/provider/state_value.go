package provider

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// encodeState is model as a value of typ the way Terraform's protocol carries it: msgpack, byte for
// byte what tfprotov6.NewDynamicValue makes of the tftypes.Value that state.Set would build, but
// written straight from the model. For 10,000 sub-organizations (a million values) building those
// tftypes.Values and encoding them cost seconds; this costs a small fraction of that.
//
// Models are what Set takes: structs whose fields carry tfsdk tags, framework values
// (types.String, types.Bool, types.Float64 and types.Int64, known or null, numbers finite) as leaves,
// pointers to structs for nested objects and slices for lists, where nil is null; and, unlike Set,
// Go strings and lists written beforehand (encodedList).
func encodeState(typ tftypes.Type, model any) (*tfprotov6.DynamicValue, diag.Diagnostics) {
	var diags diag.Diagnostics
	var buf bytes.Buffer
	root := reflect.New(reflect.TypeOf(model)).Elem() // addressable, see modelEncoder.leaf
	root.Set(reflect.ValueOf(model))
	if err := (modelEncoder{msgpack.NewEncoder(&buf)}).value(typ, root); err != nil {
		diags.AddError("Cannot record the state",
			fmt.Sprintf("The provider's model does not match its schema: %s. This is a bug in the provider; please report it.", err))
		return nil, diags
	}
	return &tfprotov6.DynamicValue{MsgPack: buf.Bytes()}, diags
}

// encodedList is a list whose elements were written beforehand, piece by piece (encodeElements),
// for a model whose long list is best written as its pieces arrive: invent_sub_orgs writes each page
// while the next ones are still on their way. A nil encodedList is null.
type encodedList []encodedElements

// encodedElements are consecutive elements of a list, as msgpack.
type encodedElements struct {
	elementType tftypes.Type
	count       int
	msgpack     []byte
}

// encodeElements writes the models in slice, one element of elementType each. (A slice's elements
// are addressable, as modelEncoder.leaf wants.)
func encodeElements(elementType tftypes.Type, slice any) (encodedElements, error) {
	var buf bytes.Buffer
	v := reflect.ValueOf(slice)
	if err := (modelEncoder{msgpack.NewEncoder(&buf)}).elements(elementType, v); err != nil {
		return encodedElements{}, err
	}
	return encodedElements{elementType: elementType, count: v.Len(), msgpack: buf.Bytes()}, nil
}

// modelEncoder writes models as msgpack, checking every step against the schema's type, since a
// model that strays from it would otherwise reach Terraform as a state it rejects.
type modelEncoder struct {
	enc *msgpack.Encoder
}

var encodedListType = reflect.TypeFor[encodedList]()

// leafTypes are the framework values that models hold as leaves, with the Terraform type of each.
var leafTypes = map[reflect.Type]tftypes.Type{
	reflect.TypeFor[basetypes.StringValue]():  tftypes.String,
	reflect.TypeFor[basetypes.BoolValue]():    tftypes.Bool,
	reflect.TypeFor[basetypes.Float64Value](): tftypes.Number,
	reflect.TypeFor[basetypes.Int64Value]():   tftypes.Number,
}

func (e modelEncoder) value(typ tftypes.Type, v reflect.Value) error {
	if v.Type() == encodedListType {
		return e.encodedList(typ, v.Interface().(encodedList))
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return e.enc.EncodeNil()
		}
		return e.value(typ, v.Elem())
	case reflect.Slice:
		return e.list(typ, v)
	case reflect.String:
		if !typ.Is(tftypes.String) {
			return fmt.Errorf("a Go string cannot be a %s", typ)
		}
		return e.enc.EncodeString(v.String())
	case reflect.Struct:
		if leafType, ok := leafTypes[v.Type()]; ok {
			return e.leaf(typ, leafType, v.Addr().Interface().(attr.Value))
		}
		return e.object(typ, v)
	}
	return fmt.Errorf("unsupported Go type %s for %s", v.Type(), typ)
}

// leaf writes a framework value, which it takes by pointer: a million leaves copied into interfaces
// would cost an allocation each. Every value the encoder reaches is addressable, since it starts
// from an addressable model or a slice's elements.
func (e modelEncoder) leaf(typ, leafType tftypes.Type, value attr.Value) error {
	if !typ.Is(leafType) {
		return fmt.Errorf("%s is not a %s", leafType, typ)
	}
	switch {
	case value.IsUnknown():
		return fmt.Errorf("unknown %s: a model of a state that Terraform reads holds known or null values", typ)
	case value.IsNull():
		return e.enc.EncodeNil()
	}
	switch value := value.(type) {
	case *basetypes.StringValue:
		return e.enc.EncodeString(value.ValueString())
	case *basetypes.BoolValue:
		return e.enc.EncodeBool(value.ValueBool())
	case *basetypes.Int64Value:
		return e.enc.EncodeInt(value.ValueInt64())
	case *basetypes.Float64Value:
		return e.float(value.ValueFloat64())
	}
	return fmt.Errorf("unsupported value %T for %s", value, typ)
}

// float writes f as tftypes writes the number big.NewFloat(f) that types.Float64 holds: a whole
// number within int64 as an integer, any larger whole number as its decimal digits, and a fraction
// as a float64. Like the framework's Set, it refuses an infinity.
func (e modelEncoder) float(f float64) error {
	switch {
	case math.IsInf(f, 0):
		return fmt.Errorf("%v is no number a state can hold", f)
	case f != math.Trunc(f):
		return e.enc.EncodeFloat64(f)
	case f >= math.MinInt64 && f < math.MaxInt64: // float64(math.MaxInt64) is 2^63, just past int64
		return e.enc.EncodeInt(int64(f))
	}
	return e.enc.EncodeString(big.NewFloat(f).Text('f', -1))
}

func (e modelEncoder) list(typ tftypes.Type, v reflect.Value) error {
	list, ok := typ.(tftypes.List)
	if !ok {
		return fmt.Errorf("a Go slice cannot be a %s", typ)
	}
	if v.IsNil() {
		return e.enc.EncodeNil()
	}
	if err := e.enc.EncodeArrayLen(v.Len()); err != nil {
		return err
	}
	return e.elements(list.ElementType, v)
}

// elements writes the elements of the slice v, without the list's header.
func (e modelEncoder) elements(elementType tftypes.Type, v reflect.Value) error {
	for i := range v.Len() {
		if err := e.value(elementType, v.Index(i)); err != nil {
			return fmt.Errorf("element %d: %w", i, err)
		}
	}
	return nil
}

func (e modelEncoder) encodedList(typ tftypes.Type, pieces encodedList) error {
	list, ok := typ.(tftypes.List)
	if !ok {
		return fmt.Errorf("an encoded list cannot be a %s", typ)
	}
	if pieces == nil {
		return e.enc.EncodeNil()
	}
	count := 0
	for _, piece := range pieces {
		if !piece.elementType.Equal(list.ElementType) {
			return fmt.Errorf("elements written as %s cannot be elements of a %s", piece.elementType, typ)
		}
		count += piece.count
	}
	if err := e.enc.EncodeArrayLen(count); err != nil {
		return err
	}
	for _, piece := range pieces {
		if _, err := e.enc.Writer().Write(piece.msgpack); err != nil {
			return err
		}
	}
	return nil
}

func (e modelEncoder) object(typ tftypes.Type, v reflect.Value) error {
	object, ok := typ.(tftypes.Object)
	if !ok {
		return fmt.Errorf("a Go struct cannot be a %s", typ)
	}
	fields := tfsdkFields(v.Type())
	if len(fields) != len(object.AttributeTypes) {
		return fmt.Errorf("%s has %d tfsdk fields for %d attributes", v.Type(), len(fields), len(object.AttributeTypes))
	}
	if err := e.enc.EncodeMapLen(len(fields)); err != nil {
		return err
	}
	for _, f := range fields {
		attrType, ok := object.AttributeTypes[f.name]
		if !ok {
			return fmt.Errorf("%s has a field %q that is no attribute", v.Type(), f.name)
		}
		if err := e.enc.EncodeString(f.name); err != nil {
			return err
		}
		if err := e.value(attrType, v.Field(f.index)); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return nil
}

// tfsdkField is a struct field that holds an attribute.
type tfsdkField struct {
	index int
	name  string
}

var tfsdkFieldCache sync.Map // reflect.Type -> []tfsdkField

// tfsdkFields lists the fields of a model struct type with a tfsdk tag in the order of their names,
// the order in which msgpack carries an object's attributes; it reads the tags once per type.
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
	slices.SortFunc(fields, func(a, b tfsdkField) int { return strings.Compare(a.name, b.name) })
	tfsdkFieldCache.Store(t, fields)
	return fields
}
