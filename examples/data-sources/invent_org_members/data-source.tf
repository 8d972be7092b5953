# Every admin of the organization.
data "invent_org_members" "admins" {
  org_id = "c"
  role   = "admin"
}

# Members whose name or address contains "example.com", whatever their role.
data "invent_org_members" "example_com" {
  org_id = "c"
  search = "example.com"
}

output "admin_emails" {
  value = data.invent_org_members.admins.members[*].email
}

output "pending_invitations" {
  value = [for m in data.invent_org_members.example_com.members : m.email if m.status == "INVITED"]
}
