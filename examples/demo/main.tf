# The demo configuration. It runs against the local Invent API emulator, not the real API:
# `make demo` (scripts/demo.sh) builds the provider and the emulator, starts the emulator on a free
# loopback port, sets INVENT_BASE_URL and INVENT_API_TOKEN (the emulator's default admin token) and
# TF_VAR_org_id (the emulator's parent organization), applies this directory, and checks that a
# second plan has no changes. Each resource here must therefore converge in one apply.

terraform {
  required_providers {
    invent = {
      source = "orgkit/invent"
    }
  }
}

# base_url and api_token come from INVENT_BASE_URL and INVENT_API_TOKEN.
provider "invent" {}

variable "org_id" {
  description = "The parent organization the demo works in. scripts/demo.sh sets it from the emulator's fixture."
  type        = string
  default     = "org_acme"
}

# Who the API token belongs to.
data "invent_current_user" "me" {}

# Every sub-organization of the parent, all pages.
data "invent_sub_orgs" "all" {
  org_id = var.org_id
}

# The token's user joins a sub-organization it is not a member of yet (in the emulator's fixture:
# "Acme EMEA") as a DEVELOPER.
resource "invent_sub_org_membership" "emea" {
  org_id     = var.org_id
  sub_org_id = one([for so in data.invent_sub_orgs.all.sub_orgs : so.id if so.name == "Acme EMEA"])
  role       = "DEVELOPER"
}

# An invite link to the whole organization, and one to a single space for guests.
resource "invent_invite_link" "readers" {
  org_id = var.org_id
  role   = "read"
}

resource "invent_invite_link" "handbook_guests" {
  org_id   = var.org_id
  role     = "guest"
  space_id = "spc_handbook"
}

# A colleague invited by email: INVITED until they sign up.
resource "invent_org_member" "new_hire" {
  org_id = var.org_id
  email  = "new.hire@example.com"
  role   = "edit"
}

# The organization's invite links, read after the ones above exist.
data "invent_invite_links" "all" {
  org_id     = var.org_id
  depends_on = [invent_invite_link.readers]
}
