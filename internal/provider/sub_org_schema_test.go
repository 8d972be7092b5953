package provider

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// The nested schema carries every field of the wire type client.SubOrg under its JSON name, with a
// matching type, and nothing else: a field added to the contract fails here until it is exposed.
func TestSubOrgAttributes_matchWireType(t *testing.T) {
	compareSchemaToWire(t, "sub_org", subOrgAttributes(), reflect.TypeFor[client.SubOrg]())
}

func compareSchemaToWire(t *testing.T, at string, attributes map[string]schema.Attribute, wire reflect.Type) {
	t.Helper()
	fields := map[string]reflect.Type{}
	for i := range wire.NumField() {
		f := wire.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			fields[name] = f.Type
		}
	}
	for name := range attributes {
		if _, ok := fields[name]; !ok {
			t.Errorf("%s.%s is in the schema but not in %s", at, name, wire)
		}
	}
	for name, typ := range fields {
		path := at + "." + name
		attribute, ok := attributes[name]
		if !ok {
			t.Errorf("%s (%s) is missing from the schema", path, typ)
			continue
		}
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
		}
		var nested map[string]schema.Attribute
		switch a := attribute.(type) {
		case schema.SingleNestedAttribute:
			nested = a.Attributes
		case schema.ListNestedAttribute:
			nested = a.NestedObject.Attributes
		}
		want := map[reflect.Kind]reflect.Type{
			reflect.String:  reflect.TypeFor[schema.StringAttribute](),
			reflect.Bool:    reflect.TypeFor[schema.BoolAttribute](),
			reflect.Float64: reflect.TypeFor[schema.Float64Attribute](),
			reflect.Int64:   reflect.TypeFor[schema.Int64Attribute](),
		}[typ.Kind()]
		switch {
		case typ == reflect.TypeFor[time.Time]():
			if _, ok := attribute.(schema.StringAttribute); !ok {
				t.Errorf("%s is a time but its attribute is a %T", path, attribute)
			}
		case typ.Kind() == reflect.Struct && nested != nil:
			compareSchemaToWire(t, path, nested, typ)
		case want != reflect.TypeOf(attribute):
			t.Errorf("%s is a %s but its attribute is a %T", path, typ, attribute)
		}
	}
}

// What the API leaves out or sends as null stays null; times become RFC 3339 in UTC.
func TestNewSubOrgModel_nullsAndTimes(t *testing.T) {
	berlin := time.FixedZone("CEST", 2*60*60)
	got := newSubOrgModel(client.SubOrg{
		ID: "org_x", Name: "X", Plan: client.PlanFree,
		CreatedAt: time.Date(2024, 6, 1, 12, 0, 0, 500_000_000, berlin),
		Billing:   &client.Billing{SpendingCap: &client.SpendingCap{}},
		Features:  &client.Features{},
		Members: []client.SubOrgMember{
			{ID: "mem_1", Preferences: &client.MemberPreferences{}},
			{ID: "mem_2"},
		},
	})
	switch {
	case got.CreatedAt.ValueString() != "2024-06-01T10:00:00.5Z":
		t.Errorf("created_at = %s, want 2024-06-01T10:00:00.5Z", got.CreatedAt)
	case !got.LogoURL.IsNull():
		t.Errorf("logo_url = %s, want null", got.LogoURL)
	case got.Config != nil:
		t.Errorf("config = %+v, want null", got.Config)
	case got.Billing == nil || got.Billing.AutoRecharge != nil || got.Billing.PaymentMethod != nil:
		t.Errorf("billing = %+v, want auto_recharge and payment_method null", got.Billing)
	case !got.Billing.UseParentBalance.IsNull() || !got.Billing.LastLowBalanceNotificationAt.IsNull():
		t.Errorf("billing = %+v, want use_parent_balance and notification times null", got.Billing)
	case got.Billing.SpendingCap == nil || !got.Billing.SpendingCap.ResetAt.IsNull():
		t.Errorf("billing.spending_cap = %+v, want an object with reset_at null", got.Billing.SpendingCap)
	case !got.Features.CustomDomain.IsNull():
		t.Errorf("features.custom_domain = %s, want null", got.Features.CustomDomain)
	case len(got.Members) != 2 || got.Members[0].Preferences == nil || got.Members[0].Preferences.Notifications != nil:
		t.Errorf("members[0].preferences = %+v, want an object with notifications null", got.Members[0].Preferences)
	case got.Members[1].Preferences != nil || !got.Members[1].Avatar.IsNull() || !got.Members[1].SeenAt.IsNull():
		t.Errorf("members[1] = %+v, want preferences, avatar and seen_at null", got.Members[1])
	}
	if none := newSubOrgModel(client.SubOrg{ID: "org_y"}); none.Members != nil || none.Billing != nil || none.Features != nil {
		t.Errorf("a sub-organization without members, billing or features = %+v, want them null", none)
	}
}
