# Every organization-wide invite link of the organization (space and collection links are not listed).
data "invent_invite_links" "all" {
  org_id = "org_acme"
}

# The links that grant more than the API token's user already holds, by fingerprint (the last 4
# characters of the ID): the IDs themselves are sensitive, since each lets anyone signed in join.
output "links_that_grant_more" {
  value = [for link in data.invent_invite_links.all.invite_links : "${link.fingerprint} (${link.role})" if !link.redundant]
}

# The links keyed by fingerprint, for for_each; a sensitive ID cannot be a for_each key.
locals {
  links_by_fingerprint = { for link in data.invent_invite_links.all.invite_links : link.fingerprint => link }
}
