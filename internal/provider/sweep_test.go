package provider

import (
	"context"
	"errors"
	"fmt"
	"log"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// TestMain runs the tests or, with -sweep (`make sweep`), the sweepers below.
func TestMain(m *testing.M) {
	resource.TestMain(m)
}

// The sweepers remove what a crashed run of the acceptance tests left in the live account; a run
// that ends removes what it made itself. terraform-plugin-testing runs them for each region of
// -sweep: the account has no regions, so `make sweep` passes one placeholder.
func init() {
	resource.AddTestSweepers("invent_tf_acc_sub_orgs", &resource.Sweeper{Name: "invent_tf_acc_sub_orgs", F: sweepAccSubOrgs})
	resource.AddTestSweepers("invent_tf_acc_addresses", &resource.Sweeper{
		Name: "invent_tf_acc_addresses", F: sweepAccAddresses, Dependencies: []string{"invent_tf_acc_sub_orgs"},
	})
}

// sweptAccount is the live account to sweep.
func sweptAccount() (*liveAccount, error) {
	if !liveMode() {
		return nil, fmt.Errorf("the sweepers clean a live account: set %s=1 and its variables (see the README)", envAccLive)
	}
	return connectLiveAccount()
}

// sweepAccSubOrgs empties every tf-acc- sub-organization of the token's organization: the scratch and
// joinable ones back to their one ADMIN, and any other of which the token's user is an ADMIN down to
// it, with no organization link; the token's user leaves one where it is a member of lower role.
func sweepAccSubOrgs(string) error {
	a, err := sweptAccount()
	if err != nil {
		return err
	}
	return a.sweepSubOrgs()
}

func (a *liveAccount) sweepSubOrgs() error {
	ctx, cancel := cleanupContext()
	defer cancel()
	subOrgs, err := a.admin.ListSubOrgs(ctx, a.orgID())
	if err != nil {
		return err
	}
	var errs []error
	for _, so := range subOrgs {
		if !strings.HasPrefix(so.Name, accPrefix) {
			continue
		}
		me, member := so.MemberByUserID(a.me.ID)
		switch {
		case strings.HasPrefix(so.Name, scratchOrgPrefix):
			err = a.sweepScratch(ctx, so.ID)
		case strings.HasPrefix(so.Name, joinableOrgPrefix):
			err = a.sweepJoinable(ctx, &so)
		case member && me.Role == client.OrgRoleAdmin && me.Status == client.MemberStatusActive:
			err = a.emptyOrg(ctx, &so, a.me.ID)
		case member:
			err = a.admin.LeaveSubOrg(ctx, a.orgID(), so.ID)
		default:
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("sub-organization %s (%s): %w", so.ID, so.Name, err))
			continue
		}
		log.Printf("[INFO] swept sub-organization %s (%s)", so.ID, so.Name)
	}
	return errors.Join(errs...)
}

// sweepAccAddresses removes the members with a tf-acc- address from every organization whose members
// the token's user can list: its own, and the sub-organizations it is an ACTIVE member of.
func sweepAccAddresses(string) error {
	a, err := sweptAccount()
	if err != nil {
		return err
	}
	return a.sweepAddresses()
}

func (a *liveAccount) sweepAddresses() error {
	ctx, cancel := cleanupContext()
	defer cancel()
	orgIDs, err := a.visibleOrgs(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, orgID := range orgIDs {
		if err := a.removeAccAddresses(ctx, orgID); err != nil {
			errs = append(errs, fmt.Errorf("organization %s: %w", orgID, err))
		}
	}
	return errors.Join(errs...)
}

// visibleOrgs are the token's organization and the sub-organizations its user is an ACTIVE member of.
func (a *liveAccount) visibleOrgs(ctx context.Context) ([]string, error) {
	subOrgs, err := a.admin.ListSubOrgs(ctx, a.orgID())
	if err != nil {
		return nil, err
	}
	ids := []string{a.orgID()}
	for _, so := range subOrgs {
		if m, ok := so.MemberByUserID(a.me.ID); ok && m.Status == client.MemberStatusActive {
			ids = append(ids, so.ID)
		}
	}
	return ids, nil
}

// removeAccAddresses removes the members of orgID whose address begins with tf-acc-.
func (a *liveAccount) removeAccAddresses(ctx context.Context, orgID string) error {
	members, err := a.admin.ListMembers(ctx, orgID, client.MemberFilter{Search: accPrefix})
	if err != nil {
		return err
	}
	for _, m := range members {
		if !strings.HasPrefix(strings.ToLower(m.User.Email), accPrefix) {
			continue
		}
		if _, err := a.admin.RemoveMember(ctx, orgID, m.ID); err != nil {
			return err
		}
		log.Printf("[INFO] removed %s from organization %s", m.User.Email, orgID)
	}
	return nil
}

// The sweepers remove what a crashed run left, and nothing else: in a scratch sub-organization a
// member, an invited tf-acc- address and a link; the token's user still in a joinable one; a
// tf-acc- address invited into the token's organization. Against the emulator in process, as a
// live account.
func TestSweepers_removeWhatACrashedRunLeft(t *testing.T) {
	a := emulatorAsLiveAccount(t, newEmulatorEnv(t, emulator.Options{}))
	ctx, parent := testContext(t), a.orgID()
	membersBefore, linksBefore := membersOf(t, a, parent), linksOf(t, a, parent)
	invite := func(orgID string) {
		t.Helper()
		if _, err := a.admin.InviteByEmail(ctx, orgID, client.InviteRequest{
			Emails: []client.InviteEmail{{Email: accName("") + "@example.com", Role: client.RoleRead}},
		}); err != nil {
			t.Fatal(err)
		}
	}

	scratch, err := a.admin.CreateSubOrg(ctx, parent, accName("scratch"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.admin.JoinSubOrg(ctx, parent, scratch.ID, client.OrgRoleAdmin); err != nil {
		t.Fatal(err)
	}
	if err := a.memberJoins(ctx, scratch.ID, client.RoleEdit); err != nil {
		t.Fatal(err)
	}
	invite(scratch.ID)
	if _, err := a.admin.CreateInviteLink(ctx, scratch.ID, client.NewInviteLinkRequest(client.RoleRead, "", "")); err != nil {
		t.Fatal(err)
	}
	joinable, err := a.makeJoinable(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.admin.JoinSubOrg(ctx, parent, joinable, client.OrgRoleDeveloper); err != nil {
		t.Fatal(err)
	}
	invite(parent)
	if got := len(membersOf(t, a, parent)); got != len(membersBefore)+1 {
		t.Fatalf("the token's organization has %d members after the invitation, want %d", got, len(membersBefore)+1)
	}

	if err := a.sweepSubOrgs(); err != nil {
		t.Fatal(err)
	}
	if err := a.sweepAddresses(); err != nil {
		t.Fatal(err)
	}

	if got, want := membersOf(t, a, scratch.ID), []string{a.me.ID + " admin ACTIVE"}; !slices.Equal(got, want) {
		t.Errorf("the scratch sub-organization's members after the sweep: %v, want %v", got, want)
	}
	if got := linksOf(t, a, scratch.ID); len(got) != 0 {
		t.Errorf("the scratch sub-organization's links after the sweep: %v, want none", got)
	}
	so, err := a.admin.GetSubOrg(ctx, parent, joinable)
	if err != nil {
		t.Fatal(err)
	}
	if _, member := so.MemberByUserID(a.me.ID); member || !hasOtherActiveAdmin(*so, a.me.ID) {
		t.Errorf("after the sweep the token's user should have left the joinable sub-organization, which another ACTIVE ADMIN keeps: %+v", so.Members)
	}
	if got := membersOf(t, a, parent); !slices.Equal(got, membersBefore) {
		t.Errorf("the token's organization's members after the sweep:\n got  %v\n want %v", got, membersBefore)
	}
	if got := linksOf(t, a, parent); !slices.Equal(got, linksBefore) {
		t.Errorf("the token's organization's links after the sweep:\n got  %v\n want %v", got, linksBefore)
	}
}

// Sub-organizations that an earlier run made are found and reused, emptied of what a crashed test
// left in them.
func TestLiveAccount_reusesSubOrgsOfEarlierRuns(t *testing.T) {
	env := newEmulatorEnv(t, emulator.Options{})
	var scratch, joinable string
	t.Run("first run", func(t *testing.T) {
		first := emulatorAsLiveAccount(t, env)
		scratch, joinable = first.scratchOrg(t), first.joinableSubOrg(t)
	})
	// What a crashed test leaves in the scratch sub-organization.
	if _, err := env.Admin.CreateInviteLink(testContext(t), scratch, client.NewInviteLinkRequest(client.RoleRead, "", "")); err != nil {
		t.Fatal(err)
	}
	t.Run("second run", func(t *testing.T) {
		second := emulatorAsLiveAccount(t, env)
		if got := second.scratchOrg(t); got != scratch {
			t.Errorf("the second run's scratch sub-organization is %s, want the first run's %s", got, scratch)
		}
		if got := linksOf(t, second, scratch); len(got) != 0 {
			t.Errorf("the reused scratch sub-organization still has the links %v", got)
		}
		if got := second.joinableSubOrg(t); got != joinable {
			t.Errorf("the second run's joinable sub-organization is %s, want the first run's %s", got, joinable)
		}
	})
	subOrgs, err := env.Admin.ListSubOrgs(testContext(t), env.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	var made int
	for _, so := range subOrgs {
		if strings.HasPrefix(so.Name, accPrefix) {
			made++
		}
	}
	if made != 2 {
		t.Errorf("the two runs made %d tf-acc- sub-organizations, want 2", made)
	}
}

// emulatorAsLiveAccount is the emulator of env seen as a live account, as the tests connect to one
// (a new one for each call, as for each run).
func emulatorAsLiveAccount(t *testing.T, env *testEnv) *liveAccount {
	t.Helper()
	vars := map[string]string{
		EnvBaseURL: env.URL, EnvAPIToken: env.AdminToken, envAccMemberToken: env.MemberToken,
		envAccSpaceID: emulator.DefaultSpaceID, envAccCollectionID: emulator.DefaultCollectionID, envAccEmailDomain: "example.com",
	}
	a, err := newLiveAccount(func(name string) string { return vars[name] })
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// membersOf lists the members of orgID as "<user ID> <role> <status>".
func membersOf(t *testing.T, a *liveAccount, orgID string) []string {
	t.Helper()
	members, err := a.admin.ListMembers(testContext(t), orgID, client.MemberFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range members {
		out = append(out, fmt.Sprintf("%s %s %s", m.User.ID, m.Role, m.Status))
	}
	slices.Sort(out)
	return out
}

// linksOf lists the IDs of orgID's organization links.
func linksOf(t *testing.T, a *liveAccount, orgID string) []string {
	t.Helper()
	links, err := a.admin.ListInviteLinks(testContext(t), orgID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range links {
		out = append(out, l.ID)
	}
	slices.Sort(out)
	return out
}
