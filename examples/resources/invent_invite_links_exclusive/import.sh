# The import ID is the organization's ID. The next plan shows each organization-wide link that
# invite_ids does not list as a revocation, with a warning naming them: review it before applying.
terraform import invent_invite_links_exclusive.all "c"
