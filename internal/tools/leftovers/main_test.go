package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// before is a state with one organization, its admin and member, and a space link.
const before = `{"version": 1, "next_seq": 9,
 "users": [{"id": "usr_ada", "email": "ada@acme.example"}, {"id": "usr_max", "email": "max@acme.example"}],
 "orgs": [{"id": "org_acme", "name": "Acme", "members": [
   {"id": "mem_1", "user_id": "usr_ada", "org_role": "ADMIN", "content_role": "admin", "status": "ACTIVE"},
   {"id": "mem_2", "user_id": "usr_max", "org_role": "STAFF", "content_role": "read", "status": "ACTIVE"}],
  "links": [{"id": "inv_1", "kind": "space", "role": "read", "target_id": "spc_1"}]}]}`

func parse(t *testing.T, s string) *state {
	t.Helper()
	var st state
	if err := json.Unmarshal([]byte(s), &st); err != nil {
		t.Fatal(err)
	}
	return &st
}

func run(t *testing.T, after string) (bool, string) {
	t.Helper()
	var out strings.Builder
	ok, err := compare(&out, parse(t, before), parse(t, after), "usr_ada", "usr_max")
	if err != nil {
		t.Fatal(err)
	}
	return ok, out.String()
}

// after is before with the sub-organizations and users given added.
func after(orgs, users string) string {
	s := strings.Replace(before, `"next_seq": 9`, `"next_seq": 42`, 1)
	if users != "" {
		s = strings.Replace(s, `"email": "max@acme.example"}`, `"email": "max@acme.example"}, `+users, 1)
	}
	if orgs != "" {
		s = strings.TrimSuffix(s, "]}") + ", " + orgs + "]}"
	}
	return s
}

// What the tests keep passes: their sub-organizations as they keep them, their addresses.
func TestCompare_whatTheTestsKeep(t *testing.T) {
	ok, out := run(t, after(`
  {"id": "org_s", "name": "tf-acc-scratch-1", "members": [{"user_id": "usr_ada", "org_role": "ADMIN", "status": "ACTIVE"}], "links": []},
  {"id": "org_j", "name": "tf-acc-joinable-2", "members": [{"user_id": "usr_max", "org_role": "ADMIN", "status": "ACTIVE"}], "links": []},
  {"id": "org_t", "name": "tf-acc-twin", "members": [], "links": []}`,
		`{"id": "usr_new", "email": "tf-acc-123@example.com"}`))
	if !ok || !strings.Contains(out, "leftovers: 1 organizations as they were, 3 tf-acc- sub-organizations as the tests keep them, "+
		"1 tf-acc- addresses in the directory; 0 problems\n") {
		t.Errorf("what the tests keep failed:\n%s", out)
	}
}

// Anything else fails, each named.
func TestCompare_leftovers(t *testing.T) {
	changed := strings.Replace(before, `"org_role": "STAFF", "content_role": "read"`, `"org_role": "STAFF", "content_role": "edit"`, 1)
	for name, tc := range map[string]struct {
		after, want string
	}{
		"a pre-existing member changed": {changed, "organization org_acme changed"},
		"a space link gone": {strings.Replace(before, `{"id": "inv_1", "kind": "space", "role": "read", "target_id": "spc_1"}`, ``, 1),
			"organization org_acme changed"},
		"a link left in a scratch sub-organization": {after(`{"id": "org_s", "name": "tf-acc-scratch-1", "members": [{"user_id": "usr_ada", "org_role": "ADMIN", "status": "ACTIVE"}], "links": [{"id": "inv_2"}]}`, ""),
			"organization org_s (tf-acc-scratch-1) holds 1 invite links"},
		"a member left in a scratch sub-organization": {after(`{"id": "org_s", "name": "tf-acc-scratch-1", "members": [{"user_id": "usr_ada", "org_role": "ADMIN", "status": "ACTIVE"}, {"user_id": "usr_max", "org_role": "STAFF", "status": "ACTIVE"}], "links": []}`, ""),
			"organization org_s (tf-acc-scratch-1) has the members"},
		"the token's user left in a joinable sub-organization": {after(`{"id": "org_j", "name": "tf-acc-joinable-2", "members": [{"user_id": "usr_max", "org_role": "ADMIN", "status": "ACTIVE"}, {"user_id": "usr_ada", "org_role": "STAFF", "status": "ACTIVE"}], "links": []}`, ""),
			"organization org_j (tf-acc-joinable-2) has the members"},
		"a sub-organization of another name": {after(`{"id": "org_x", "name": "Acme New", "members": [], "links": []}`, ""),
			"organization org_x (Acme New) is new, and not one of the tests' tf-acc- sub-organizations"},
		"a user of another address": {after("", `{"id": "usr_new", "email": "new.hire@example.com"}`),
			"user usr_new (new.hire@example.com) is new, and not one of the tests' tf-acc- addresses"},
		"a user gone": {strings.Replace(before, `, {"id": "usr_max", "email": "max@acme.example"}`, ``, 1), "user usr_max is gone"},
	} {
		t.Run(name, func(t *testing.T) {
			if ok, out := run(t, tc.after); ok || !strings.Contains(out, "leftovers: "+tc.want) || !strings.Contains(out, "; 1 problems\n") {
				t.Errorf("want one problem %q:\n%s", tc.want, out)
			}
		})
	}
}
