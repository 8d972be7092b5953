package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"
)

// The JSON is what tfplugindocs reads: valid, under the address it looks up, with the list
// resources and identity schemas that an older Terraform CLI would leave out, and a description
// on every attribute, since each becomes a line of docs/.
func TestProvidersSchema(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatal(err)
	}
	var schemas tfjson.ProviderSchemas
	if err := json.Unmarshal(out.Bytes(), &schemas); err != nil {
		t.Fatal(err)
	}
	if err := schemas.Validate(); err != nil {
		t.Fatal(err)
	}
	ps := schemas.Schemas[providerAddress]
	if ps == nil {
		t.Fatalf("no schema under %s", providerAddress)
	}
	withIdentity := []string{"invent_invite_link", "invent_org_member", "invent_sub_org_membership"}
	if got := slices.Sorted(maps.Keys(ps.ListResourceSchemas)); !reflect.DeepEqual(got, withIdentity) {
		t.Errorf("list resources %v, want %v", got, withIdentity)
	}
	if got := slices.Sorted(maps.Keys(ps.ResourceIdentitySchemas)); !reflect.DeepEqual(got, withIdentity) {
		t.Errorf("identity schemas %v, want %v", got, withIdentity)
	}

	undescribed := func(kind, name string, attrs map[string]*tfjson.SchemaAttribute) {
		for attr, a := range attrs {
			if a.Description == "" {
				t.Errorf("%s %s: attribute %s has no description", kind, name, attr)
			}
			if a.AttributeNestedType == nil && a.AttributeType.Equals(cty.NilType) {
				t.Errorf("%s %s: attribute %s has no type", kind, name, attr)
			}
		}
	}
	undescribed("provider", "invent", ps.ConfigSchema.Block.Attributes)
	for kind, all := range map[string]map[string]*tfjson.Schema{
		"resource": ps.ResourceSchemas, "data source": ps.DataSourceSchemas, "list resource": ps.ListResourceSchemas,
	} {
		for name, s := range all {
			if s.Block.Description == "" {
				t.Errorf("%s %s has no description", kind, name)
			}
			undescribed(kind, name, s.Block.Attributes)
		}
	}
	for name, s := range ps.ResourceIdentitySchemas {
		for attr, a := range s.Attributes {
			if a.Description == "" || !a.RequiredForImport {
				t.Errorf("identity of %s: attribute %s: description %q, required for import %v", name, attr, a.Description, a.RequiredForImport)
			}
		}
	}
	if got := ps.ResourceSchemas["invent_invite_link"].Block.NestedBlocks["timeouts"]; got == nil || got.NestingMode != tfjson.SchemaNestingModeSingle {
		t.Errorf("timeouts block of invent_invite_link: %+v", got)
	}
}
