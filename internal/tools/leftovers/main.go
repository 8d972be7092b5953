// Command leftovers compares two state files of the emulator (invent-emulator -state), taken before
// and after the acceptance tests ran against it as against a live account (`make
// test-live-emulator`), and fails if the tests left anything behind or changed anything they did not
// make:
//
//	go run ./internal/tools/leftovers -before before.json -after after.json -admin usr_ada -member usr_max
//
// Every organization of the first state must be in the second exactly as it was: its members, their
// roles and statuses, its invite links (space and collection links included, which the API does
// not list), its fields. An organization only the second state has must be one of the tf-acc-
// sub-organizations the tests keep, since the API cannot delete one, holding no link and no member
// but the one they keep: the admin token's user (-admin) in a scratch one, the member token's user
// (-member) in a joinable one, nobody in the twins. Users only the second state has must have a
// tf-acc- address: invited by the tests, they stay in the directory, which the API cannot change;
// the users of the first state must be unchanged.
//
// It reads the emulator's state file (version 1), which is the emulator's own format and not part of
// the API contract: only what this check needs of it.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// The names the tests give what they make (internal/provider/live_account_test.go).
const (
	accPrefix         = "tf-acc-"
	scratchOrgPrefix  = accPrefix + "scratch-"
	joinableOrgPrefix = accPrefix + "joinable-"
	twinOrgName       = accPrefix + "twin"
)

// state is what the check reads of a state file; each organization and user is also kept whole, to
// compare.
type state struct {
	Version int               `json:"version"`
	Users   []json.RawMessage `json:"users"`
	Orgs    []json.RawMessage `json:"orgs"`
}

type user struct {
	ID    string `json:"id"`
	Email string `json:"email"`
}

type org struct {
	ID      string            `json:"id"`
	Name    string            `json:"name"`
	Members []member          `json:"members"`
	Links   []json.RawMessage `json:"links"`
}

type member struct {
	UserID  string `json:"user_id"`
	OrgRole string `json:"org_role"`
	Status  string `json:"status"`
}

func main() {
	before := flag.String("before", "", "the state file before the tests")
	after := flag.String("after", "", "the state file after the tests")
	admin := flag.String("admin", "", "the ID of the admin token's user")
	memberID := flag.String("member", "", "the ID of the member token's user")
	flag.Parse()
	if *before == "" || *after == "" || *admin == "" || *memberID == "" {
		fmt.Fprintln(os.Stderr, "usage: leftovers -before FILE -after FILE -admin USER_ID -member USER_ID")
		os.Exit(2)
	}
	ok, err := compareFiles(os.Stdout, *before, *after, *admin, *memberID)
	if err != nil {
		fmt.Fprintln(os.Stderr, "leftovers:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

func compareFiles(out io.Writer, beforePath, afterPath, admin, memberID string) (bool, error) {
	before, err := readState(beforePath)
	if err != nil {
		return false, err
	}
	after, err := readState(afterPath)
	if err != nil {
		return false, err
	}
	return compare(out, before, after, admin, memberID)
}

func readState(path string) (*state, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s state
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if s.Version != 1 {
		return nil, fmt.Errorf("%s: state file version %d, this check reads version 1", path, s.Version)
	}
	return &s, nil
}

// compare writes what the tests left or changed, and a summary, to out, and reports whether nothing
// was.
func compare(out io.Writer, before, after *state, admin, memberID string) (bool, error) {
	var problems []string
	beforeOrgs, err := byID[org](before.Orgs, func(o org) string { return o.ID })
	if err != nil {
		return false, err
	}
	afterOrgs, err := byID[org](after.Orgs, func(o org) string { return o.ID })
	if err != nil {
		return false, err
	}
	kept := 0
	for _, id := range sortedKeys(afterOrgs) {
		raw := afterOrgs[id]
		if old, ok := beforeOrgs[id]; ok {
			if !sameJSON(old, raw) {
				problems = append(problems, fmt.Sprintf("organization %s changed:\n  before %s\n  after  %s", id, compact(old), compact(raw)))
			}
			continue
		}
		var o org
		if err := json.Unmarshal(raw, &o); err != nil {
			return false, err
		}
		if problem := keptAsTheTestsKeepIt(o, admin, memberID); problem != "" {
			problems = append(problems, fmt.Sprintf("organization %s (%s) %s: %s", o.ID, o.Name, problem, compact(raw)))
			continue
		}
		kept++
	}
	for _, id := range sortedKeys(beforeOrgs) {
		if _, ok := afterOrgs[id]; !ok {
			problems = append(problems, fmt.Sprintf("organization %s is gone", id))
		}
	}

	beforeUsers, err := byID[user](before.Users, func(u user) string { return u.ID })
	if err != nil {
		return false, err
	}
	afterUsers, err := byID[user](after.Users, func(u user) string { return u.ID })
	if err != nil {
		return false, err
	}
	invited := 0
	for _, id := range sortedKeys(afterUsers) {
		raw := afterUsers[id]
		if old, ok := beforeUsers[id]; ok {
			if !sameJSON(old, raw) {
				problems = append(problems, fmt.Sprintf("user %s changed:\n  before %s\n  after  %s", id, compact(old), compact(raw)))
			}
			continue
		}
		var u user
		if err := json.Unmarshal(raw, &u); err != nil {
			return false, err
		}
		if !strings.HasPrefix(strings.ToLower(u.Email), accPrefix) {
			problems = append(problems, fmt.Sprintf("user %s (%s) is new, and not one of the tests' tf-acc- addresses", u.ID, u.Email))
			continue
		}
		invited++
	}
	for _, id := range sortedKeys(beforeUsers) {
		if _, ok := afterUsers[id]; !ok {
			problems = append(problems, fmt.Sprintf("user %s is gone", id))
		}
	}

	for _, p := range problems {
		fmt.Fprintln(out, "leftovers:", p)
	}
	fmt.Fprintf(out, "leftovers: %d organizations as they were, %d tf-acc- sub-organizations as the tests keep them, "+
		"%d tf-acc- addresses in the directory; %d problems\n", len(beforeOrgs), kept, invited, len(problems))
	return len(problems) == 0, nil
}

// keptAsTheTestsKeepIt says what is wrong with a sub-organization the tests made ("" if nothing): a
// name they do not give, a link, or members other than the one its kind keeps.
func keptAsTheTestsKeepIt(o org, admin, memberID string) string {
	var keep []member
	switch {
	case strings.HasPrefix(o.Name, scratchOrgPrefix):
		keep = []member{{UserID: admin, OrgRole: "ADMIN", Status: "ACTIVE"}}
	case strings.HasPrefix(o.Name, joinableOrgPrefix):
		keep = []member{{UserID: memberID, OrgRole: "ADMIN", Status: "ACTIVE"}}
	case o.Name == twinOrgName:
	default:
		return "is new, and not one of the tests' tf-acc- sub-organizations"
	}
	switch {
	case len(o.Links) > 0:
		return fmt.Sprintf("holds %d invite links", len(o.Links))
	case !slices.Equal(o.Members, keep):
		return fmt.Sprintf("has the members %v, want %v", o.Members, keep)
	}
	return ""
}

// byID indexes raw JSON objects by the ID that key reads from each.
func byID[T any](raws []json.RawMessage, key func(T) string) (map[string]json.RawMessage, error) {
	out := make(map[string]json.RawMessage, len(raws))
	for _, raw := range raws {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, err
		}
		out[key(v)] = raw
	}
	return out, nil
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func sameJSON(a, b json.RawMessage) bool {
	return compact(a) == compact(b)
}

func compact(raw json.RawMessage) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return string(raw)
	}
	return buf.String()
}
