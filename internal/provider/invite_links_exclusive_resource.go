package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = &inviteLinksExclusiveResource{}
	_ resource.ResourceWithModifyPlan  = &inviteLinksExclusiveResource{}
	_ resource.ResourceWithImportState = &inviteLinksExclusiveResource{}
)

// NewInviteLinksExclusiveResource is the resource invent_invite_links_exclusive.
func NewInviteLinksExclusiveResource() resource.Resource {
	return &inviteLinksExclusiveResource{exclusiveResource[client.InviteLink]{kind: inviteLinksExclusive}}
}

// inviteLinksExclusiveResource declares the complete set of an organization's organization-wide
// invite links.
type inviteLinksExclusiveResource struct {
	exclusiveResource[client.InviteLink]
}

// inviteLinksExclusive is what invent_invite_links_exclusive governs: the organization-wide links, the
// only ones the API lists.
var inviteLinksExclusive = &exclusiveKind[client.InviteLink]{
	resourceType: "invent_invite_links_exclusive",
	attribute:    "invite_ids",
	one:          "invite link",
	many:         "invite links",
	verb:         "revoke",
	done:         "revoked",
	secretIDs:    true,
	notOne:       "an organization-wide invite link",
	notOneHint: "invent_invite_links_exclusive never creates a link: create each with an invent_invite_link " +
		"and list its id, or take the ID out of invite_ids. Space and collection links are not " +
		"organization-wide and do not belong here.",
	listSummary: "Cannot list the invite links",
	list: func(ctx context.Context, api *client.Client, orgID string) ([]client.InviteLink, error) {
		return api.ListInviteLinks(ctx, orgID)
	},
	id: func(l client.InviteLink) string { return l.ID },
	describe: func(l client.InviteLink) string {
		return fmt.Sprintf("%s, role %s", client.MaskInviteID(l.ID), l.EffectiveRole())
	},
	removeOne: func(ctx context.Context, api *client.Client, orgID string, l client.InviteLink, diags *diag.Diagnostics) bool {
		// 205 (revoked) and 204 (gone already) are both fine.
		if _, err := api.DeleteInviteLink(ctx, orgID, l.ID); err != nil {
			addAPIError(diags, fmt.Sprintf("Cannot revoke invite link %s", client.MaskInviteID(l.ID)), err)
			return false
		}
		return true
	},
}

func (r *inviteLinksExclusiveResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_invite_links_exclusive"
}

func (r *inviteLinksExclusiveResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = inviteLinksExclusive.schema(ctx,
		"The complete set of organization-wide invite links of an organization, by "+
			"invite ID (the `_exclusive` pattern). A refresh records every organization-wide link "+
			"(`GET /orgs/{org_id}/link-invites`, every page; the API lists no space or collection links, so "+
			"this resource leaves those alone), so a plan shows each link outside `invite_ids` as a change "+
			"of `invite_ids`, with one warning that names them (fingerprint and role: the IDs are sensitive), "+
			"and apply revokes exactly those. It never creates a link: create links with `invent_invite_link` "+
			"and list their `id`s here.\n\n"+
			"When `invite_ids` is known only at apply, the plan's warning names every link the apply may "+
			"revoke: every current link that the known part of `invite_ids` does not list; the apply revokes "+
			"none but those. One organization has one `invent_invite_links_exclusive`: a second one of the "+
			"same organization (`c` resolved) in the same plan fails it (only resources of the same provider "+
			"configuration are compared).\n\n"+
			"Creating the resource revokes nothing: if the organization has links outside `invite_ids`, "+
			"creation fails, names them, and shows the `import` block (`id` = the organization's ID) that "+
			"adopts the current links, so that the next plan shows their revocation for review. The plan fails "+
			"so already when those links outnumber the elements of `invite_ids` unknown at plan time (with "+
			"`plan_checks`); otherwise the apply checks. Destroying "+
			"the resource revokes nothing either: it only stops enforcing the set. Links created outside "+
			"Terraform show only in a plan that refreshes: `terraform plan -refresh=false` shows none, and "+
			"apply revokes only what its plan showed.",
		"The invite IDs of every organization-wide link the organization may have. Each must be an "+
			"organization-wide link of the organization already: an ID that is not is an error before "+
			"anything is revoked. Sensitive, as each ID lets anyone signed in join the organization: plans "+
			"show `(sensitive value)` and messages show IDs by their last 4 characters.")
}
