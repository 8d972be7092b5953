# The token's user's membership, by "<org_id>/<sub_org_id>" (org_id as written in the configuration).
terraform import invent_sub_org_membership.emea "c/org_acme_emea"
