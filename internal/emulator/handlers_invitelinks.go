package emulator

import (
	"net/http"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// listInviteLinks answers GET /orgs/{org_id}/link-invites: organization-wide links only, in
// creation order.
func (s *Server) listInviteLinks(c *call) (answer, error) {
	limit, after, err := cursorParams(c.r.URL.Query())
	if err != nil {
		return answer{}, err
	}
	var orgLinks []*linkRecord
	for _, l := range c.org.Links {
		if l.Kind == client.InviteLinkKindOrganization {
			orgLinks = append(orgLinks, l)
		}
	}
	return answer{http.StatusOK, cursorPage(orgLinks, linkSeq, after, limit, c.linkView)}, nil
}

func linkSeq(l *linkRecord) int64 { return l.Seq }

// createInviteLink answers POST /orgs/{org_id}/link-invites.
func (s *Server) createInviteLink(c *call) (answer, error) {
	spec, err := decodeCreateInviteLink(c.body)
	if err != nil {
		return answer{}, err
	}
	if spec.kind != client.InviteLinkKindOrganization {
		if _, ok := c.org.content(spec.kind, spec.targetID); !ok {
			return answer{}, badRequest("%s %q does not exist in organization %q", spec.kind, spec.targetID, c.org.ID)
		}
	}
	id, seq := s.store.newID("inv_")
	l := &linkRecord{Seq: seq, ID: id, Kind: spec.kind, Role: spec.role, TargetID: spec.targetID}
	c.org.Links = append(c.org.Links, l)
	return answer{http.StatusCreated, c.linkView(l)}, nil
}

// getInviteLink answers GET /orgs/{org_id}/link-invites/{invite_id}.
func (s *Server) getInviteLink(c *call) (answer, error) {
	l, err := c.inviteLink()
	if err != nil {
		return answer{}, err
	}
	return answer{http.StatusOK, c.linkView(l)}, nil
}

// updateInviteLink answers PATCH /orgs/{org_id}/link-invites/{invite_id}.
func (s *Server) updateInviteLink(c *call) (answer, error) {
	l, err := c.inviteLink()
	if err != nil {
		return answer{}, err
	}
	if l.Role, err = decodeUpdateInviteLink(c.body, l.Kind); err != nil {
		return answer{}, err
	}
	return answer{http.StatusOK, c.linkView(l)}, nil
}

// deleteInviteLink answers DELETE /orgs/{org_id}/link-invites/{invite_id}: 205 when it deleted the
// link, 204 when there was none.
func (s *Server) deleteInviteLink(c *call) (answer, error) {
	l, i := c.org.link(c.r.PathValue("invite_id"))
	if l == nil {
		return answer{status: http.StatusNoContent}, nil
	}
	c.org.Links = append(c.org.Links[:i], c.org.Links[i+1:]...)
	return answer{status: http.StatusResetContent}, nil
}

// inviteLink resolves {invite_id} among the organization's links.
func (c *call) inviteLink() (*linkRecord, error) {
	id := c.r.PathValue("invite_id")
	l, _ := c.org.link(id)
	if l == nil {
		return nil, notFound("invite link %q not found in organization %q", id, c.org.ID)
	}
	return l, nil
}

// linkView is the wire object of l as the caller sees it: redundant when the caller's content role
// already ranks at least the link's.
func (c *call) linkView(l *linkRecord) client.InviteLink {
	v := client.InviteLink{
		Object:    "invite",
		ID:        l.ID,
		Redundant: c.member.active() && contentRank[c.member.ContentRole] >= contentRank[l.Role],
	}
	if l.Kind == client.InviteLinkKindOrganization {
		v.Role = l.Role
		return v
	}
	v.Level = l.Role
	target, _ := c.org.content(l.Kind, l.TargetID)
	ref := &client.ContentRef{Object: l.Kind, ID: target.ID, Title: target.Title}
	if l.Kind == client.InviteLinkKindSpace {
		v.Space = ref
	} else {
		v.Collection = ref
	}
	return v
}
