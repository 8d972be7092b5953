# Every organization-wide invite link is declared with an invent_invite_link...
resource "invent_invite_link" "org" {
  for_each = toset(["read", "comment"])

  org_id = "c"
  role   = each.key
}

# ...and no other organization-wide link exists: one created outside Terraform shows in the next
# plan, named in a warning by its fingerprint (the last 4 characters of its ID, which is sensitive)
# and role, and apply revokes it. Space and collection links are left alone (the API lists only
# organization-wide links).
resource "invent_invite_links_exclusive" "all" {
  org_id     = "c"
  invite_ids = [for l in invent_invite_link.org : l.id]
}
