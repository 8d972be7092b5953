package emulator

import (
	"net/http"
	"strings"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// inviteByEmail answers POST /orgs/{org_id}/invites. Each address is matched case-insensitively
// against the user directory: members are skipped, known users join at once, and unknown addresses
// become new users who are members with status INVITED.
func (s *Server) inviteByEmail(c *call) (answer, error) {
	spec, err := decodeEmailInvite(c.body)
	if err != nil {
		return answer{}, err
	}
	resp := client.InviteResponse{Users: []string{}}
	for _, entry := range spec.entries {
		role := firstRole(entry.role, spec.defaultRole, client.RoleRead)
		status := client.MemberStatusActive
		u := s.store.emails[strings.ToLower(entry.email)]
		switch {
		case u == nil:
			id, _ := s.store.newID("usr_")
			local, _, _ := strings.Cut(entry.email, "@")
			u = &userRecord{ID: id, Name: local, Email: entry.email}
			s.store.addUser(u)
			status = client.MemberStatusInvited
		case hasMember(c.org, u.ID):
			continue
		}
		m := s.store.newMembership(u.ID, "", role, status)
		if spec.sso {
			if u.SSOElsewhere {
				resp.FailedSSOEmails = append(resp.FailedSSOEmails, entry.email)
			} else {
				m.SSO = true
			}
		}
		c.org.Members = append(c.org.Members, m)
		resp.Users = append(resp.Users, u.ID)
	}
	resp.Invited = len(resp.Users)
	return answer{http.StatusOK, resp}, nil
}

// firstRole returns the first role that is set.
func firstRole(roles ...client.ContentRole) client.ContentRole {
	for _, r := range roles {
		if r != "" {
			return r
		}
	}
	return ""
}

func hasMember(o *orgRecord, userID string) bool {
	m, _ := o.member(userID)
	return m != nil
}

// joinWithInvite answers POST /orgs/{org_id}/invites/{invite_id}: the caller joins the organization
// through one of its invite links (a space or collection link joins the organization too), with
// the link's role. A member stays as it is, except that an INVITED one becomes ACTIVE.
func (s *Server) joinWithInvite(c *call) (answer, error) {
	l, err := c.inviteLink()
	if err != nil {
		return answer{}, err
	}
	switch {
	case c.member == nil:
		c.org.Members = append(c.org.Members, s.store.newMembership(c.caller.ID, "", l.Role, client.MemberStatusActive))
	case c.member.Status == client.MemberStatusInvited:
		now := s.store.now()
		c.member.Status, c.member.SeenAt, c.member.UpdatedAt = client.MemberStatusActive, &now, now
	}
	return answer{http.StatusOK, struct{}{}}, nil
}
