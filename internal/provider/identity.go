package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// orgShorthand is what the API reads as the organization the API key was created in.
const orgShorthand = "c"

// orgObjectIdentity is the resource identity of an object that belongs to one organization:
// org_id, the organization's own ID (never the shorthand c, so that an object has one identity
// whatever the configuration wrote), and the object's ID under a name of its own. Terraform 1.12+
// and OpenTofu 1.12+ import by it and record it in state; older clients ignore it.
type orgObjectIdentity struct {
	objectAttr        string // the object ID's attribute: sub_org_id, invite_id or user_id
	objectDescription string
}

func (i orgObjectIdentity) schema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"org_id": identityschema.StringAttribute{
				Description:       "The organization's own ID; `c` is resolved to the organization the API key was created in.",
				RequiredForImport: true,
			},
			i.objectAttr: identityschema.StringAttribute{
				Description:       i.objectDescription,
				RequiredForImport: true,
			},
		},
	}
}

// record sets identity to orgID's own ID and objectID, replacing what it held: for a create, and
// for an import, where a practitioner may have written c.
func (i orgObjectIdentity) record(ctx context.Context, data *providerData, identity *tfsdk.ResourceIdentity, orgID, objectID string, diags *diag.Diagnostics) {
	if identity == nil {
		return // the framework passes none when the resource has no identity schema
	}
	resolved, err := data.resolveOrgID(ctx, orgID)
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Cannot resolve organization %q for the resource identity", orgID), err)
		return
	}
	diags.Append(i.set(ctx, identity, resolved, objectID)...)
}

// set sets identity to orgID, which must be the organization's own ID already, and objectID.
func (i orgObjectIdentity) set(ctx context.Context, identity *tfsdk.ResourceIdentity, orgID, objectID string) diag.Diagnostics {
	diags := identity.SetAttribute(ctx, path.Root("org_id"), orgID)
	diags.Append(identity.SetAttribute(ctx, path.Root(i.objectAttr), objectID)...)
	return diags
}

// recordIfMissing sets identity when it holds none yet (a state written by a client or release that
// knew no identity) and otherwise leaves it: an identity never changes during a resource's life. A
// Read that removes the resource must still call it, or the framework reports a missing identity.
func (i orgObjectIdentity) recordIfMissing(ctx context.Context, data *providerData, identity *tfsdk.ResourceIdentity, orgID, objectID string, diags *diag.Diagnostics) {
	if identity != nil && identity.Raw.IsFullyNull() {
		i.record(ctx, data, identity, orgID, objectID, diags)
	}
}

// imported returns the organization and object IDs of an import by identity (ok false for an import
// by string ID, where the framework passes no identity).
func (i orgObjectIdentity) imported(ctx context.Context, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) (orgID, objectID string, ok bool) {
	if identity == nil || identity.Raw.IsFullyNull() {
		return "", "", false
	}
	var org, object types.String
	diags.Append(identity.GetAttribute(ctx, path.Root("org_id"), &org)...)
	diags.Append(identity.GetAttribute(ctx, path.Root(i.objectAttr), &object)...)
	if diags.HasError() {
		return "", "", false
	}
	if !apiIDPattern.MatchString(org.ValueString()) || !apiIDPattern.MatchString(object.ValueString()) {
		diags.AddError("Invalid import identity", fmt.Sprintf("The identity's org_id and %s must be IDs of letters, "+
			"digits, '_' and '-'; got org_id = %q, %s = %q.", i.objectAttr, org.ValueString(), i.objectAttr, object.ValueString()))
		return "", "", false
	}
	return org.ValueString(), object.ValueString(), true
}

// importParts returns the organization and object IDs to import: from the identity when imported by
// identity, else from the string ID, split with parseImportID into "org_id" and objectPart.
func (i orgObjectIdentity) importParts(ctx context.Context, id string, identity *tfsdk.ResourceIdentity, objectPart string, diags *diag.Diagnostics) (orgID, objectID string, ok bool) {
	if orgID, objectID, ok = i.imported(ctx, identity, diags); ok || diags.HasError() {
		return orgID, objectID, ok
	}
	parts, err := parseImportID(id, "org_id", objectPart)
	if err != nil {
		diags.AddError("Invalid import ID", err.Error())
		return "", "", false
	}
	return parts[0], parts[1], true
}

// resolveOrgID is orgID itself, or for the shorthand c the organization the API key was created
// in, as /users/me says (asked once per provider process).
func (d *providerData) resolveOrgID(ctx context.Context, orgID string) (string, error) {
	if orgID != orgShorthand {
		return orgID, nil
	}
	caller, err := d.currentUser(ctx)
	if err != nil {
		return "", err
	}
	if caller.OrgID == "" {
		return "", fmt.Errorf("GET /users/me did not say which organization the API key was created in (org_id), so %q cannot be resolved", orgShorthand)
	}
	return caller.OrgID, nil
}
