package provider

// Resource identity at the protocol level (Terraform 1.12+ and OpenTofu 1.12+ use it; the CLI of CI
// does not): the identity schemas, the identity in every create, read, update and import answer,
// and import by identity.

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// identityCase is one resource with identity and how to drive it.
type identityCase struct {
	typeName   string
	objectAttr string         // the identity's object ID attribute
	create     map[string]any // configuration with org_id = "c"
	update     map[string]any // the same with a changed role
	objectID   func(state map[string]any) string
	// removeOutside deletes the object behind Terraform's back.
	removeOutside func(ctx context.Context, api *client.Client, objectID string) error
}

var identityCases = []identityCase{
	{
		typeName:   "invent_sub_org_membership",
		objectAttr: "sub_org_id",
		create:     map[string]any{"org_id": "c", "sub_org_id": emulator.DefaultJoinableSubOrgID, "role": client.OrgRoleDeveloper},
		update:     map[string]any{"org_id": "c", "sub_org_id": emulator.DefaultJoinableSubOrgID, "role": client.OrgRoleManager},
		objectID:   func(state map[string]any) string { return state["sub_org_id"].(string) },
		removeOutside: func(ctx context.Context, api *client.Client, subOrgID string) error {
			return api.LeaveSubOrg(ctx, emulator.DefaultParentOrgID, subOrgID)
		},
	},
	{
		typeName:   "invent_invite_link",
		objectAttr: "invite_id",
		create:     map[string]any{"org_id": "c", "role": string(client.RoleRead)},
		update:     map[string]any{"org_id": "c", "role": string(client.RoleEdit)},
		objectID:   func(state map[string]any) string { return state["id"].(string) },
		removeOutside: func(ctx context.Context, api *client.Client, inviteID string) error {
			_, err := api.DeleteInviteLink(ctx, emulator.DefaultParentOrgID, inviteID)
			return err
		},
	},
	{
		typeName:   "invent_org_member",
		objectAttr: "user_id",
		create:     map[string]any{"org_id": "c", "email": "new.person@example.org", "role": string(client.RoleEdit)},
		update:     map[string]any{"org_id": "c", "email": "new.person@example.org", "role": string(client.RoleReview)},
		objectID:   func(state map[string]any) string { return state["user_id"].(string) },
		removeOutside: func(ctx context.Context, api *client.Client, userID string) error {
			_, err := api.RemoveMember(ctx, emulator.DefaultParentOrgID, userID)
			return err
		},
	},
}

func TestProtocolIdentitySchemas(t *testing.T) {
	e := newProtoEnv(t, protoOptions{})
	want := []string{"invent_invite_link", "invent_org_member", "invent_sub_org_membership"}
	if got := slices.Sorted(maps.Keys(e.identities)); !reflect.DeepEqual(got, want) {
		t.Errorf("resources with an identity schema: %v, want %v", got, want)
	}
	for _, c := range identityCases {
		s := e.identities[c.typeName]
		if s == nil {
			continue
		}
		var names []string
		for _, a := range s.IdentityAttributes {
			names = append(names, a.Name)
			if !a.RequiredForImport || a.OptionalForImport {
				t.Errorf("%s identity %s: RequiredForImport %v, OptionalForImport %v, want required", c.typeName, a.Name, a.RequiredForImport, a.OptionalForImport)
			}
			if a.Type == nil || !a.Type.Is(tftypes.String) {
				t.Errorf("%s identity %s has type %v, want string", c.typeName, a.Name, a.Type)
			}
			if a.Description == "" {
				t.Errorf("%s identity %s has no description", c.typeName, a.Name)
			}
		}
		slices.Sort(names)
		if want := sortedCopy([]string{"org_id", c.objectAttr}); !reflect.DeepEqual(names, want) {
			t.Errorf("%s identity attributes %v, want %v", c.typeName, names, want)
		}
	}
}

// TestProtocolIdentity follows each resource through create, refreshes, update, imports and a
// deletion outside Terraform: every answer carries the identity, with c resolved.
func TestProtocolIdentity(t *testing.T) {
	for _, c := range identityCases {
		t.Run(c.typeName, func(t *testing.T) {
			e := newProtoEnv(t, protoOptions{})
			created := e.create(c.typeName, c.create)
			state := e.state(created)
			if state["org_id"] != "c" {
				t.Errorf("state org_id = %v, want c as written", state["org_id"])
			}
			objectID := c.objectID(state)
			want := map[string]any{"org_id": emulator.DefaultParentOrgID, c.objectAttr: objectID}
			expectIdentity := func(step string, got map[string]any) {
				t.Helper()
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: identity %v, want %v", step, got, want)
				}
			}
			expectIdentity("create", e.identityMap(created))

			// A refresh with the identity set keeps it.
			read := e.read(created)
			expectIdentity("read with identity", e.identityOf(c.typeName, read.NewIdentity))
			if e.stateOf(c.typeName, read.NewState) == nil {
				t.Fatal("read with identity removed the resource")
			}

			// A state written by a client or release without identity gets one.
			older := created
			older.identity = nil
			read = e.read(older)
			expectIdentity("read of a state without identity", e.identityOf(c.typeName, read.NewIdentity))

			updated := e.apply(created, c.update)
			expectIdentity("update", e.identityMap(updated))
			if got := e.state(updated)["role"]; got != c.update["role"] {
				t.Errorf("update: role %v, want %v", got, c.update["role"])
			}

			imported, read := e.importResource(c.typeName, compositeID("c", objectID), nil)
			expectIdentity("import by ID", e.identityMap(imported))
			expectIdentity("read after import by ID", e.identityOf(c.typeName, read.NewIdentity))

			for _, org := range []string{"c", emulator.DefaultParentOrgID} {
				imported, read = e.importResource(c.typeName, "", map[string]any{"org_id": org, c.objectAttr: objectID})
				expectIdentity("import by identity with org_id "+org, e.identityMap(imported))
				expectIdentity("read after import by identity with org_id "+org, e.identityOf(c.typeName, read.NewIdentity))
				got := e.stateOf(c.typeName, read.NewState)
				if got["org_id"] != org || got["role"] != c.update["role"] {
					t.Errorf("imported by identity with org_id %s: org_id %v, role %v; want %s, %v", org, got["org_id"], got["role"], org, c.update["role"])
				}
			}

			// Gone outside Terraform: the refresh removes it, without an error, and still answers
			// the identity (the framework requires one), also for a state that had none yet.
			if err := c.removeOutside(t.Context(), e.admin, objectID); err != nil {
				t.Fatal(err)
			}
			for _, inst := range []protoInstance{updated, older} {
				read = e.read(inst)
				if got := e.stateOf(c.typeName, read.NewState); got != nil {
					t.Errorf("read after deletion outside Terraform: state %v, want the resource removed", got)
				}
				expectIdentity("read after deletion outside Terraform", e.identityOf(c.typeName, read.NewIdentity))
			}
		})
	}
}

// TestProtocolImportByIdentityErrors: an identity that names nothing, or is malformed, is an
// error of its own, not a panic or an empty import.
func TestProtocolImportByIdentityErrors(t *testing.T) {
	e := newProtoEnv(t, protoOptions{})
	for _, tc := range []struct {
		typeName string
		identity map[string]any
		want     string
	}{
		{"invent_sub_org_membership", map[string]any{"org_id": "c", "sub_org_id": emulator.DefaultJoinableSubOrgID}, "Nothing to import"},
		{"invent_org_member", map[string]any{"org_id": "c", "user_id": "usr_nobody"}, "Nothing to import"},
		{"invent_invite_link", map[string]any{"org_id": "c/x", "invite_id": "inv_1"}, "Invalid import identity"},
	} {
		resp := e.tryImport(tc.typeName, "", tc.identity)
		if got := errorDiagnostics(resp.Diagnostics); !messageRegexp(tc.want).MatchString(got) {
			t.Errorf("%s import by %v: errors %q, want %q", tc.typeName, tc.identity, got, tc.want)
		}
	}
}
