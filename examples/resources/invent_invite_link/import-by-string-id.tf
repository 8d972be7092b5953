# An invite link is imported by its organization ID and invite ID, separated by a slash. The link's
# kind, role and space or collection are read from the API.
import {
  to = invent_invite_link.readers
  id = "org_acme/inv_0123456789"
}
