package provider

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Two exclusive resources of one kind that declare the same organization's set would each plan the
// other's objects as removals, and the order of the apply would decide which stay. exclusiveClaims
// finds them within one plan: every exclusive resource that is created or kept claims its
// organization as it is planned, and a second claimant of the same organization, once "c" is
// resolved, fails the plan. It sees the claims of one provider process, which is one provider
// configuration in one plan (or apply): claims in other state files, or through other provider
// configurations, cannot be seen.
//
// ModifyPlan is not told which resource instance it plans, and Terraform plans a replaced instance
// twice: with its prior state, then as a create. So the claimant is a random token that the first
// planning of an instance leaves in its planned private state, which Terraform hands to the second.

// claimantPrivateKey is the private state key of the claimant token; it lives from plan to apply only.
const claimantPrivateKey = "plan_claimant"

// exclusiveClaims are the organizations claimed in this provider process, by resource type.
type exclusiveClaims struct {
	mu     sync.Mutex
	claims map[string][]orgClaim
}

// orgClaim is one claimant's claim of an organization, as written (perhaps "c").
type orgClaim struct {
	orgID, claimant string
}

// add records the claim and returns every claim of resourceType by another claimant.
func (c *exclusiveClaims) add(resourceType string, claim orgClaim) []orgClaim {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.claims == nil {
		c.claims = map[string][]orgClaim{}
	}
	var others []orgClaim
	known := false
	for _, other := range c.claims[resourceType] {
		switch {
		case other == claim:
			known = true
		case other.claimant != claim.claimant:
			others = append(others, other)
		}
	}
	if !known {
		c.claims[resourceType] = append(c.claims[resourceType], claim)
	}
	return others
}

// claimOrganization claims orgID for the instance being planned, whose prior private state is prior
// and planned private state planned, and fails the plan when another instance of the same type
// claims the same organization.
func (r *exclusiveResource[T]) claimOrganization(ctx context.Context, orgID string, prior, planned privateState, diags *diag.Diagnostics) {
	k := r.kind
	claimant := privateString(ctx, prior, claimantPrivateKey, diags)
	if claimant == "" {
		claimant = rand.Text()
	}
	setPrivateString(ctx, planned, claimantPrivateKey, claimant, diags)
	if diags.HasError() {
		return
	}
	for _, other := range r.data.claims.add(k.resourceType, orgClaim{orgID: orgID, claimant: claimant}) {
		same, spelled := other.orgID == orgID, ""
		if !same && (other.orgID == orgShorthand || orgID == orgShorthand) {
			own, err := r.data.resolveOrgID(ctx, orgShorthand)
			if err != nil {
				addAPIError(diags, fmt.Sprintf("Cannot resolve organization %q", orgShorthand), err)
				return
			}
			same = own == orgID || own == other.orgID
			orgID, spelled = own, ` (written "c" in one of them)`
		}
		if same {
			diags.AddError(fmt.Sprintf("Two %s resources claim one organization", k.resourceType),
				fmt.Sprintf("Another %s planned with this provider configuration also declares the complete set of %s "+
					"of organization %q%s. Each would plan the other's %s to be %s, and the order of the apply "+
					"would decide which stay.\n\nDeclare each organization's %s in one %s. Nothing is applied.",
					k.resourceType, k.many, orgID, spelled, k.many, k.done, k.many, k.resourceType))
			return
		}
	}
}
