package provider

import (
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// apiIDPattern is the shape of every ID the API issues, so a typo is caught at plan time instead of
// surfacing as a 404 after other changes were applied.
var apiIDPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)

// idValidators check an attribute that holds an API ID.
func idValidators() []validator.String {
	return []validator.String{
		stringvalidator.RegexMatches(apiIDPattern, "must be a non-empty ID of letters, digits, '_' and '-'"),
	}
}

// orgIDValidators check an organization ID, where `c` stands for the token's own organization.
func orgIDValidators() []validator.String {
	return []validator.String{
		stringvalidator.RegexMatches(apiIDPattern,
			"must be an organization ID of letters, digits, '_' and '-', or \"c\" for the token's own organization"),
	}
}

// orgRoleValidators check an organization role (ADMIN, DEVELOPER, MANAGER, STAFF), case included.
func orgRoleValidators() []validator.String {
	return []validator.String{stringvalidator.OneOf(client.OrgRoles...)}
}

// contentRoleValidators check a content role (admin ... read, or guest), case included.
func contentRoleValidators() []validator.String {
	names := make([]string, len(client.ContentRoles))
	for i, r := range client.ContentRoles {
		names[i] = string(r)
	}
	return []validator.String{stringvalidator.OneOf(names...)}
}
