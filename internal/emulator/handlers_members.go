package emulator

import (
	"net/http"
	"strings"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// listMembers answers GET /orgs/{org_id}/members in joining order, filtered by content role
// ("guest" for the null role) and by a case-insensitive search of name and email.
func (s *Server) listMembers(c *call) (answer, error) {
	q := c.r.URL.Query()
	limit, after, err := cursorParams(q)
	if err != nil {
		return answer{}, err
	}
	role := client.ContentRole(q.Get("role"))
	if role != "" && !role.Valid() {
		return answer{}, badRequest("query parameter \"role\" must be one of admin, create, edit, review, comment, read or guest, got %q", role)
	}
	search := strings.ToLower(q.Get("search"))
	var matches []*membership
	for _, m := range c.org.Members {
		u := s.store.users[m.UserID]
		if role != "" && m.ContentRole != role {
			continue
		}
		if search != "" && !strings.Contains(strings.ToLower(u.Name), search) && !strings.Contains(strings.ToLower(u.Email), search) {
			continue
		}
		matches = append(matches, m)
	}
	return answer{http.StatusOK, cursorPage(matches, memberSeq, after, limit, c.memberView)}, nil
}

func memberSeq(m *membership) int64 { return m.Seq }

// getMember answers GET /orgs/{org_id}/members/{user_id}.
func (s *Server) getMember(c *call) (answer, error) {
	m, err := c.targetMember()
	if err != nil {
		return answer{}, err
	}
	return answer{http.StatusOK, c.memberView(m)}, nil
}

// updateMember answers PATCH /orgs/{org_id}/members/{user_id}: it sets the content role, which
// also sets the organization role (see setContentRole).
func (s *Server) updateMember(c *call) (answer, error) {
	m, err := c.targetMember()
	if err != nil {
		return answer{}, err
	}
	fields, err := decodeFields(c.body, "role")
	if err != nil {
		return answer{}, err
	}
	role, err := decodeContentRole(fields, "role")
	if err != nil {
		return answer{}, err
	}
	if role != client.RoleAdmin && c.org.isLastAdmin(m) {
		return answer{}, conflict("%q is the last admin of organization %q; make someone else admin first", m.UserID, c.org.ID)
	}
	m.setContentRole(role, s.store.now())
	return answer{http.StatusOK, c.memberView(m)}, nil
}

// removeMember answers DELETE /orgs/{org_id}/members/{user_id}: 204 when the user is no member,
// 202 when the caller is not an ADMIN (a request to the admins; nothing changes), 205 when removed.
func (s *Server) removeMember(c *call) (answer, error) {
	m, i := c.org.member(c.r.PathValue("user_id"))
	switch {
	case m == nil:
		return answer{status: http.StatusNoContent}, nil
	case !c.member.isAdmin():
		return answer{status: http.StatusAccepted}, nil
	case c.org.isLastAdmin(m):
		return answer{}, conflict("%q is the last admin of organization %q and cannot be removed", m.UserID, c.org.ID)
	}
	c.org.removeMember(i)
	return answer{status: http.StatusResetContent}, nil
}

// targetMember resolves {user_id} among the organization's members.
func (c *call) targetMember() (*membership, error) {
	id := c.r.PathValue("user_id")
	m, _ := c.org.member(id)
	if m == nil {
		return nil, notFound("user %q is not a member of organization %q", id, c.org.ID)
	}
	return m, nil
}

// memberView is the Member wire object of m. A guest sees no space; everyone else sees them all.
func (c *call) memberView(m *membership) client.Member {
	u := c.store.users[m.UserID]
	spaces := len(c.org.Spaces)
	if m.ContentRole == client.RoleGuest {
		spaces = 0
	}
	return client.Member{
		Object: "member", ID: u.ID, Role: m.ContentRole,
		User:     client.MemberUser{Object: "user", ID: u.ID, DisplayName: u.Name, Email: u.Email, PhotoURL: u.Avatar},
		Disabled: m.Status == client.MemberStatusDisabled, JoinedAt: m.CreatedAt, LastSeenAt: m.SeenAt,
		Status: m.Status, SSO: m.SSO, Spaces: spaces,
	}
}
