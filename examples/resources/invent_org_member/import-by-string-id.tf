# Bring an existing member under management, by email address (or by "<org_id>/<user_id>").
import {
  to = invent_org_member.new_hire
  id = "c/new.hire@example.com"
}
