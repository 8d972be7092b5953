// Command providerschema writes the provider's schemas as `terraform providers schema -json` would,
// resource identities and list resources included, for tfplugindocs (`make docs` passes it with
// --providers-schema). It asks the provider itself, in process, so the docs show what Terraform
// 1.12+ and 1.14+ see whichever CLI is installed: the CLI in CI knows neither identity nor list
// resources, and would leave them out.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/orgkit/terraform-provider-invent/internal/provider"
)

func main() {
	out := flag.String("o", "", "write the JSON here instead of standard output")
	flag.Parse()
	if err := run(context.Background(), *out); err != nil {
		fmt.Fprintln(os.Stderr, "providerschema:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out string) error {
	schemas, err := providerSchemas(ctx)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(schemas, "", "  ")
	if err != nil {
		return err
	}
	if out == "" {
		_, err = os.Stdout.Write(append(data, '\n'))
		return err
	}
	return os.WriteFile(out, append(data, '\n'), 0o644)
}

// providerSchemas is the JSON document of `terraform providers schema -json` for this provider alone.
func providerSchemas(ctx context.Context) (map[string]any, error) {
	server, err := provider.NewProtocol6("docs")()
	if err != nil {
		return nil, err
	}
	resp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, err
	}
	identities, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return nil, err
	}
	if err := diagnosticsError(append(resp.Diagnostics, identities.Diagnostics...)); err != nil {
		return nil, err
	}
	schema := map[string]any{
		"provider":              schemaJSON(resp.Provider),
		"resource_schemas":      schemasJSON(resp.ResourceSchemas),
		"data_source_schemas":   schemasJSON(resp.DataSourceSchemas),
		"list_resource_schemas": schemasJSON(resp.ListResourceSchemas),
	}
	identityJSON := map[string]any{}
	for name, identity := range identities.IdentitySchemas {
		attrs := map[string]any{}
		for _, a := range identity.IdentityAttributes {
			attrs[a.Name] = omitEmpty(map[string]any{
				"type": a.Type, "description": a.Description,
				"required_for_import": a.RequiredForImport, "optional_for_import": a.OptionalForImport,
			})
		}
		identityJSON[name] = map[string]any{"version": identity.Version, "attributes": attrs}
	}
	schema["resource_identity_schemas"] = identityJSON
	return map[string]any{
		"format_version":   "1.0",
		"provider_schemas": map[string]any{"registry.terraform.io/hashicorp/invent": schema},
	}, nil
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

func schemasJSON(schemas map[string]*tfprotov6.Schema) map[string]any {
	out := map[string]any{}
	for name, s := range schemas {
		out[name] = schemaJSON(s)
	}
	return out
}

func schemaJSON(s *tfprotov6.Schema) map[string]any {
	return map[string]any{"version": s.Version, "block": blockJSON(s.Block)}
}

func blockJSON(b *tfprotov6.SchemaBlock) map[string]any {
	attrs := map[string]any{}
	for _, a := range b.Attributes {
		attrs[a.Name] = attributeJSON(a)
	}
	blocks := map[string]any{}
	for _, nb := range b.BlockTypes {
		blocks[nb.TypeName] = omitEmpty(map[string]any{
			"nesting_mode": nestingMode(nb.Nesting.String()), "block": blockJSON(nb.Block),
			"min_items": nb.MinItems, "max_items": nb.MaxItems,
		})
	}
	return omitEmpty(map[string]any{
		"attributes": attrs, "block_types": blocks, "description": b.Description,
		"description_kind": descriptionKind(b.DescriptionKind), "deprecated": b.Deprecated,
	})
}

func attributeJSON(a *tfprotov6.SchemaAttribute) map[string]any {
	out := map[string]any{
		"description": a.Description, "description_kind": descriptionKind(a.DescriptionKind),
		"deprecated": a.Deprecated, "required": a.Required, "optional": a.Optional, "computed": a.Computed,
		"sensitive": a.Sensitive, "write_only": a.WriteOnly,
	}
	if a.NestedType != nil {
		attrs := map[string]any{}
		for _, nested := range a.NestedType.Attributes {
			attrs[nested.Name] = attributeJSON(nested)
		}
		out["nested_type"] = map[string]any{"attributes": attrs, "nesting_mode": nestingMode(a.NestedType.Nesting.String())}
	} else {
		out["type"] = a.Type
	}
	return omitEmpty(out)
}

// nestingMode is the JSON spelling of a protocol nesting mode ("SINGLE" is "single").
func nestingMode(protocol string) string {
	switch protocol {
	case "SINGLE":
		return "single"
	case "GROUP":
		return "group"
	case "LIST":
		return "list"
	case "SET":
		return "set"
	case "MAP":
		return "map"
	}
	return ""
}

func descriptionKind(kind tfprotov6.StringKind) string {
	if kind == tfprotov6.StringKindMarkdown {
		return "markdown"
	}
	return "plain"
}

// omitEmpty drops zero values, as Terraform's own JSON does.
func omitEmpty(m map[string]any) map[string]any {
	for k, v := range m {
		switch v := v.(type) {
		case string:
			if v == "" {
				delete(m, k)
			}
		case bool:
			if !v {
				delete(m, k)
			}
		case int64:
			if v == 0 {
				delete(m, k)
			}
		case map[string]any:
			if len(v) == 0 {
				delete(m, k)
			}
		}
	}
	return m
}
