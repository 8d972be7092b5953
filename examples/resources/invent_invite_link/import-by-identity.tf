# An invite link is imported by its identity: the organization's own ID (c is resolved) and the
# invite ID. The link's kind, role and space or collection are read from the API.
import {
  to = invent_invite_link.readers
  identity = {
    org_id    = "org_acme"
    invite_id = "inv_0123456789"
  }
}
