# Every organization-wide invite link of the token's organization, with the resource object, so
# that `terraform query -generate-config-out=links.tf` writes a resource and an import block for each.
list "invent_invite_link" "all" {
  provider         = invent
  include_resource = true

  config {
    org_id = "c"
  }
}

# Only the links that let anyone join as a guest.
list "invent_invite_link" "guest" {
  provider = invent

  config {
    org_id = "c"
    role   = "guest"
  }
}
