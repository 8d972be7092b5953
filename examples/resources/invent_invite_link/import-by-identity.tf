import {
  to = invent_invite_link.readers
  identity = {
    org_id    = "org_acme" # the organization's own ID; "c" is resolved to it
    invite_id = "inv_0123456789"
  }
}
