package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// claimRegistry records which object each create of one provider process makes, so that a second
// create of the same object in that process fails instead of taking it over. Objects are named by
// membershipObject and memberObject: the organization's own ID (c resolved), and the address without
// case, so that two spellings of one object are one claim. The API's join and invitation act on an
// existing object as on a new one, so neither the API nor a read made before the other create's write
// can tell the second create from the first.
//
// A provider process serves one walk of one Terraform command: the plan, or the apply (which plans
// each change again before applying it). Two CI jobs applying at once are two processes, which no
// registry can see. The zero value is ready to use.
type claimRegistry struct {
	mu     sync.Mutex
	claims map[string]string // object → the create that claimed it first, as its configuration names it
}

// claim records that claimant creates object, and returns true; or, when another create of this
// process claimed object first, returns that claimant and false.
func (r *claimRegistry) claim(object, claimant string) (first string, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if first, taken := r.claims[object]; taken {
		return first, false
	}
	if r.claims == nil {
		r.claims = map[string]string{}
	}
	r.claims[object] = claimant
	return "", true
}

// claimOrRefuse claims object for claimant in r, and otherwise adds the error that names both
// creates at the attribute at. what says what the object is, for the error.
func (r *claimRegistry) claimOrRefuse(object, claimant, what string, at path.Path, diags *diag.Diagnostics) bool {
	first, ok := r.claim(object, claimant)
	if !ok {
		diags.AddAttributeError(at, "Two resources create the same object",
			fmt.Sprintf("This resource (%s) and another one of this configuration (%s) both create %s. "+
				"The API would let both act on it, so that each would take the other's changes for drift "+
				"and undo them, and destroying either would remove it from under the other. Keep one of "+
				"the two resources.", claimant, first, what))
	}
	return ok
}

// resolvedOrgID is resolveOrgID that reports a failure in diags (ok false): what a create and its
// plan-time check need before they name their object or write.
func (d *providerData) resolvedOrgID(ctx context.Context, orgID string, diags *diag.Diagnostics) (string, bool) {
	resolved, err := d.resolveOrgID(ctx, orgID)
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Cannot resolve organization %q", orgID), err)
		return "", false
	}
	return resolved, true
}

// sameOrganization reports whether a and b, each an organization's ID or "c", name one organization;
// it resolves "c" only to compare it with an ID.
func (d *providerData) sameOrganization(ctx context.Context, a, b string) (bool, error) {
	if a == b || (a != orgShorthand && b != orgShorthand) {
		return a == b, nil
	}
	own, err := d.resolveOrgID(ctx, orgShorthand)
	return own == a || own == b, err
}

// refuseSecondKeeper records that a plan with a prior state keeps object (an ID in the organization
// orgID, as written), and fails the plan when another plan of this process keeps the same object:
// two resources that manage one object (imported twice, under "c" and under the organization's ID,
// or a member by address and by user ID) would each apply its own values and plan the other's as
// drift, on every run, and destroying either would remove the object from under the other. Creates
// are refused by claimRegistry; what names the object for the error.
func (d *providerData) refuseSecondKeeper(ctx context.Context, object, orgID, what string, diags *diag.Diagnostics) {
	first, ok := d.plannedKeeps.claim(object, orgID)
	if ok {
		return
	}
	same, err := d.sameOrganization(ctx, first, orgID)
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Cannot resolve organization %q", orgShorthand), err)
		return
	}
	if !same {
		return
	}
	org := orgID
	if org == orgShorthand {
		org = first // "c" in both, or the ID in the other
	}
	diags.AddError("Two resources manage the same object",
		fmt.Sprintf("This resource (org_id = %q) and another one of this configuration (org_id = %q) both manage %s "+
			"of organization %q. Each apply would set its own values and the next plan the other's, and destroying "+
			"either would remove it from under the other. Keep one of the two resources: take the other out of the "+
			"state with a removed block (removed { from = <address>  lifecycle { destroy = false } }) or terraform "+
			"state rm <address>. Nothing is applied.", orgID, first, what, org))
}

// membershipObject names the token's user's membership in subOrgID, a sub-organization of the
// organization orgID (its own ID, never c).
func membershipObject(orgID, subOrgID string) string {
	return "membership " + orgID + "/" + subOrgID
}

// memberObject names the member of the organization orgID (its own ID, never c) with address email,
// which is compared without case.
func memberObject(orgID, email string) string {
	return "member " + orgID + "/" + strings.ToLower(email)
}

// taintedHint ends the error of a create that refuses an existing object. Terraform plans the
// replacement of a tainted object as a plain create, with nothing that tells which object it
// replaces, so that case cannot be recognised (a -replace can, see keptObject).
const taintedHint = "\n\nIf the object is this resource's own, tainted one, run terraform untaint <address> " +
	"(then -replace=<address> if it must be replaced): Terraform plans a tainted object's replacement as a " +
	"new create, which cannot be told from one."

// keptObjectKey is the private state key under which a plan that keeps a resource's object records
// which object that is (keptObject).
const keptObjectKey = "kept_object"

// keptObject is the object that a plan with a prior state holds: its organization as written (c or
// an ID) and its ID in the organization (a sub-organization, or an address in lower case).
//
// Terraform plans the create half of a replacement (a change that requires replacement, -replace, a
// tainted object) in a second call with no prior state, passing the private state of the first call.
// That call finds the object being replaced still there, since it is removed only at apply: the
// record tells it that the object it finds is the one its destroy half removes, and not one that
// someone else made.
type keptObject struct {
	OrgID  string `json:"org_id"`
	Object string `json:"object"`
}

// recordKeptObject records obj in the planned private state of a plan that has a prior state. Update
// removes it again (forgetKeptObject), so that it never stays in the state.
func recordKeptObject(ctx context.Context, private privateState, obj keptObject, diags *diag.Diagnostics) {
	setPrivateJSON(ctx, private, keptObjectKey, obj, diags)
}

// forgetKeptObject removes the record of recordKeptObject from a private state that is about to be
// saved.
func forgetKeptObject(ctx context.Context, private privateState, diags *diag.Diagnostics) {
	setPrivateJSON(ctx, private, keptObjectKey, nil, diags)
}

// replacedObject is the object whose replacement a plan without prior state creates, as the first
// call of that replacement recorded it; ok is false for a plain create.
func replacedObject(ctx context.Context, private privateState, diags *diag.Diagnostics) (obj keptObject, ok bool) {
	if private == nil {
		return keptObject{}, false
	}
	return obj, getPrivateJSON(ctx, private, keptObjectKey, &obj, diags)
}

// replaces reports whether the create of object, named as membershipObject or memberObject name it,
// is the create half of the replacement of that same object.
func (d *providerData) replaces(ctx context.Context, private privateState, object string, name func(orgID, id string) string, diags *diag.Diagnostics) bool {
	replaced, ok := replacedObject(ctx, private, diags)
	if !ok {
		return false
	}
	orgID, err := d.resolveOrgID(ctx, replaced.OrgID)
	if err != nil {
		return false // then the check runs, and reports what it finds
	}
	return name(orgID, replaced.Object) == object
}
