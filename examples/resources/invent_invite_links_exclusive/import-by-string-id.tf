# Adopt the organization's current links (creating the resource without this fails while the
# organization has organization-wide links outside invite_ids). The plan then shows each link that
# invite_ids does not list as a revocation, with a warning naming them: review it before applying.
import {
  to = invent_invite_links_exclusive.all
  id = "c"
}
