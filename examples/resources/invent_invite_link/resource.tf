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

# The ID is sensitive (anyone signed in who knows it can join): an output of it must say so, and
# `terraform output -raw readers_link_id` prints it where it is to be shared.
output "readers_link_id" {
  value     = invent_invite_link.readers.id
  sensitive = true
}

# The fingerprint, the ID's last 4 characters, names the link in plans and logs.
output "readers_link_fingerprint" {
  value = invent_invite_link.readers.fingerprint
}
