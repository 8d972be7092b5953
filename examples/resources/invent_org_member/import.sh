# By user ID: <org_id>/<user_id>
terraform import invent_org_member.new_hire "c/usr_0123456789"

# By email address: <org_id>/<email>
terraform import invent_org_member.new_hire "c/new.hire@example.com"
