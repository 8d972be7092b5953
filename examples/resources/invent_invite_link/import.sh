# An invite link is imported by its organization ID and invite ID, separated by a slash.
terraform import invent_invite_link.readers "org_acme/inv_0123456789"
