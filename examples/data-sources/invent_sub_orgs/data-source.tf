# Every sub-organization of the token's own organization ("c"), all pages.
data "invent_sub_orgs" "all" {
  org_id = "c"
}

# Only the sub-organizations whose name starts with "Acme ".
data "invent_sub_orgs" "acme" {
  org_id     = "org_acme"
  name_regex = "^Acme "
}

output "sub_org_ids" {
  value = data.invent_sub_orgs.all.ids
}

# Sub-organizations that pay from their own balance and are running low.
output "low_balance" {
  value = [
    for so in data.invent_sub_orgs.all.sub_orgs : so.name
    if try(so.billing.use_parent_balance, null) == false && so.balance < 100
  ]
}
