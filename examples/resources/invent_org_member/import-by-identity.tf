# Bring an existing member under management by its identity: the organization's own ID (c is
# resolved) and the member's user ID.
import {
  to = invent_org_member.new_hire
  identity = {
    org_id  = "org_acme"
    user_id = "usr_0123456789"
  }
}
