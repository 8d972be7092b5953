# A link to the whole organization: whoever holds it joins with the "read" role.
resource "invent_invite_link" "readers" {
  org_id = "org_acme"
  role   = "read"
}

# A link to one space; "guest" is the API's null role.
resource "invent_invite_link" "handbook_guests" {
  org_id   = "org_acme"
  role     = "guest"
  space_id = "spc_handbook"
}

# A link to one collection, with longer timeouts than the default 5 minutes.
resource "invent_invite_link" "guides_editors" {
  org_id        = "org_acme"
  role          = "edit"
  collection_id = "col_guides"

  timeouts {
    create = "10m"
    delete = "10m"
  }
}

output "handbook_link_title" {
  value = invent_invite_link.handbook_guests.title # "Handbook"
}
