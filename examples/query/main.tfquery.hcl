# Finds what already exists in the token's organization ("c"), so that it can be adopted:
#
#   terraform query                                      # list what is there
#   terraform query -generate-config-out=generated.tf   # write a resource and an import block for each
#   terraform apply                                      # import them all; the next plan has no changes
#
# Each result is identified by the organization's own ID (never "c") and the object's ID, which is
# what the generated import blocks use.

# The token's user's memberships in the sub-organizations.
list "invent_sub_org_membership" "memberships" {
  provider         = invent
  include_resource = true

  config {
    org_id = "c"
  }
}

# The organization-wide invite links (the API lists no space or collection links).
list "invent_invite_link" "links" {
  provider         = invent
  include_resource = true

  config {
    org_id = "c"
  }
}

# The members; role and search narrow the listing, as in the invent_org_members data source.
list "invent_org_member" "members" {
  provider         = invent
  include_resource = true
  limit            = 1000

  config {
    org_id = "c"
  }
}
