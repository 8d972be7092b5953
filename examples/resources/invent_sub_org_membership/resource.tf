# Join a sub-organization of the token's own organization ("c") as a DEVELOPER.
resource "invent_sub_org_membership" "emea" {
  org_id     = "c"
  sub_org_id = "org_acme_emea"
  role       = "DEVELOPER"
}

# The same for a named parent organization, with longer timeouts.
resource "invent_sub_org_membership" "retail" {
  org_id     = "org_acme"
  sub_org_id = "org_acme_retail"
  role       = "ADMIN"

  timeouts {
    create = "10m"
    delete = "10m"
  }
}
