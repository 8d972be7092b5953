# The import ID is the organization's ID. The next plan shows each member that user_ids does not
# list as a removal, with a warning naming them: review it before applying.
terraform import invent_org_members_exclusive.all "c"
