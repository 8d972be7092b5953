package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// An exclusive resource's set of IDs is a list attribute handled as a set: its validator refuses
// duplicates and its plan modifier ignores order. A set attribute would say so in the schema, but
// terraform-plugin-framework v1.19 handles sets in quadratic time (issues #1314 and #1322: duplicate
// detection, SetValue.Equal and the semantic-equality walk of every refresh compare every pair of
// elements): in a trial with a set attribute, the refreshing plan of 1,305 IDs cost 33 s of provider
// time, against 0.5 s with this list (make bench, the same 2-core machine minutes apart). Every step
// here is linear: the framework compares lists index by index, and these helpers use maps.

// uniqueIDs validates a list of API IDs in one pass: every known element is an ID, none is null, and
// none appears twice. With secret set (the IDs grant access) its messages name elements by position
// only, never by value.
type uniqueIDs struct {
	secret bool
}

var _ validator.List = uniqueIDs{}

func (uniqueIDs) Description(_ context.Context) string {
	return "every element must be an ID of letters, digits, '_' and '-', listed once"
}

func (v uniqueIDs) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v uniqueIDs) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	first := map[string]int{}
	for i, elem := range req.ConfigValue.Elements() {
		at := req.Path.AtListIndex(i)
		s, ok := elem.(types.String)
		switch {
		case !ok:
			resp.Diagnostics.AddAttributeError(at, "Invalid ID", fmt.Sprintf("Attribute %s must be a string, got %s", at, elem))
		case s.IsUnknown():
		case s.IsNull():
			resp.Diagnostics.AddAttributeError(at, "Invalid ID", fmt.Sprintf("Attribute %s must be an ID, got null", at))
		case !apiIDPattern.MatchString(s.ValueString()):
			got := fmt.Sprintf(", got: %q", s.ValueString())
			if v.secret {
				got = " (its value is sensitive, so not shown)"
			}
			resp.Diagnostics.AddAttributeError(at, "Invalid ID", fmt.Sprintf("Attribute %s must be an ID of "+
				"letters, digits, '_' and '-'%s", at, got))
		default:
			if j, dup := first[s.ValueString()]; dup {
				what := fmt.Sprintf("%q", s.ValueString())
				if v.secret {
					what = "the ID"
				}
				resp.Diagnostics.AddAttributeError(at, "Duplicate ID", fmt.Sprintf("Attribute %s lists %s "+
					"again (first at %s): list each ID once", at, what, req.Path.AtListIndex(j)))
				continue
			}
			first[s.ValueString()] = i
		}
	}
}

// keepStateOrder plans the prior state's list when the configuration lists the same IDs in another
// order, so that order is never a diff. Terraform accepts a planned value equal to the prior state
// in place of the configuration's, as it does for keepEmailSpelling.
type keepStateOrder struct{}

var _ planmodifier.List = keepStateOrder{}

func (keepStateOrder) Description(_ context.Context) string {
	return "The order of the IDs does not matter: the same IDs in another order are no change."
}

func (m keepStateOrder) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepStateOrder) PlanModifyList(_ context.Context, req planmodifier.ListRequest, resp *planmodifier.ListResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	planned, unknown := idsOf(req.PlanValue)
	prior, _ := idsOf(req.StateValue)
	if unknown == 0 && len(planned) == len(prior) && len(idsMinus(planned, prior)) == 0 {
		resp.PlanValue = req.StateValue
	}
}

// idsOf is the known strings of a list of strings, in order, and how many elements are unknown.
// Null elements are skipped (the validator refuses them).
func idsOf(list types.List) (ids []string, unknown int) {
	elems := list.Elements()
	ids = make([]string, 0, len(elems))
	for _, elem := range elems {
		s, ok := elem.(types.String)
		switch {
		case !ok || s.IsNull():
		case s.IsUnknown():
			unknown++
		default:
			ids = append(ids, s.ValueString())
		}
	}
	return ids, unknown
}

// idList is ids as a list value.
func idList(ids []string) types.List {
	elems := make([]attr.Value, len(ids))
	for i, id := range ids {
		elems[i] = types.StringValue(id)
	}
	return types.ListValueMust(types.StringType, elems)
}

// idSet is ids as a set for lookups.
func idSet(ids []string) map[string]bool {
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set
}

// idsMinus is the IDs of a that are not in b, in a's order.
func idsMinus(a, b []string) []string {
	in := idSet(b)
	var out []string
	for _, id := range a {
		if !in[id] {
			out = append(out, id)
		}
	}
	return out
}

// keepPriorOrder orders current (the IDs as the API lists them now) for the state: those the prior
// state holds first, in its order, then the others in the API's order, leaving out those keep refuses.
// A refresh then moves nothing the configuration did not move, and the plan shows additions at the end.
func keepPriorOrder(prior, current []string, keep func(id string) bool) []string {
	now := idSet(current)
	ordered := make([]string, 0, len(current))
	for _, id := range prior {
		if now[id] && keep(id) {
			ordered = append(ordered, id)
			delete(now, id) // a prior state never holds an ID twice, but be safe
		}
	}
	for _, id := range current {
		if now[id] && keep(id) {
			ordered = append(ordered, id)
			delete(now, id)
		}
	}
	return ordered
}

// maxListedLines is how many lines a diagnostic lists before it says how many more there are.
const maxListedLines = 50

// bulletList is lines as an indented list of at most maxListedLines lines, then "and N more".
func bulletList(lines []string) string {
	var sb strings.Builder
	for i, line := range lines {
		if i == maxListedLines {
			fmt.Fprintf(&sb, "  and %d more\n", len(lines)-maxListedLines)
			break
		}
		fmt.Fprintf(&sb, "  - %s\n", line)
	}
	return strings.TrimSuffix(sb.String(), "\n")
}
