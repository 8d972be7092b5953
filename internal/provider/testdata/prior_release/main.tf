terraform {
  required_providers {
    invent = {
      source = "registry.terraform.io/orgkit/invent"
    }
  }
}

provider "invent" {}

resource "invent_sub_org_membership" "emea" {
  org_id     = "c"
  sub_org_id = "org_acme_emea"
  role       = "DEVELOPER"
}

resource "invent_invite_link" "org" {
  org_id = "org_acme"
  role   = "review"
}

resource "invent_invite_link" "handbook" {
  org_id   = "c"
  role     = "guest"
  space_id = "spc_handbook"
}

resource "invent_org_member" "new_hire" {
  org_id = "org_acme"
  email  = "new.hire@example.com"
  role   = "read"
}
