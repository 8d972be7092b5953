# The admins of an organization whose name or address mentions "acme", at most 500 of them.
list "invent_org_member" "acme_admins" {
  provider = invent
  limit    = 500

  config {
    org_id = "org_acme"
    role   = "admin"
    search = "acme"
  }
}
