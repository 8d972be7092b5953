import {
  to = invent_org_member.new_hire
  identity = {
    org_id  = "org_acme" # the organization's own ID; "c" is resolved to it
    user_id = "usr_0123456789"
  }
}
