package emulator

import (
	"fmt"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// Test-setup helpers: they create state the public API cannot, so that tests can arrange the
// situations they check (a last ADMIN, a demoted user, a space to link to). Each takes the store
// lock and persists like an API change.

// AddUser puts a user into the directory. A user with a token and no TokenOrg gets the fixture's
// first organization as the one "c" stands for.
func (s *Server) AddUser(u FixtureUser) error {
	return s.mutate(func() error {
		rec := &userRecord{
			ID: u.ID, Name: u.Name, Email: u.Email, Avatar: u.Avatar,
			Token: u.Token, TokenOrgID: u.TokenOrg, SSOElsewhere: u.SSOElsewhere,
		}
		if rec.Token != "" && rec.TokenOrgID == "" && len(s.store.st.Orgs) > 0 {
			rec.TokenOrgID = s.store.st.Orgs[0].ID
		}
		if err := s.store.checkNewUser(rec); err != nil {
			return err
		}
		s.store.addUser(rec)
		return nil
	})
}

// AddSubOrg adds a sub-organization under the top-level organization parentID and returns its id
// (so.ID, or a generated one when empty). Its members must be users of the directory.
func (s *Server) AddSubOrg(parentID string, so FixtureSubOrg) (string, error) {
	var id string
	err := s.mutate(func() error {
		o, err := s.store.addFixtureOrg(parentID, so, false)
		if err != nil {
			return err
		}
		id = o.ID
		return nil
	})
	return id, err
}

// SetOrgRole gives a user an organization role in orgID, adding an ACTIVE membership when there is
// none. Unlike the API it ignores the last-ADMIN rule, so that a test can make any arrangement.
func (s *Server) SetOrgRole(orgID, userID, role string) error {
	return s.mutate(func() error {
		o, err := s.lookupOrg(orgID)
		if err != nil {
			return err
		}
		switch {
		case s.store.users[userID] == nil:
			return fmt.Errorf("user %q does not exist", userID)
		case !validOrgRole(role):
			return fmt.Errorf("unknown organization role %q", role)
		}
		if m, _ := o.member(userID); m != nil {
			m.setOrgRole(role, s.store.now())
			return nil
		}
		o.Members = append(o.Members, s.store.newMembership(userID, role, "", client.MemberStatusActive))
		return nil
	})
}

// RemoveMembership takes a user out of orgID, whatever its role.
func (s *Server) RemoveMembership(orgID, userID string) error {
	return s.mutate(func() error {
		o, err := s.lookupOrg(orgID)
		if err != nil {
			return err
		}
		m, i := o.member(userID)
		if m == nil {
			return fmt.Errorf("user %q is not a member of organization %q", userID, orgID)
		}
		o.removeMember(i)
		return nil
	})
}

// AddSpace adds a space that invite links can point at.
func (s *Server) AddSpace(orgID, id, title string) error {
	return s.addContent(orgID, id, title, client.InviteLinkKindSpace)
}

// AddCollection adds a collection that invite links can point at.
func (s *Server) AddCollection(orgID, id, title string) error {
	return s.addContent(orgID, id, title, client.InviteLinkKindCollection)
}

func (s *Server) addContent(orgID, id, title, kind string) error {
	return s.mutate(func() error {
		o, err := s.lookupOrg(orgID)
		if err != nil {
			return err
		}
		dst := &o.Spaces
		if kind == client.InviteLinkKindCollection {
			dst = &o.Collections
		}
		return addContent(o, dst, id, title)
	})
}

func (s *Server) lookupOrg(id string) (*orgRecord, error) {
	o := s.store.orgs[id]
	if o == nil {
		return nil, fmt.Errorf("organization %q does not exist", id)
	}
	return o, nil
}

// mutate runs change under the write lock and persists when it succeeds.
func (s *Server) mutate(change func() error) error {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	if err := change(); err != nil {
		return fmt.Errorf("emulator: %w", err)
	}
	return s.store.persist()
}
