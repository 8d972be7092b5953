# Every member of the organization is declared: each is invited with an invent_org_member...
variable "members" {
  description = "The organization's members: email address => content role."
  type        = map(string)
  default = {
    "olivia@acme.example"  = "admin"
    "max@acme.example"     = "read"
    "new.hire@example.com" = "edit"
  }
}

resource "invent_org_member" "all" {
  for_each = var.members

  org_id = "c"
  email  = each.key
  role   = each.value
}

# ...and nobody else is a member: anyone added outside Terraform shows in the next plan as a
# removal, named in a warning, and apply removes them. The API token's own member belongs to the
# set without being listed and is never removed.
resource "invent_org_members_exclusive" "all" {
  org_id   = "c"
  user_ids = [for m in invent_org_member.all : m.user_id]
}
