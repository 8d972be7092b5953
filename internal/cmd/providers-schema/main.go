// Command providers-schema prints the provider's schemas as `terraform providers schema -json`
// does, read from the provider itself in-process. `make docs` feeds it to tfplugindocs
// (--providers-schema), so that the documentation is the same whichever Terraform CLI is
// installed: one older than 1.12 leaves resource identity out of its output, one older than 1.14
// list resources.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"

	"github.com/orgkit/terraform-provider-invent/internal/provider"
)

// providerAddress is where tfplugindocs looks for a provider named invent.
const providerAddress = "registry.terraform.io/hashicorp/invent"

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "providers-schema:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer) error {
	schemas, err := providerSchemas(ctx)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(schemas)
}

// providerSchemas asks the provider's protocol 6 server for its schemas, as Terraform does.
func providerSchemas(ctx context.Context) (*tfjson.ProviderSchemas, error) {
	server, err := providerserver.NewProtocol6WithError(provider.New("docs")())()
	if err != nil {
		return nil, err
	}
	resp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err == nil {
		err = diagnosticsError(resp.Diagnostics)
	}
	if err != nil {
		return nil, fmt.Errorf("GetProviderSchema: %w", err)
	}
	identities, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err == nil {
		err = diagnosticsError(identities.Diagnostics)
	}
	if err != nil {
		return nil, fmt.Errorf("GetResourceIdentitySchemas: %w", err)
	}

	var c converter
	ps := &tfjson.ProviderSchema{
		ConfigSchema:             c.schema(resp.Provider),
		ResourceSchemas:          c.schemas(resp.ResourceSchemas),
		DataSourceSchemas:        c.schemas(resp.DataSourceSchemas),
		EphemeralResourceSchemas: c.schemas(resp.EphemeralResourceSchemas),
		ListResourceSchemas:      c.schemas(resp.ListResourceSchemas),
		ResourceIdentitySchemas:  map[string]*tfjson.IdentitySchema{},
	}
	if len(resp.Functions) > 0 || len(resp.ActionSchemas) > 0 {
		c.errs = append(c.errs, errors.New("functions and actions are not converted; extend this command"))
	}
	for name, s := range identities.IdentitySchemas {
		identity := &tfjson.IdentitySchema{Version: uint64(s.Version), Attributes: map[string]*tfjson.IdentityAttribute{}}
		for _, a := range s.IdentityAttributes {
			identity.Attributes[a.Name] = &tfjson.IdentityAttribute{
				IdentityType:      c.ctyType(a.Type),
				Description:       a.Description,
				RequiredForImport: a.RequiredForImport,
				OptionalForImport: a.OptionalForImport,
			}
		}
		ps.ResourceIdentitySchemas[name] = identity
	}
	if err := errors.Join(c.errs...); err != nil {
		return nil, err
	}
	return &tfjson.ProviderSchemas{FormatVersion: "1.0", Schemas: map[string]*tfjson.ProviderSchema{providerAddress: ps}}, nil
}

func diagnosticsError(diags []*tfprotov6.Diagnostic) error {
	var errs []error
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			errs = append(errs, fmt.Errorf("%s: %s", d.Summary, d.Detail))
		}
	}
	return errors.Join(errs...)
}

// converter turns protocol 6 schemas into Terraform's JSON form, collecting errors.
type converter struct {
	errs []error
}

func (c *converter) schemas(in map[string]*tfprotov6.Schema) map[string]*tfjson.Schema {
	out := make(map[string]*tfjson.Schema, len(in))
	for name, s := range in {
		out[name] = c.schema(s)
	}
	return out
}

func (c *converter) schema(s *tfprotov6.Schema) *tfjson.Schema {
	if s == nil {
		return nil
	}
	return &tfjson.Schema{Version: uint64(s.Version), Block: c.block(s.Block)}
}

func (c *converter) block(b *tfprotov6.SchemaBlock) *tfjson.SchemaBlock {
	out := &tfjson.SchemaBlock{
		Description:     b.Description,
		DescriptionKind: descriptionKind(b.DescriptionKind),
		Deprecated:      b.Deprecated,
	}
	if len(b.Attributes) > 0 {
		out.Attributes = c.attributes(b.Attributes)
	}
	for _, nested := range b.BlockTypes {
		if out.NestedBlocks == nil {
			out.NestedBlocks = map[string]*tfjson.SchemaBlockType{}
		}
		out.NestedBlocks[nested.TypeName] = &tfjson.SchemaBlockType{
			NestingMode: blockNesting[nested.Nesting],
			Block:       c.block(nested.Block),
			MinItems:    uint64(nested.MinItems),
			MaxItems:    uint64(nested.MaxItems),
		}
	}
	return out
}

func (c *converter) attributes(in []*tfprotov6.SchemaAttribute) map[string]*tfjson.SchemaAttribute {
	out := make(map[string]*tfjson.SchemaAttribute, len(in))
	for _, a := range in {
		attr := &tfjson.SchemaAttribute{
			Description:     a.Description,
			DescriptionKind: descriptionKind(a.DescriptionKind),
			Deprecated:      a.Deprecated,
			Required:        a.Required,
			Optional:        a.Optional,
			Computed:        a.Computed,
			Sensitive:       a.Sensitive,
			WriteOnly:       a.WriteOnly,
		}
		if a.NestedType != nil {
			attr.AttributeNestedType = &tfjson.SchemaNestedAttributeType{
				Attributes:  c.attributes(a.NestedType.Attributes),
				NestingMode: objectNesting[a.NestedType.Nesting],
			}
		} else {
			attr.AttributeType = c.ctyType(a.Type)
		}
		out[a.Name] = attr
	}
	return out
}

// ctyType is t in go-cty's terms, which Terraform's JSON uses.
func (c *converter) ctyType(t tftypes.Type) cty.Type {
	switch {
	case t == nil:
	case t.Is(tftypes.String):
		return cty.String
	case t.Is(tftypes.Number):
		return cty.Number
	case t.Is(tftypes.Bool):
		return cty.Bool
	case t.Is(tftypes.DynamicPseudoType):
		return cty.DynamicPseudoType
	case t.Is(tftypes.List{}):
		return cty.List(c.ctyType(t.(tftypes.List).ElementType))
	case t.Is(tftypes.Set{}):
		return cty.Set(c.ctyType(t.(tftypes.Set).ElementType))
	case t.Is(tftypes.Map{}):
		return cty.Map(c.ctyType(t.(tftypes.Map).ElementType))
	case t.Is(tftypes.Object{}):
		o := t.(tftypes.Object)
		attrs := make(map[string]cty.Type, len(o.AttributeTypes))
		for name, at := range o.AttributeTypes {
			attrs[name] = c.ctyType(at)
		}
		if len(o.OptionalAttributes) > 0 {
			return cty.ObjectWithOptionalAttrs(attrs, slices.Collect(maps.Keys(o.OptionalAttributes)))
		}
		return cty.Object(attrs)
	case t.Is(tftypes.Tuple{}):
		elems := make([]cty.Type, 0, len(t.(tftypes.Tuple).ElementTypes))
		for _, et := range t.(tftypes.Tuple).ElementTypes {
			elems = append(elems, c.ctyType(et))
		}
		return cty.Tuple(elems)
	}
	c.errs = append(c.errs, fmt.Errorf("type %v has no go-cty equivalent here", t))
	return cty.NilType
}

func descriptionKind(k tfprotov6.StringKind) tfjson.SchemaDescriptionKind {
	if k == tfprotov6.StringKindMarkdown {
		return tfjson.SchemaDescriptionKindMarkdown
	}
	return tfjson.SchemaDescriptionKindPlain
}

var blockNesting = map[tfprotov6.SchemaNestedBlockNestingMode]tfjson.SchemaNestingMode{
	tfprotov6.SchemaNestedBlockNestingModeSingle: tfjson.SchemaNestingModeSingle,
	tfprotov6.SchemaNestedBlockNestingModeGroup:  tfjson.SchemaNestingModeGroup,
	tfprotov6.SchemaNestedBlockNestingModeList:   tfjson.SchemaNestingModeList,
	tfprotov6.SchemaNestedBlockNestingModeSet:    tfjson.SchemaNestingModeSet,
	tfprotov6.SchemaNestedBlockNestingModeMap:    tfjson.SchemaNestingModeMap,
}

var objectNesting = map[tfprotov6.SchemaObjectNestingMode]tfjson.SchemaNestingMode{
	tfprotov6.SchemaObjectNestingModeSingle: tfjson.SchemaNestingModeSingle,
	tfprotov6.SchemaObjectNestingModeList:   tfjson.SchemaNestingModeList,
	tfprotov6.SchemaObjectNestingModeSet:    tfjson.SchemaNestingModeSet,
	tfprotov6.SchemaObjectNestingModeMap:    tfjson.SchemaNestingModeMap,
}
