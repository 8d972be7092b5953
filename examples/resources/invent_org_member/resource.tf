# Invite a new colleague. Without an Invent account yet, they are a member with status
# INVITED until they sign up; with one, they join at once (ACTIVE).
resource "invent_org_member" "new_hire" {
  org_id = "c" # the organization the API token was created in
  email  = "new.hire@example.com"
  role   = "edit"
}

# A member who signs in through the organization's single sign-on.
resource "invent_org_member" "reviewer" {
  org_id = "c"
  email  = "Reviewer@Example.com" # compared without regard to case
  role   = "review"
  sso    = true

  timeouts {
    create = "10m"
  }
}
