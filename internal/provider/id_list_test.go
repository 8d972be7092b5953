package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func stringList(elems ...attr.Value) types.List {
	return types.ListValueMust(types.StringType, elems)
}

func TestUniqueIDs(t *testing.T) {
	s := types.StringValue
	cases := map[string]struct {
		list   types.List
		secret bool
		want   []string // "summary: detail" of each error, in order
	}{
		"valid":                                 {stringList(s("usr_a"), s("usr-b"), s("C9")), false, nil},
		"empty":                                 {stringList(), false, nil},
		"null":                                  {types.ListNull(types.StringType), false, nil},
		"unknown":                               {types.ListUnknown(types.StringType), false, nil},
		"unknown elements are checked at apply": {stringList(types.StringUnknown(), types.StringUnknown(), s("usr_a")), false, nil},
		"duplicate": {stringList(s("usr_a"), s("usr_b"), s("usr_a"), s("usr_a")), false, []string{
			`Duplicate ID: Attribute user_ids[2] lists "usr_a" again (first at user_ids[0]): list each ID once`,
			`Duplicate ID: Attribute user_ids[3] lists "usr_a" again (first at user_ids[0]): list each ID once`,
		}},
		"malformed": {stringList(s("usr a"), s("")), false, []string{
			`Invalid ID: Attribute user_ids[0] must be an ID of letters, digits, '_' and '-', got: "usr a"`,
			`Invalid ID: Attribute user_ids[1] must be an ID of letters, digits, '_' and '-', got: ""`,
		}},
		"null element": {stringList(s("usr_a"), types.StringNull()), false, []string{
			`Invalid ID: Attribute user_ids[1] must be an ID, got null`,
		}},
		"secret IDs are never shown": {stringList(s("inv_a"), s("inv a"), s("inv_a")), true, []string{
			`Invalid ID: Attribute user_ids[1] must be an ID of letters, digits, '_' and '-' (its value is sensitive, so not shown)`,
			`Duplicate ID: Attribute user_ids[2] lists the ID again (first at user_ids[0]): list each ID once`,
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var resp validator.ListResponse
			uniqueIDs{secret: tc.secret}.ValidateList(testContext(t), validator.ListRequest{Path: path.Root("user_ids"), ConfigValue: tc.list}, &resp)
			var got []string
			for _, d := range resp.Diagnostics {
				got = append(got, d.Summary()+": "+d.Detail())
			}
			if !slices.Equal(got, tc.want) || resp.Diagnostics.ErrorsCount() != len(tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestKeepStateOrder(t *testing.T) {
	s := types.StringValue
	prior := stringList(s("b"), s("a"), s("c"))
	cases := map[string]struct {
		state, plan, want types.List
	}{
		"same IDs, other order":   {prior, stringList(s("a"), s("b"), s("c")), prior},
		"same order":              {prior, stringList(s("b"), s("a"), s("c")), prior},
		"one more":                {prior, stringList(s("a"), s("b"), s("c"), s("d")), stringList(s("a"), s("b"), s("c"), s("d"))},
		"one fewer":               {prior, stringList(s("a"), s("b")), stringList(s("a"), s("b"))},
		"one other":               {prior, stringList(s("a"), s("b"), s("d")), stringList(s("a"), s("b"), s("d"))},
		"unknown element":         {prior, stringList(s("a"), s("b"), types.StringUnknown()), stringList(s("a"), s("b"), types.StringUnknown())},
		"unknown list":            {prior, types.ListUnknown(types.StringType), types.ListUnknown(types.StringType)},
		"no state (create)":       {types.ListNull(types.StringType), stringList(s("a")), stringList(s("a"))},
		"empty state, empty plan": {stringList(), stringList(), stringList()},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resp := planmodifier.ListResponse{PlanValue: tc.plan}
			keepStateOrder{}.PlanModifyList(testContext(t), planmodifier.ListRequest{
				Path: path.Root("user_ids"), StateValue: tc.state, PlanValue: tc.plan, ConfigValue: tc.plan,
			}, &resp)
			if !resp.PlanValue.Equal(tc.want) {
				t.Errorf("planned %s, want %s", resp.PlanValue, tc.want)
			}
		})
	}
}

func TestKeepPriorOrder(t *testing.T) {
	all := func(string) bool { return true }
	cases := []struct {
		name           string
		prior, current []string
		keep           func(string) bool
		want           []string
	}{
		{"first read, API order", nil, []string{"c", "a", "b"}, all, []string{"c", "a", "b"}},
		{"prior order kept, new ones last", []string{"b", "a"}, []string{"a", "x", "b", "y"}, all, []string{"b", "a", "x", "y"}},
		{"gone ones dropped", []string{"b", "gone", "a"}, []string{"a", "b"}, all, []string{"b", "a"}},
		{"refused ones left out", []string{"b"}, []string{"me", "b", "x"}, func(id string) bool { return id != "me" }, []string{"b", "x"}},
	}
	for _, tc := range cases {
		if got := keepPriorOrder(tc.prior, tc.current, tc.keep); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestIDsOfAndMinus(t *testing.T) {
	ids, unknown := idsOf(stringList(types.StringValue("a"), types.StringUnknown(), types.StringValue("b"), types.StringNull()))
	if !slices.Equal(ids, []string{"a", "b"}) || unknown != 1 {
		t.Errorf("idsOf: got %q and %d unknown", ids, unknown)
	}
	if got := idsMinus([]string{"c", "a", "b", "d"}, []string{"b", "x", "c"}); !slices.Equal(got, []string{"a", "d"}) {
		t.Errorf("idsMinus: got %q", got)
	}
	if got := idList([]string{"a", "b"}); !got.Equal(stringList(types.StringValue("a"), types.StringValue("b"))) {
		t.Errorf("idList: got %s", got)
	}
}

func TestBulletList(t *testing.T) {
	lines := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("line %d", i+1)
		}
		return out
	}
	if got := bulletList(lines(2)); got != "  - line 1\n  - line 2" {
		t.Errorf("2 lines: got %q", got)
	}
	if got := bulletList(lines(maxListedLines)); strings.Count(got, "\n") != maxListedLines-1 || strings.Contains(got, "more") {
		t.Errorf("%d lines: got %q", maxListedLines, got)
	}
	got := bulletList(lines(maxListedLines + 7))
	if !strings.HasSuffix(got, "  - line 50\n  and 7 more") || strings.Contains(got, "line 51") {
		t.Errorf("%d lines: got %q", maxListedLines+7, got)
	}
}
