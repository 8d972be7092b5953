# Bring the token's user's existing membership under management by its identity. org_id is the
# organization's own ID (c is resolved); write the same ID in the resource.
import {
  to = invent_sub_org_membership.labs
  identity = {
    org_id     = "org_acme"
    sub_org_id = "org_acme_labs"
  }
}

resource "invent_sub_org_membership" "labs" {
  org_id     = "org_acme"
  sub_org_id = "org_acme_labs"
  role       = "DEVELOPER"
}
