package emulator

import (
	"net/http"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// getMe answers GET /users/me with the key's user and the organization the key was created in, the
// same one dispatch puts in place of "c".
func (s *Server) getMe(c *call) (answer, error) {
	return answer{http.StatusOK, client.User{ID: c.caller.ID, Name: c.caller.Name, Email: c.caller.Email, OrgID: c.caller.TokenOrgID}}, nil
}
