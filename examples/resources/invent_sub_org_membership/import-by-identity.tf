import {
  to = invent_sub_org_membership.labs
  identity = {
    org_id     = "org_acme" # the organization's own ID; "c" is resolved to it
    sub_org_id = "org_acme_labs"
  }
}
