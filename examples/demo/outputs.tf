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
  description = "The invite links the demo manages, by fingerprint: the last 4 characters of the ID, which is sensitive (anyone signed in who knows it can join)."
  value = {
    readers         = { fingerprint = invent_invite_link.readers.fingerprint, kind = invent_invite_link.readers.kind }
    handbook_guests = { fingerprint = invent_invite_link.handbook_guests.fingerprint, title = invent_invite_link.handbook_guests.title }
  }
}

output "readers_invite_id" {
  description = "The readers link's ID, for whoever is to receive it: `terraform output -raw readers_invite_id` prints it."
  value       = invent_invite_link.readers.id
  sensitive   = true
}

output "organization_link_count" {
  description = "How many organization-wide invite links the organization has."
  value       = length(data.invent_invite_links.all.invite_links)
}

output "new_hire_status" {
  description = "INVITED until the invited colleague signs up."
  value       = invent_org_member.new_hire.status
}
