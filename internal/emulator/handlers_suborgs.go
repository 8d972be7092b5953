package emulator

import (
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// listSubOrgs answers GET /orgs/{org_id}/orgs: a bare array, ordered by created_at then id.
func (s *Server) listSubOrgs(c *call) (answer, error) {
	page, take, err := pageParams(c.r.URL.Query())
	if err != nil {
		return answer{}, err
	}
	subs := s.store.children(c.org.ID)
	sort.SliceStable(subs, func(i, j int) bool {
		if !subs[i].CreatedAt.Equal(subs[j].CreatedAt) {
			return subs[i].CreatedAt.Before(subs[j].CreatedAt)
		}
		return subs[i].ID < subs[j].ID
	})
	views := []client.SubOrg{}
	for _, o := range window(subs, page, take) {
		views = append(views, s.store.subOrgView(o))
	}
	return answer{http.StatusOK, views}, nil
}

// getSubOrg answers GET /orgs/{org_id}/orgs/{sub_org_id}.
func (s *Server) getSubOrg(c *call) (answer, error) {
	sub, err := s.subOrg(c)
	if err != nil {
		return answer{}, err
	}
	return answer{http.StatusOK, s.store.subOrgView(sub)}, nil
}

// createSubOrg answers POST /orgs/{org_id}/orgs. The new sub-organization has no members: the
// creator joins it explicitly, with the role it chooses.
func (s *Server) createSubOrg(c *call) (answer, error) {
	fields, err := decodeFields(c.body, "name")
	if err != nil {
		return answer{}, err
	}
	var name string
	if err := decodeValue(fields, "name", &name); err != nil {
		return answer{}, err
	}
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n < 2 || n > 64 {
		return answer{}, badRequest("field \"name\" must be 2 to 64 characters long, not counting surrounding spaces; got %d", n)
	}
	if c.org.ParentID != "" {
		return answer{}, badRequest("organization %q is a sub-organization, and sub-organizations have no sub-organizations", c.org.ID)
	}
	sub, err := s.store.addFixtureOrg(c.org.ID, newSubOrg(name, s.store.now()), false)
	if err != nil {
		return answer{}, err
	}
	return answer{http.StatusCreated, s.store.subOrgView(sub)}, nil
}

// newSubOrg is a sub-organization as the API creates it: free plan, nothing spent, nothing set up.
func newSubOrg(name string, now time.Time) FixtureSubOrg {
	useParent, customDomain := true, false
	return FixtureSubOrg{
		Name: name, Plan: client.PlanFree, CreatedAt: now,
		Billing: &client.Billing{
			AutoRecharge:     &client.AutoRecharge{},
			UseParentBalance: &useParent,
			SpendingCap:      &client.SpendingCap{},
		},
		Features: &client.Features{CustomDomain: &customDomain},
		Config: &client.OrgConfig{
			Access:  &client.OrgAccess{SessionTTLSeconds: 86400, AllowGoogle: true, AllowMicrosoft: true, AllowEmailCode: true, AllowInvites: true},
			Modules: &client.OrgModules{EnableInbox: true},
		},
	}
}

// joinSubOrg answers POST /orgs/{org_id}/orgs/{sub_org_id}/join: it adds the caller with the role,
// or sets the role of a caller who is a member already.
func (s *Server) joinSubOrg(c *call) (answer, error) {
	sub, err := s.subOrg(c)
	if err != nil {
		return answer{}, err
	}
	fields, err := decodeFields(c.body, "role")
	if err != nil {
		return answer{}, err
	}
	role, err := decodeOrgRole(fields)
	if err != nil {
		return answer{}, err
	}
	now := s.store.now()
	if m, _ := sub.member(c.caller.ID); m != nil {
		if role != client.OrgRoleAdmin && sub.isLastAdmin(m) {
			return answer{}, conflict("you are the last ADMIN of sub-organization %q; make someone else ADMIN before changing your role", sub.ID)
		}
		m.setOrgRole(role, now)
		m.Status, m.SeenAt = client.MemberStatusActive, &now
	} else {
		sub.Members = append(sub.Members, s.store.newMembership(c.caller.ID, role, "", client.MemberStatusActive))
	}
	return answer{http.StatusOK, s.store.subOrgView(sub)}, nil
}

// leaveSubOrg answers DELETE /orgs/{org_id}/orgs/{sub_org_id}/join.
func (s *Server) leaveSubOrg(c *call) (answer, error) {
	sub, err := s.subOrg(c)
	if err != nil {
		return answer{}, err
	}
	m, i := sub.member(c.caller.ID)
	if m == nil {
		return answer{}, notFound("you are not a member of sub-organization %q", sub.ID)
	}
	if sub.isLastAdmin(m) {
		return answer{}, conflict("you are the last ADMIN of sub-organization %q and cannot leave it", sub.ID)
	}
	sub.removeMember(i)
	return answer{status: http.StatusNoContent}, nil
}

// subOrg resolves {sub_org_id}, which must be a child of {org_id}.
func (s *Server) subOrg(c *call) (*orgRecord, error) {
	id := c.r.PathValue("sub_org_id")
	sub := s.store.child(c.org.ID, id)
	if sub == nil {
		return nil, notFound("sub-organization %q is not a child of organization %q", id, c.org.ID)
	}
	return sub, nil
}

// subOrgView is the SubOrg wire object of o.
func (s *store) subOrgView(o *orgRecord) client.SubOrg {
	members := make([]client.SubOrgMember, 0, len(o.Members))
	for _, m := range o.Members {
		u := s.users[m.UserID]
		members = append(members, client.SubOrgMember{
			ID: m.ID, Name: u.Name, Email: u.Email, Avatar: u.Avatar, Role: m.OrgRole, Status: m.Status,
			OrgID: o.ID, UserID: u.ID, Preferences: m.Preferences,
			CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, SeenAt: m.SeenAt,
		})
	}
	return client.SubOrg{
		ID: o.ID, Name: o.Name, LogoURL: o.LogoURL, Plan: o.Plan, Balance: o.Balance, PromoBalance: o.PromoBalance,
		Billing: o.Billing, Members: members, SpendingCapUsed: o.SpendingCapUsed, CreatedAt: o.CreatedAt,
		Features: o.Features, Config: o.Config,
	}
}
