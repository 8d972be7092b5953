package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = &orgMembersExclusiveResource{}
	_ resource.ResourceWithModifyPlan  = &orgMembersExclusiveResource{}
	_ resource.ResourceWithImportState = &orgMembersExclusiveResource{}
)

// NewOrgMembersExclusiveResource is the resource invent_org_members_exclusive.
func NewOrgMembersExclusiveResource() resource.Resource {
	return &orgMembersExclusiveResource{exclusiveResource[client.Member]{kind: orgMembersExclusive}}
}

// orgMembersExclusiveResource declares the complete set of an organization's members.
type orgMembersExclusiveResource struct {
	exclusiveResource[client.Member]
}

// orgMembersExclusive is what invent_org_members_exclusive governs: the organization's members, less
// the API token's own, which belongs to the set implicitly and is never removed.
var orgMembersExclusive = &exclusiveKind[client.Member]{
	resourceType: "invent_org_members_exclusive",
	attribute:    "user_ids",
	one:          "member",
	many:         "members",
	verb:         "remove",
	done:         "removed",
	notOne:       "a member",
	notOneHint: "invent_org_members_exclusive never adds a member: invite each with an invent_org_member " +
		"and list its user_id, or take the ID out of user_ids.",
	listSummary: "Cannot list the organization's members",
	list: func(ctx context.Context, api *client.Client, orgID string) ([]client.Member, error) {
		return api.ListMembers(ctx, orgID, client.MemberFilter{})
	},
	id: func(m client.Member) string { return m.ID },
	describe: func(m client.Member) string {
		return fmt.Sprintf("%s (%s), role %s", m.User.Email, m.ID, m.Role)
	},
	implicit: func(ctx context.Context, d *providerData) (string, error) {
		caller, err := d.currentUser(ctx)
		if err != nil {
			return "", err
		}
		return caller.ID, nil
	},
	removeOne: removeExcludedMember,
	checkKept: keepAnAdmin,
}

func (r *orgMembersExclusiveResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_org_members_exclusive"
}

func (r *orgMembersExclusiveResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = orgMembersExclusive.schema(ctx,
		"The complete set of members of an organization, by user ID (the `_exclusive` "+
			"pattern). A refresh records every member (`GET /orgs/{org_id}/members`, every page), so a plan "+
			"shows each member outside `user_ids` as a change of `user_ids`, with one warning that names them "+
			"(email and role), and apply removes exactly those (`DELETE /orgs/{org_id}/members/{user_id}`, "+
			"which needs the API token of an ADMIN). It never adds a member: invite members with "+
			"`invent_org_member` and list their `user_id`s here.\n\n"+
			"When `user_ids` is known only at apply (it depends on something that is created or read then), "+
			"the plan's warning names every member the apply may remove: every current member that the known "+
			"part of `user_ids` does not list. The apply removes none but those, and only those that the final "+
			"list leaves out. A plan that would leave the organization without an ACTIVE member of content role "+
			"`admin` fails, judged on that worst case when the list is not fully known (DISABLED and INVITED "+
			"admins cannot act, so they do not count).\n\n"+
			"The API token's own member belongs to the set without being listed and is never removed; taking it "+
			"out of `user_ids` shows in the diff, and a warning says it stays. The resource records in its "+
			"private state which member it kept so, at each create, import and update: a plan made with another "+
			"user's token (another admin, a new CI key) that would remove that member fails, naming it, until "+
			"`user_ids` lists it (the next apply then records the new token's user) or the plan runs with the "+
			"token that applied the set. A set applied by an earlier release records the member at its next "+
			"update.\n\n"+
			"One organization has one `invent_org_members_exclusive`: a second one of the same organization "+
			"(`c` resolved) in the same plan fails it. Only resources of the same provider configuration are "+
			"compared: one in another state file, or under another provider configuration, cannot be seen.\n\n"+
			"Creating the resource removes nobody: if the organization has members outside `user_ids`, "+
			"creation fails, names them, and shows the `import` block (`id` = the organization's ID) that "+
			"adopts the current members, so that the next plan shows their removal for review. The plan fails "+
			"so already when those members outnumber the elements of `user_ids` unknown at plan time (with "+
			"`plan_checks`); otherwise the apply checks. Destroying "+
			"the resource removes nobody either: it only stops enforcing the set. Members added outside "+
			"Terraform show only in a plan that refreshes: `terraform plan -refresh=false` shows none, and "+
			"apply removes only what its plan showed.",
		"The user IDs of every member the organization may have. Each must be a member already: an ID "+
			"that is not is an error before anything is removed. The API token's own user need not be listed.")
}

// removeExcludedMember removes one member outside user_ids. A 204 (no longer a member) is fine; a 202
// means the token's user is no ADMIN and nothing was removed, so no further removal is tried.
func removeExcludedMember(ctx context.Context, api *client.Client, orgID string, m client.Member, diags *diag.Diagnostics) bool {
	summary := fmt.Sprintf("Cannot remove %s from the organization", m.User.Email)
	result, err := api.RemoveMember(ctx, orgID, m.ID)
	switch {
	case client.IsConflict(err):
		diags.AddAttributeError(path.Root("user_ids"), summary, err.Error()+"\n\nThe member is the "+
			"organization's last admin, and an organization must keep one. Make another member admin first, "+
			"or keep this one in user_ids.")
		return false
	case err != nil:
		addAPIError(diags, summary, err)
		return false
	case result == client.RemovalRequested:
		diags.AddError(summary, fmt.Sprintf("The API answered 202 Accepted: the API token's user is not an "+
			"ADMIN of organization %q, so the API only sent a removal request to the organization's admins "+
			"and removed nobody. %s (user %s) is still a member, Terraform keeps it in user_ids, and no further "+
			"member was removed.\n\nRemoving members needs an ADMIN token: run again with the API token of "+
			"an ADMIN of the organization.", orgID, m.User.Email, m.ID))
		return false
	}
	return true
}

// keepAnAdmin refuses removals that would leave the organization without an ACTIVE member of content
// role admin: the API refuses to remove the last one anyway, after the others are gone, and a DISABLED
// or INVITED admin cannot act. certain is false when removed is the worst case of a list known only
// at apply.
func keepAnAdmin(orgID string, kept, removed []client.Member, certain bool, diags *diag.Diagnostics) {
	var admins []string
	for _, m := range kept {
		if m.Role == client.RoleAdmin && m.Status == client.MemberStatusActive {
			return
		}
	}
	for _, m := range removed {
		if m.Role == client.RoleAdmin {
			admins = append(admins, fmt.Sprintf("%s (%s)", m.User.Email, m.ID))
		}
	}
	if len(admins) == 0 {
		return // the organization had no admin to lose
	}
	would, removes := "This plan would leave", "it removes"
	if !certain {
		would, removes = "With user_ids known only at apply, this plan could leave", "it may remove"
	}
	diags.AddAttributeError(path.Root("user_ids"), "Refusing to remove every admin of the organization",
		fmt.Sprintf("%s organization %q without an active member of content role admin: %s %s, and no member "+
			"it keeps is an ACTIVE admin (a DISABLED or INVITED admin cannot act). An organization must keep an "+
			"admin (the API refuses to remove the last one), and without one nobody could manage its members.\n\n"+
			"Keep at least one active admin in user_ids. Nothing is applied.", would, orgID, removes, strings.Join(admins, ", ")))
}
