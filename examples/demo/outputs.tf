output "current_user" {
  description = "The user the API token belongs to."
  value       = data.invent_current_user.me
}

output "sub_org_names" {
  description = "The names of every sub-organization of the parent."
  value       = [for so in data.invent_sub_orgs.all.sub_orgs : so.name]
}

output "membership" {
  description = "The token's user's membership in the EMEA sub-organization."
  value = {
    id     = invent_sub_org_membership.emea.id
    role   = invent_sub_org_membership.emea.role
    status = invent_sub_org_membership.emea.status
  }
}

output "invite_links" {
  description = "The invite links the demo manages."
  value = {
    readers         = { id = invent_invite_link.readers.id, kind = invent_invite_link.readers.kind }
    handbook_guests = { id = invent_invite_link.handbook_guests.id, title = invent_invite_link.handbook_guests.title }
  }
}

output "organization_link_count" {
  description = "How many organization-wide invite links the organization has."
  value       = length(data.invent_invite_links.all.invite_links)
}

output "new_hire_status" {
  description = "INVITED until the invited colleague signs up."
  value       = invent_org_member.new_hire.status
}
