# Every organization-wide invite link of the organization (space and collection links are not listed).
data "invent_invite_links" "all" {
  org_id = "org_acme"
}

# The IDs of the links that grant more than the API token's user already holds.
output "links_that_grant_more" {
  value = [for link in data.invent_invite_links.all.invite_links : link.id if !link.redundant]
}
