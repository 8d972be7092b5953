package provider

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/orgkit/terraform-provider-invent/internal/client"
	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

// badInput is a configuration that must fail with an exact error and change nothing.
type badInput struct {
	// config is the whole configuration, provider block included.
	config func(env *testEnv) string
	// importID, when set, is imported into importTo instead of planning config.
	importID, importTo string
	// atApply: only the API's answer to a change can tell, so the case applies; otherwise the
	// error must come at plan time.
	atApply bool
	// want are the parts of the error, in order (messageRegexp): the summary, then the detail.
	want []string
}

// asAdmin, asMember and withProvider make a badInput's config from a configuration body.
func asAdmin(body string) func(*testEnv) string {
	return func(env *testEnv) string { return env.providerConfig(body) }
}

func asMember(body string) func(*testEnv) string {
	return func(env *testEnv) string { return env.providerConfigWithToken(env.MemberToken, body) }
}

// withProvider is body after a provider block with baseURL ("": the emulator's), token and more
// attributes.
func withProvider(baseURL, token, more, body string) func(*testEnv) string {
	return func(env *testEnv) string {
		if baseURL == "" {
			baseURL = env.URL
		}
		return fmt.Sprintf("provider \"invent\" {\n  base_url  = %q\n  api_token = %q\n  %s\n}\n", baseURL, token, more) + body
	}
}

func membershipBody(subOrgID, role string) string {
	return subOrgMembershipConfig(emulator.DefaultParentOrgID, subOrgID, role)
}

func memberBody(email, role string) string {
	return orgMemberConfig(emulator.DefaultParentOrgID, email, role)
}

// Every bad input fails with its own exact message, at plan time where the provider can know, and
// leaves neither state nor anything in the API behind. A panic would fail the case too: Terraform
// then prints the plugin's crash instead of the expected message.
func TestAccBadInput(t *testing.T) {
	const org = emulator.DefaultParentOrgID
	contentRole := func(attr, got string) []string {
		return []string{fmt.Sprintf(`Attribute %s value must be one of: ["admin" "create" "edit" "review" "comment" "read" "guest"], got: "%s"`, attr, got)}
	}
	orgRole := func(got string) []string {
		return []string{`Attribute role value must be one of: ["ADMIN" "DEVELOPER" "MANAGER" "STAFF"], got: "` + got + `"`}
	}
	badID := func(attr, got string) []string {
		return []string{fmt.Sprintf(`Attribute %s must be a non-empty ID of letters, digits, '_' and '-', got: %s`, attr, got)}
	}
	badOrgID := func(got string) []string {
		return []string{`Attribute org_id must be an organization ID of letters, digits, '_' and '-', or "c" for the token's own organization, got: ` + got}
	}
	badEmail := func(got string) []string {
		return []string{`Attribute email must be a single bare email address such as name@example.com, got: "` + got + `"`}
	}
	importShape := func(shape, id string) []string {
		return []string{`Invalid import ID`, fmt.Sprintf(`the import ID must have the form %s, with every part non-empty; got %q`, shape, id)}
	}
	const linkShape, membershipShape, memberShape = "<org_id>/<invite_id>", "<org_id>/<sub_org_id>", "<org_id>/<user_id or email>"
	adminHint := `The token's user lacks the permission for this: most changes need the ADMIN role in the organization.`
	subOrgs := func(orgID, nameRegex string) string {
		return fmt.Sprintf(`
data "invent_sub_orgs" "x" {
  org_id     = %q
  name_regex = %s
}
`, orgID, hclStringOrNull(nameRegex))
	}

	cases := map[string]badInput{
		// Enums: case and spelling.
		"link role capitalised":   {config: asAdmin(inviteLinkConfig(org, "Admin", "")), want: contentRole("role", "Admin")},
		"link role in capitals":   {config: asAdmin(inviteLinkConfig(org, "READ", "")), want: contentRole("role", "READ")},
		"link role unknown":       {config: asAdmin(inviteLinkConfig(org, "owner", "")), want: contentRole("role", "owner")},
		"link role null spelled":  {config: asAdmin(inviteLinkConfig(org, "null", "")), want: contentRole("role", "null")},
		"membership role lower":   {config: asAdmin(membershipBody(emulator.DefaultJoinableSubOrgID, "admin")), want: orgRole("admin")},
		"membership role unknown": {config: asAdmin(membershipBody(emulator.DefaultJoinableSubOrgID, "OWNER")), want: orgRole("OWNER")},
		"member role capitalised": {config: asAdmin(memberBody(emulator.DefaultUninvitedEmail, "Read")), want: contentRole("role", "Read")},
		"member role unknown":     {config: asAdmin(memberBody(emulator.DefaultUninvitedEmail, "member")), want: contentRole("role", "member")},
		"members filter role": {
			config: asAdmin(fmt.Sprintf(`data "invent_org_members" "x" {
  org_id = %q
  role   = "ADMIN"
}`, org)),
			want: contentRole("role", "ADMIN"),
		},

		// Email addresses (invent_org_member).
		"email without at sign":   {config: asAdmin(memberBody("nina.example.com", "read")), want: badEmail("nina.example.com")},
		"email with display name": {config: asAdmin(memberBody("Nina <nina@example.com>", "read")), want: badEmail("Nina <nina@example.com>")},
		"two email addresses":     {config: asAdmin(memberBody("nina@example.com,omar@example.com", "read")), want: badEmail("nina@example.com,omar@example.com")},

		// IDs: empty, whitespace, characters the API refuses.
		"empty org ID":          {config: asAdmin(inviteLinkConfig("", "read", "")), want: badOrgID("")},
		"whitespace org ID":     {config: asAdmin(inviteLinkConfig("   ", "read", "")), want: badOrgID("")},
		"non-ASCII org ID":      {config: asAdmin(inviteLinkConfig("org_äcme", "read", "")), want: badOrgID("org_äcme")},
		"empty sub-org ID":      {config: asAdmin(membershipBody("", "STAFF")), want: badID("sub_org_id", "")},
		"sub-org ID with space": {config: asAdmin(membershipBody(" org_acme_emea", "STAFF")), want: badID("sub_org_id", "org_acme_emea")},
		"space ID with space":   {config: asAdmin(inviteLinkConfig(org, "read", `space_id = "spc handbook"`)), want: badID("space_id", "spc handbook")},
		"collection ID with slash": {
			config: asAdmin(inviteLinkConfig(org, "read", `collection_id = "col/guides"`)), want: badID("collection_id", "col/guides"),
		},
		"sub-org lookup ID with dot": {
			config: asAdmin(fmt.Sprintf("data \"invent_sub_org\" \"x\" {\n  org_id = %q\n  id     = \"org.emea\"\n}\n", org)),
			want:   badID("id", "org.emea"),
		},
		"space and collection": {
			config: asAdmin(inviteLinkConfig(org, "read", fmt.Sprintf("space_id = %q\n  collection_id = %q", emulator.DefaultSpaceID, emulator.DefaultCollectionID))),
			want:   []string{"Invalid Attribute Combination", "These attributes cannot be configured together: [space_id,collection_id]"},
		},

		// Import IDs of every resource.
		"link import without slash": {importTo: inviteLinkAddr, importID: org, want: importShape(linkShape, org)},
		"link import of three parts": {
			importTo: inviteLinkAddr, importID: org + "/inv/1", want: importShape(linkShape, org+"/inv/1"),
		},
		"membership import with empty part": {
			importTo: subOrgMembershipAddr, importID: org + "/", want: importShape(membershipShape, org+"/"),
		},
		"member import without slash": {importTo: orgMemberAddr, importID: org, want: importShape(memberShape, org)},
		"member import of a bad address": {
			importTo: orgMemberAddr, importID: org + "/a@b@c",
			want: []string{`Invalid import ID`, `"a@b@c" is not a single bare email address such as name@example.com; got import ID "org_acme/a@b@c"`},
		},

		// The provider block.
		"base URL not a URL": {
			config: withProvider("api.useinvent.com", "x", "", currentUserConfig),
			want:   []string{"Invalid Invent base URL", `Check the provider's base_url attribute or the INVENT_BASE_URL environment variable: base URL "api.useinvent.com" is not an absolute http(s) URL such as https://api.useinvent.com.`},
		},
		"plain http to a remote host": {
			config: withProvider("http://api.example.com", "x", "", currentUserConfig),
			want:   []string{"Invalid Invent base URL", `base URL "http://api.example.com" uses plain http, which is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost); use https.`},
		},
		"base URL with a path": {
			config: withProvider("https://api.useinvent.com/v1", "x", "", currentUserConfig),
			want: []string{"Invalid Invent base URL", `base URL "https://api.useinvent.com/v1" must be the API's root, without a path such as "/v1": ` +
				`the provider adds each endpoint's path (/users/me, /orgs/...) itself, so use https://api.useinvent.com.`},
		},
		"base URL with a trailing space": {
			config: func(env *testEnv) string { return withProvider(env.URL+" ", "x", "", currentUserConfig)(env) },
			want:   []string{"Invalid Invent base URL", `has whitespace around it; remove it.`},
		},
		"token with a trailing newline": {
			config: func(env *testEnv) string {
				return fmt.Sprintf("provider \"invent\" {\n  base_url  = %q\n  api_token = \"%s\\n\"\n}\n", env.URL, env.AdminToken) + currentUserConfig
			},
			want: []string{"Invalid Invent API token", "Check the provider's api_token attribute or the INVENT_API_TOKEN environment " +
				"variable: the API token has whitespace around it (such as a trailing newline, which `echo` and many secret files add); remove it."},
		},
		"negative max_retries": {
			config: withProvider("", "x", "max_retries = -1", currentUserConfig),
			want:   []string{"Invalid Attribute Value", "Attribute max_retries value must be between 0 and 20, got: -1"},
		},
		"wrong token": {
			config: withProvider("", "not-a-real-token", "", currentUserConfig),
			want: []string{"invent API GET /users/me: 401 Unauthorized: unknown API key",
				"The API did not accept the token: check the provider's api_token attribute or the INVENT_API_TOKEN environment variable."},
		},
		"name regex that does not compile": {
			config: asAdmin(subOrgs(org, "(acme")),
			want: []string{"Invalid regular expression",
				"name_regex must be a valid regular expression (RE2 syntax): error parsing regexp: missing closing ): `(acme`"},
		},

		// What only the API knows.
		"unknown organization": {
			config: asAdmin(subOrgs("org_nope", "")),
			want:   []string{`Cannot list the sub-organizations of organization "org_nope"`, `invent API GET /orgs/org_nope/orgs: 404 Not Found: organization "org_nope" not found`},
		},
		"link in unknown organization": {
			config: asAdmin(inviteLinkConfig("org_nope", "read", "")), atApply: true,
			want: []string{"Cannot create the invite link", `invent API POST /orgs/org_nope/link-invites: 404 Not Found: organization "org_nope" not found`},
		},
		"link to unknown space": {
			config: asAdmin(inviteLinkConfig(org, "read", `space_id = "spc_missing"`)), atApply: true,
			want: []string{"Cannot create the invite link", `invent API POST /orgs/org_acme/link-invites: 400 Bad Request: space "spc_missing" does not exist in organization "org_acme"`},
		},
		"link with non-admin token": {
			config: asMember(inviteLinkConfig(org, "read", "")), atApply: true,
			want: []string{"Cannot create the invite link", `invent API POST /orgs/org_acme/link-invites: 403 Forbidden: this requires the ADMIN role in organization "org_acme"`, adminHint},
		},
		"member with non-admin token": {
			config: asMember(memberBody(emulator.DefaultUninvitedEmail, "read")), atApply: true,
			want: []string{"Cannot invite " + emulator.DefaultUninvitedEmail, `invent API POST /orgs/org_acme/invites: 403 Forbidden: this requires the ADMIN role in organization "org_acme"`, adminHint},
		},
		"membership with non-admin token": {
			config: asMember(membershipBody(emulator.DefaultJoinableSubOrgID, "STAFF")), atApply: true,
			want: []string{`Cannot join sub-organization "org_acme_emea" as STAFF`, `invent API POST /orgs/org_acme/orgs/org_acme_emea/join: 403 Forbidden: this requires the ADMIN role in organization "org_acme"`, adminHint},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := newTestEnv(t, emulator.Options{})
			emu := env.needsEmulator(t)
			before := apiSnapshot(t, env)
			step := resource.TestStep{ExpectError: messageRegexp(tc.want...), PlanOnly: !tc.atApply}
			if tc.importTo != "" {
				step = resource.TestStep{
					Config:       env.providerConfig(importTarget(tc.importTo)),
					ResourceName: tc.importTo,
					ImportState:  true,
					// A func, because an empty ImportStateId means "the ID from state".
					ImportStateIdFunc: func(*terraform.State) (string, error) { return tc.importID, nil },
					ExpectError:       step.ExpectError,
				}
			} else {
				step.Config = tc.config(env)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             noManagedResources,
				Steps:                    []resource.TestStep{step},
			})
			if after := apiSnapshot(t, env); !slices.Equal(after, before) {
				t.Errorf("the API changed:\n before %v\n after  %v", before, after)
			}
			if created := emu.Stats().ByStatus[http.StatusCreated]; created != 0 {
				t.Errorf("the API created %d links", created)
			}
		})
	}
}

// importTarget is a configuration holding the resource at addr, for an import into it.
func importTarget(addr string) string {
	switch addr {
	case inviteLinkAddr:
		return inviteLinkConfig(emulator.DefaultParentOrgID, "read", "")
	case subOrgMembershipAddr:
		return membershipBody(emulator.DefaultJoinableSubOrgID, "STAFF")
	}
	return memberBody(emulator.DefaultUninvitedEmail, "read")
}

// noManagedResources is a CheckDestroy that fails when a failed case left a resource in state: the
// state would then claim an object the failure should not have made. (Only a non-empty state is
// destroyed and checked, but the check does not rely on that.)
func noManagedResources(s *terraform.State) error {
	for addr := range s.RootModule().Resources {
		if !strings.HasPrefix(addr, "data.") {
			return fmt.Errorf("a failed case left %s in state", addr)
		}
	}
	return nil
}

// apiSnapshot is what the API holds that a bad input could have changed: the organization's links,
// its members and their roles, and the admin's sub-organization memberships.
func apiSnapshot(t *testing.T, env *testEnv) []string {
	t.Helper()
	ctx := testContext(t)
	var out []string
	links, err := env.Admin.ListInviteLinks(ctx, env.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		out = append(out, "link "+l.ID)
	}
	members, err := env.Admin.ListMembers(ctx, env.OrgID, client.MemberFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		out = append(out, fmt.Sprintf("member %s %s", m.ID, m.Role))
	}
	for subOrg, role := range apiMemberships(t, env) {
		out = append(out, fmt.Sprintf("membership %s %s", subOrg, role))
	}
	slices.Sort(out)
	return out
}
