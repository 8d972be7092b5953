# The API token's user's memberships in the sub-organizations of its own organization ("c"),
# ADMIN memberships only. `terraform query` (Terraform 1.14+) lists them by sub-organization name.
list "invent_sub_org_membership" "admin_of" {
  provider = invent

  config {
    org_id = "c"
    role   = "ADMIN"
  }
}
