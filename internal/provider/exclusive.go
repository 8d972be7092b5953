package provider

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// The exclusive resources (AWS's `_exclusive` pattern) declare the complete set of an organization's
// objects of one kind by ID: a refresh records what exists, so that a plan shows every object outside
// the configured set as a change, and apply removes exactly those. They never create an object, a
// create removes nothing (it could not show the removals for review) and a destroy only stops
// enforcing. exclusiveResource is their shared behaviour; exclusiveKind is what differs.

// exclusiveKind describes the objects one exclusive resource governs.
type exclusiveKind[T any] struct {
	resourceType string // e.g. invent_org_members_exclusive
	attribute    string // the list of IDs, e.g. user_ids
	one, many    string // the object in the singular and plural: "member", "members"
	verb, done   string // what apply does to an object outside the set: "remove", "removed"
	// secretIDs says the IDs grant access (invite links): the attribute is sensitive, and messages and
	// logs show an ID only masked (client.MaskInviteID).
	secretIDs bool
	// notOne is what every listed ID must be ("a member"), and notOneHint what to do about one that
	// is not.
	notOne, notOneHint string
	listSummary        string // the error summary of a failed listing

	list     func(ctx context.Context, api *client.Client, orgID string) ([]T, error)
	id       func(T) string
	describe func(T) string // one line of a diagnostic's list
	// implicit, when set, is the ID that belongs to the set without being listed and is never removed:
	// the API token's user's. Create, import and update record it in private state (the schema stays
	// as it is), so that a plan made with another user's token knows whom the set kept implicitly.
	implicit func(ctx context.Context, d *providerData) (string, error)
	// removeOne removes item. It reports false, with an error in diags, when the removal failed or
	// did nothing, and no further removal should be tried.
	removeOne func(ctx context.Context, api *client.Client, orgID string, item T, diags *diag.Diagnostics) bool
	// checkKept, when set, refuses at plan time a plan whose removals would leave kept unfit; certain
	// is false when the removals are a worst case (the list is not fully known at plan time).
	checkKept func(orgID string, kept, removed []T, certain bool, diags *diag.Diagnostics)
}

// implicitPrivateKey is the private state key of the ID the last create, import or update kept
// implicitly.
const implicitPrivateKey = "implicit_id"

// exclusiveResource is the behaviour both exclusive resources share; each embeds it and adds its
// Metadata, Schema and Configure.
type exclusiveResource[T any] struct {
	data *providerData
	kind *exclusiveKind[T]
}

// exclusiveValues are the attributes every exclusive resource has, read from a plan or a state.
type exclusiveValues struct {
	orgID    types.String
	list     types.List // the attribute's value
	ids      []string   // its known elements
	unknown  int        // how many of its elements are unknown
	timeouts timeouts.Value
}

func (k *exclusiveKind[T]) values(ctx context.Context, from interface {
	GetAttribute(context.Context, path.Path, any) diag.Diagnostics
}, diags *diag.Diagnostics,
) exclusiveValues {
	var v exclusiveValues
	diags.Append(from.GetAttribute(ctx, path.Root("org_id"), &v.orgID)...)
	diags.Append(from.GetAttribute(ctx, path.Root(k.attribute), &v.list)...)
	diags.Append(from.GetAttribute(ctx, path.Root("timeouts"), &v.timeouts)...)
	if !v.list.IsNull() && !v.list.IsUnknown() {
		v.ids, v.unknown = idsOf(v.list)
	}
	return v
}

// count is n objects, in the singular or the plural.
func (k *exclusiveKind[T]) count(n int) string {
	if n == 1 {
		return "1 " + k.one
	}
	return fmt.Sprintf("%d %s", n, k.many)
}

// show is id as messages and logs may show it.
func (k *exclusiveKind[T]) show(id string) string {
	if k.secretIDs {
		return client.MaskInviteID(id)
	}
	return id
}

func (k *exclusiveKind[T]) byID(items []T) map[string]T {
	m := make(map[string]T, len(items))
	for _, item := range items {
		m[k.id(item)] = item
	}
	return m
}

func (k *exclusiveKind[T]) implicitID(ctx context.Context, d *providerData, diags *diag.Diagnostics) string {
	if k.implicit == nil {
		return ""
	}
	id, err := k.implicit(ctx, d)
	if err != nil {
		addAPIError(diags, "Cannot identify the API token's user", err)
	}
	return id
}

// notListedError reports the listed IDs that are not of the kind, before anything is removed.
func (k *exclusiveKind[T]) notListedError(diags *diag.Diagnostics, orgID string, ids []string, outcome string) {
	what := "IDs that are not"
	if len(ids) == 1 {
		what = "an ID that is not"
	}
	shown := make([]string, len(ids))
	for i, id := range ids {
		shown[i] = k.show(id)
	}
	diags.AddAttributeError(path.Root(k.attribute), fmt.Sprintf("Not %s of the organization", k.many),
		fmt.Sprintf("%s lists %s %s of organization %q:\n\n%s\n\n%s %s",
			k.attribute, what, k.notOne, orgID, bulletList(shown), k.notOneHint, outcome))
}

// outside is the description of each of items that ids does not list, other than implicit.
func (k *exclusiveKind[T]) outside(items []T, ids []string, implicit string) []string {
	listed := idSet(ids)
	var extras []string
	for _, item := range items {
		if id := k.id(item); !listed[id] && id != implicit {
			extras = append(extras, k.describe(item))
		}
	}
	return extras
}

// outsideError refuses a create while objects outside the set exist: a create's plan has no prior
// state, so it cannot show their removal for review.
func (k *exclusiveKind[T]) outsideError(diags *diag.Diagnostics, orgID string, extras []string, outcome string) {
	diags.AddAttributeError(path.Root(k.attribute),
		fmt.Sprintf("The organization has %s outside %s", k.many, k.attribute),
		fmt.Sprintf("Organization %q has %s that %s does not list:\n\n%s\n\n"+
			"Creating %s %ss nothing: a create's plan has no prior state, so it cannot show these as "+
			"changes for review. %s To keep them, add their IDs to %s. ",
			orgID, k.count(len(extras)), k.attribute, bulletList(extras), k.resourceType, k.verb, outcome, k.attribute)+
			adoptByImportBlock(k.resourceType, orgID, fmt.Sprintf("which shows each %s it would %s as a "+
				"change of %s and names them in a warning", k.one, k.verb, k.attribute)))
}

// recorded is the ID that the last create, import or update kept implicitly, from private state ("":
// none recorded, as in a state written before the record existed).
func (k *exclusiveKind[T]) recorded(ctx context.Context, private privateState, diags *diag.Diagnostics) string {
	if k.implicit == nil {
		return ""
	}
	return privateString(ctx, private, implicitPrivateKey, diags)
}

// recordApplied records in the private state of a create, import or update the ID it kept
// implicitly, and drops the plan's claimant.
func (k *exclusiveKind[T]) recordApplied(ctx context.Context, private privateState, implicit string, diags *diag.Diagnostics) {
	if k.implicit != nil {
		setPrivateString(ctx, private, implicitPrivateKey, implicit, diags)
	}
	setPrivateString(ctx, private, claimantPrivateKey, "", diags)
}

// orphaned reports whether the recorded implicit ID would leave the set: the API token is another
// user's now, and ids does not list it.
func orphaned(recorded, implicit string, ids []string) bool {
	return recorded != "" && recorded != implicit && !slices.Contains(ids, recorded)
}

// orphanedError refuses a plan or apply, made with the token of another user than the one that
// applied the set, that would remove the member the set kept implicitly.
func (k *exclusiveKind[T]) orphanedError(diags *diag.Diagnostics, orgID string, kept T, implicit, outcome string) {
	id := k.id(kept)
	diags.AddAttributeError(path.Root(k.attribute),
		fmt.Sprintf("The %s kept implicitly would be %s", k.one, k.done),
		fmt.Sprintf("%s keeps a %s of organization %q implicitly: %s, the API token's own %s for the last create, "+
			"import or update of this set, which %s does not list. This run uses the API token of another user "+
			"(%s), whose own %s is the one kept implicitly now, so %s would be %s.\n\n"+
			"To keep it, add %q to %s: the next apply then records %s as the %s kept implicitly. Or run with the "+
			"API token that applied the set. %s",
			k.resourceType, k.one, orgID, k.describe(kept), k.one, k.attribute, implicit, k.one, id, k.done,
			id, k.attribute, implicit, k.one, outcome))
}

func (r *exclusiveResource[T]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	k := r.kind
	state := k.values(ctx, req.State, &resp.Diagnostics)
	recorded := k.recorded(ctx, req.Private, &resp.Diagnostics)
	ctx, cancel := withOperationTimeout(ctx, state.timeouts.Read, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	orgID := state.orgID.ValueString()
	items, implicit, found := r.current(ctx, orgID, &resp.Diagnostics, func() {
		tflog.Debug(ctx, "The organization no longer exists; removing the resource from state", map[string]any{"org_id": orgID})
		resp.State.RemoveResource(ctx)
	})
	if !found || resp.Diagnostics.HasError() {
		return
	}
	r.data.listings.store(k.resourceType, orgID, items)

	current := make([]string, len(items))
	for i, item := range items {
		current[i] = k.id(item)
	}
	// The implicit members, the token's user and the one the last apply kept, are recorded only where
	// the state lists them already, so that a configuration that leaves them out sees no diff. The
	// private record stays as it is: only a create, import or update writes it.
	listedBefore := idSet(state.ids)
	ids := keepPriorOrder(state.ids, current, func(id string) bool {
		return (id != implicit && id != recorded) || listedBefore[id]
	})
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), orgID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(k.attribute), idList(ids))...)
}

// ModifyPlan claims the organization for this resource (a second exclusive resource of the kind that
// claims it fails the plan: exclusive_claims.go), then checks a create or an update. It refuses
// before anything is applied what the apply would refuse, and names in a warning every object the
// apply may remove.
func (r *exclusiveResource[T]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || req.Plan.Raw.IsNull() {
		return // not configured yet, or a destroy, which removes nothing
	}
	k := r.kind
	plan := k.values(ctx, req.Plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || plan.orgID.IsUnknown() {
		return
	}
	if r.claimOrganization(ctx, plan.orgID.ValueString(), req.Private, resp.Private, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		r.planCreate(ctx, plan, &resp.Diagnostics)
		return
	}
	state := k.values(ctx, req.State, &resp.Diagnostics)
	recorded := k.recorded(ctx, req.Private, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !plan.orgID.Equal(state.orgID) {
		return // a replacement: its create half, which Terraform plans next, checks
	}
	r.planUpdate(ctx, plan, state, recorded, &resp.Diagnostics)
}

// planCreate refuses at plan time what Create would refuse for certain, from one listing: a listed ID
// that is not of the kind, or objects outside the set that outnumber its unknown elements (any of
// which might name one of them; when they do not outnumber them, Create checks at apply). With
// plan_checks off it sends nothing.
func (r *exclusiveResource[T]) planCreate(ctx context.Context, plan exclusiveValues, diags *diag.Diagnostics) {
	if !r.data.planChecks || plan.list.IsUnknown() {
		return
	}
	k := r.kind
	orgID := plan.orgID.ValueString()
	items, implicit, found := r.current(ctx, orgID, diags, nil)
	if !found || diags.HasError() {
		return
	}
	if notListed := missing(plan.ids, k.byID(items), implicit); len(notListed) > 0 {
		k.notListedError(diags, orgID, notListed, "Nothing is applied.")
		return
	}
	if extras := k.outside(items, plan.ids, implicit); len(extras) > plan.unknown {
		k.outsideError(diags, orgID, extras, "Nothing is applied.")
	}
}

// planUpdate names what an update may remove, in one warning, and refuses before anything is applied
// an ID that is not of the kind, removals that checkKept refuses, and the removal of the member the
// set kept implicitly for another token's user. It compares the plan with the state, which the
// refresh just read, and describes the objects from that refresh's listing (listing again only
// without one, as with -refresh=false). When the list is not fully known, every object outside its
// known part may be removed: the warning names them all, checkKept judges that worst case, and the
// apply removes none but them, since it removes only what the state lists and the final list does not.
func (r *exclusiveResource[T]) planUpdate(ctx context.Context, plan, state exclusiveValues, recorded string, diags *diag.Diagnostics) {
	k := r.kind
	orgID := state.orgID.ValueString()
	certain := !plan.list.IsUnknown() && plan.unknown == 0
	removals, added := idsMinus(state.ids, plan.ids), idsMinus(plan.ids, state.ids)
	if certain && len(removals) == 0 && len(added) == 0 && recorded == "" {
		return // no request for a plan without changes
	}
	implicit := k.implicitID(ctx, r.data, diags)
	if diags.HasError() {
		return
	}
	// A list that drops the implicit ID shows it leaving; when the list is not fully known it may yet
	// hold it, and the warning of possible removals leaves it out anyway.
	stays := certain && implicit != "" && slices.Contains(removals, implicit)
	removals, added = idsMinus(removals, []string{implicit}), idsMinus(added, []string{implicit})
	lost := orphaned(recorded, implicit, plan.ids)
	if certain && len(removals) == 0 && len(added) == 0 && !lost && !stays {
		return
	}
	items, ok := loadListing[T](&r.data.listings, k.resourceType, orgID)
	if !ok {
		var err error
		if items, err = k.list(ctx, r.data.client, orgID); err != nil {
			addAPIError(diags, k.listSummary, err)
			return
		}
	}
	byID := k.byID(items)
	if notListed := missing(added, byID, implicit); len(notListed) > 0 {
		k.notListedError(diags, orgID, notListed, "Nothing is applied.")
		return
	}
	if kept, member := byID[recorded]; lost && member {
		if certain {
			k.orphanedError(diags, orgID, kept, implicit, "Nothing is applied.")
			return
		}
		diags.AddAttributeWarning(path.Root(k.attribute), fmt.Sprintf("The %s kept implicitly must stay listed", k.one),
			fmt.Sprintf("%s is kept implicitly, as the API token's own %s for the last create, import or update of "+
				"this set, and this run uses the API token of another user (%s). %s is not fully known until apply: "+
				"unless it then lists %q, the apply fails before it %ss anything.",
				k.describe(kept), k.one, implicit, k.attribute, recorded, k.verb))
	}
	if stays {
		self := k.show(implicit)
		if item, ok := byID[implicit]; ok {
			self = k.describe(item)
		}
		diags.AddAttributeWarning(path.Root(k.attribute), fmt.Sprintf("The API token's own %s stays", k.one),
			fmt.Sprintf("%s no longer lists %s, so the plan shows it leaving the list; but it is the API token's "+
				"own %s, which belongs to the set implicitly and is never %s. It stays %s of organization %q.",
				k.attribute, self, k.one, k.done, k.notOne, orgID))
	}
	if len(removals) == 0 {
		return
	}

	removing := idSet(removals)
	var kept, removed []T
	for _, item := range items {
		if removing[k.id(item)] {
			removed = append(removed, item)
		} else {
			kept = append(kept, item)
		}
	}
	if k.checkKept != nil {
		if k.checkKept(orgID, kept, removed, certain, diags); diags.HasError() {
			return
		}
	}
	lines := make([]string, len(removals))
	for i, id := range removals {
		if item, ok := byID[id]; ok {
			lines[i] = k.describe(item)
		} else {
			lines[i] = k.show(id) + " (already gone)"
		}
	}
	these := "these " + k.many
	if len(removals) == 1 {
		these = "this " + k.one
	}
	var summary, detail string
	if plan.list.IsUnknown() {
		summary = fmt.Sprintf("Up to %s of organization %q may be %s", k.count(len(removals)), orgID, k.done)
		detail = fmt.Sprintf("%s is known only at apply, so this plan cannot tell which %s the apply will %s. "+
			"It may %s any of %s of organization %q, which %s may leave out:\n\n%s\n\n"+
			"The apply %ss only those that the final %s does not list, and nothing else. To keep one for "+
			"certain, add its ID to %s as a value known at plan time.",
			k.attribute, k.many, k.verb, k.verb, these, orgID, k.attribute, bulletList(lines),
			k.verb, k.attribute, k.attribute)
	} else {
		summary = fmt.Sprintf("%s of organization %q will be %s", k.count(len(removals)), orgID, k.done)
		detail = fmt.Sprintf("Applying this plan will %s %s of organization %q, which %s does not list:\n\n%s\n\n"+
			"To keep one, add its ID to %s.", k.verb, these, orgID, k.attribute, bulletList(lines), k.attribute)
		if plan.unknown > 0 {
			detail += fmt.Sprintf(" %d of the IDs in %s are not known until apply: any of these they name is kept.",
				plan.unknown, k.attribute)
		}
	}
	diags.AddWarning(summary, detail)
}

// Create adopts the configured set without removing anything: a create's plan has no prior state,
// so it cannot show removals for review. Objects outside the set are an error that shows how to
// import the current set instead; the plan refuses them already when it can be sure of them.
func (r *exclusiveResource[T]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	k := r.kind
	plan := k.values(ctx, req.Plan, &resp.Diagnostics)
	ctx, cancel := withOperationTimeout(ctx, plan.timeouts.Create, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	orgID := plan.orgID.ValueString()
	items, implicit, found := r.current(ctx, orgID, &resp.Diagnostics, nil)
	if !found || resp.Diagnostics.HasError() {
		return
	}
	if notListed := missing(plan.ids, k.byID(items), implicit); len(notListed) > 0 {
		k.notListedError(&resp.Diagnostics, orgID, notListed, "Nothing was changed.")
		return
	}
	if extras := k.outside(items, plan.ids, implicit); len(extras) > 0 {
		k.outsideError(&resp.Diagnostics, orgID, extras, "Nothing was changed.")
		return
	}
	resp.State.Raw = req.Plan.Raw
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), orgID)...)
	k.recordApplied(ctx, resp.Private, implicit, &resp.Diagnostics)
}

// Update removes what the state lists and the plan does not: exactly what the plan showed. It lists
// the organization afresh first, and refuses, before the first removal, a listed ID that is not of
// the kind, or the removal of the member kept implicitly for the token that last applied the set
// (should the plan have been made with that token and the apply run with another). If a removal
// fails, the state keeps what was not removed.
func (r *exclusiveResource[T]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	k := r.kind
	plan := k.values(ctx, req.Plan, &resp.Diagnostics)
	state := k.values(ctx, req.State, &resp.Diagnostics)
	recorded := k.recorded(ctx, req.Private, &resp.Diagnostics)
	ctx, cancel := withOperationTimeout(ctx, plan.timeouts.Update, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	orgID := plan.orgID.ValueString()
	implicit := k.implicitID(ctx, r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	removals := idsMinus(idsMinus(state.ids, plan.ids), []string{implicit})
	added := idsMinus(idsMinus(plan.ids, state.ids), []string{implicit})
	lost := orphaned(recorded, implicit, plan.ids)
	resp.State.Raw = req.Plan.Raw
	if len(removals) == 0 && len(added) == 0 && !lost {
		k.recordApplied(ctx, resp.Private, implicit, &resp.Diagnostics)
		return // order or timeouts only
	}

	items, err := k.list(ctx, r.data.client, orgID)
	if err != nil {
		resp.State.Raw = req.State.Raw
		addAPIError(&resp.Diagnostics, k.listSummary, err)
		return
	}
	byID := k.byID(items)
	if kept, member := byID[recorded]; lost && member {
		resp.State.Raw = req.State.Raw
		k.orphanedError(&resp.Diagnostics, orgID, kept, implicit, "Nothing was "+k.done+".")
		return
	}
	if notListed := missing(plan.ids, byID, implicit); len(notListed) > 0 {
		resp.State.Raw = req.State.Raw
		k.notListedError(&resp.Diagnostics, orgID, notListed, "Nothing was "+k.done+".")
		return
	}
	k.recordApplied(ctx, resp.Private, implicit, &resp.Diagnostics)
	for i, id := range removals {
		item, ok := byID[id]
		if !ok {
			continue // gone already
		}
		if !k.removeOne(ctx, r.data.client, orgID, item, &resp.Diagnostics) {
			var left []string
			for _, id := range removals[i:] {
				if _, ok := byID[id]; ok {
					left = append(left, id)
				}
			}
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(k.attribute), idList(append(plan.ids, left...)))...)
			return
		}
		tflog.Debug(ctx, "Removed an object outside the exclusive set", map[string]any{
			"org_id": orgID, "id": k.show(id), "resource_type": k.resourceType,
		})
	}
}

// Delete removes nothing: destroying an exclusive resource only stops enforcing the set.
func (r *exclusiveResource[T]) Delete(ctx context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
	tflog.Debug(ctx, "No longer enforcing the set; nothing removed", map[string]any{"resource_type": r.kind.resourceType})
}

// ImportState takes the organization's ID and records the API token's user as the member kept
// implicitly; Read then records the set as it is.
func (r *exclusiveResource[T]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !apiIDPattern.MatchString(req.ID) {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("the import ID of %s is the organization's ID "+
			"(letters, digits, '_' and '-', or \"c\" for the token's own organization); got %q", r.kind.resourceType, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("org_id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	implicit := r.kind.implicitID(ctx, r.data, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		r.kind.recordApplied(ctx, resp.Private, implicit, &resp.Diagnostics)
	}
}

// current lists the organization's objects and finds the implicit ID, adding any error to diags.
// found is false when that failed, or when the organization does not exist (the API's 404, see
// objectGone) and gone, when set, handles that instead of an error.
func (r *exclusiveResource[T]) current(ctx context.Context, orgID string, diags *diag.Diagnostics, gone func()) (items []T, implicit string, found bool) {
	items, err := r.kind.list(ctx, r.data.client, orgID)
	if gone != nil {
		var orgGone bool
		if orgGone, err = r.data.objectGone(ctx, err); orgGone {
			gone()
			return nil, "", false
		}
	}
	if err != nil {
		addAPIError(diags, r.kind.listSummary, err)
		return nil, "", false
	}
	return items, r.kind.implicitID(ctx, r.data, diags), true
}

// missing is the IDs of ids that byID lacks, other than implicit, in order.
func missing[T any](ids []string, byID map[string]T, implicit string) []string {
	var out []string
	for _, id := range ids {
		if _, ok := byID[id]; !ok && id != implicit {
			out = append(out, id)
		}
	}
	return out
}

func (r *exclusiveResource[T]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// schema is the resource's schema: description says what it does, and listDescription what its list
// of IDs holds.
func (k *exclusiveKind[T]) schema(ctx context.Context, description, listDescription string) schema.Schema {
	return schema.Schema{
		MarkdownDescription: description,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The same as `org_id`; also the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"org_id": schema.StringAttribute{
				MarkdownDescription: "The organization; `c` stands for the organization the API token was " +
					"created in. Kept as written. Changing it creates the resource anew (which " + k.verb + "s nothing).",
				Required:      true,
				Validators:    orgIDValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			k.attribute: schema.ListAttribute{
				MarkdownDescription: listDescription + " Each ID once, in any order (a change of order is no " +
					"change). A list rather than a set, so that plans of thousands of IDs stay fast.",
				Required:      true,
				ElementType:   types.StringType,
				Sensitive:     k.secretIDs,
				Validators:    []validator.List{uniqueIDs{secret: k.secretIDs}},
				PlanModifiers: []planmodifier.List{keepStateOrder{}},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true}),
		},
	}
}

// listingMemo keeps what the exclusive resources' refreshes listed in this provider process, so that
// their plans, in the same process right after, describe the objects without listing again. Only
// plans read it: Create and Update always list afresh.
type listingMemo struct {
	mu       sync.Mutex
	listings map[string]any // by resource type and organization ID as written
}

func (m *listingMemo) store(resourceType, orgID string, items any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.listings == nil {
		m.listings = map[string]any{}
	}
	m.listings[resourceType+"\x00"+orgID] = items
}

func loadListing[T any](m *listingMemo, resourceType, orgID string) ([]T, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	items, ok := m.listings[resourceType+"\x00"+orgID].([]T)
	return items, ok
}
