# Adopt the organization's current members (creating the resource without this fails while the
# organization has members outside user_ids). The plan then shows each member that user_ids does not
# list as a removal, with a warning naming them: review it before applying.
import {
  to = invent_org_members_exclusive.all
  id = "c"
}
