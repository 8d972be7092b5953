# Bring the token's user's existing membership under management, by "<org_id>/<sub_org_id>".
import {
  to = invent_sub_org_membership.labs
  id = "org_acme/org_acme_labs"
}

resource "invent_sub_org_membership" "labs" {
  org_id     = "org_acme"
  sub_org_id = "org_acme_labs"
  role       = "DEVELOPER"
}
