# The user the provider's API token belongs to.
data "invent_current_user" "me" {}

output "acting_as" {
  value = "${data.invent_current_user.me.name} <${data.invent_current_user.me.email}>"
}
