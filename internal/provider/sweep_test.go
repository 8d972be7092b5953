package provider

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/orgkit/terraform-provider-invent/internal/client"
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
