package main

import (
	"encoding/json"
	"testing"
)

// The document has every resource and data source, and the identity of each resource that has one,
// in the shape of `terraform providers schema -json`.
func TestProviderSchemas(t *testing.T) {
	schemas, err := providerSchemas(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(schemas)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Schemas map[string]struct {
			Provider struct {
				Block struct {
					Attributes map[string]struct {
						Type      string `json:"type"`
						Sensitive bool   `json:"sensitive"`
					} `json:"attributes"`
				} `json:"block"`
			} `json:"provider"`
			Resources  map[string]json.RawMessage `json:"resource_schemas"`
			Identities map[string]struct {
				Attributes map[string]struct {
					Type              string `json:"type"`
					RequiredForImport bool   `json:"required_for_import"`
				} `json:"attributes"`
			} `json:"resource_identity_schemas"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	invent, ok := doc.Schemas["registry.terraform.io/hashicorp/invent"]
	if !ok {
		t.Fatalf("no schema for invent in %s", data)
	}
	if token := invent.Provider.Block.Attributes["api_token"]; token.Type != "string" || !token.Sensitive {
		t.Errorf("provider attribute api_token: %+v", token)
	}
	for resourceType, objectAttr := range map[string]string{
		"invent_sub_org_membership": "sub_org_id", "invent_invite_link": "invite_id", "invent_org_member": "user_id",
	} {
		if _, ok := invent.Resources[resourceType]; !ok {
			t.Errorf("no schema for %s", resourceType)
		}
		identity := invent.Identities[resourceType]
		for _, attr := range []string{"org_id", objectAttr} {
			if a := identity.Attributes[attr]; a.Type != "string" || !a.RequiredForImport {
				t.Errorf("%s identity attribute %s: %+v", resourceType, attr, a)
			}
		}
	}
}
