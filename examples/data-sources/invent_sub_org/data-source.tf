# One sub-organization by ID.
data "invent_sub_org" "emea" {
  org_id = "c"
  id     = "org_acme_emea"
}

# One sub-organization by its exact name; an error if none or several have it.
data "invent_sub_org" "labs" {
  org_id = "org_acme"
  name   = "Acme Labs"
}

output "emea_admins" {
  value = [for m in data.invent_sub_org.emea.members : m.email if m.role == "ADMIN"]
}

output "labs_plan" {
  value = data.invent_sub_org.labs.plan
}
