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
)

// badInput is a configuration that must fail with an exact error and change nothing.
type badInput struct {
	// config is the whole configuration, provider block included.
	config string
	// importID, when set, is imported into importTo instead of planning config.
	importID, importTo string
	// atApply: only the API's answer to a change can tell, so the case applies; otherwise the
	// error must come at plan time.
	atApply bool
	// memberJoins: the member token's user must be a member of the test's organization (as it is of
	// the emulator's), so that the API refuses its change for want of the ADMIN role.
	memberJoins bool
	// want are the parts of the error, in order (messageRegexp): the summary, then the detail.
	want []string
}

// membershipBody is a membership in subOrgID of the token's organization.
func membershipBody(env *testEnv, subOrgID, role string) string {
	return subOrgMembershipConfig(env.ParentOrgID, subOrgID, role)
}

// withProvider is body after a provider block with baseURL ("": the test's API), token and more
// attributes.
func withProvider(env *testEnv, baseURL, token, more, body string) string {
	if baseURL == "" {
		baseURL = env.URL
	}
	return fmt.Sprintf("provider \"invent\" {\n  base_url  = %q\n  api_token = %q\n  %s\n}\n", baseURL, token, more) + body
}

// Every bad input fails with its own exact message, at plan time where the provider can know, and
// leaves neither state nor anything in the API behind. A panic would fail the case too: Terraform
// then prints the plugin's crash instead of the expected message.
func TestAccBadInput(t *testing.T) {
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
	// A configuration of the test's organization (or a membership in one of its sub-organizations),
	// with the admin's provider block.
	link := func(role, target string) func(*testing.T, *testEnv) badInput {
		return func(t *testing.T, env *testEnv) badInput {
			return badInput{config: env.providerConfig(inviteLinkConfig(env.OrgID, role, target))}
		}
	}
	membership := func(subOrgID, role string) func(*testing.T, *testEnv) badInput {
		return func(t *testing.T, env *testEnv) badInput {
			return badInput{config: env.providerConfig(membershipBody(env, subOrgID, role))}
		}
	}
	member := func(email, role string) func(*testing.T, *testEnv) badInput {
		return func(t *testing.T, env *testEnv) badInput {
			return badInput{config: env.providerConfig(orgMemberConfig(env.OrgID, email, role))}
		}
	}
	wanting := func(want []string, tc func(*testing.T, *testEnv) badInput) func(*testing.T, *testEnv) badInput {
		return func(t *testing.T, env *testEnv) badInput {
			in := tc(t, env)
			in.want = want
			return in
		}
	}
	asAdmin := func(body func(*testEnv) string, want []string) func(*testing.T, *testEnv) badInput {
		return func(t *testing.T, env *testEnv) badInput {
			return badInput{config: env.providerConfig(body(env)), want: want}
		}
	}
	importing := func(addr, id string, want []string) func(*testing.T, *testEnv) badInput {
		return func(*testing.T, *testEnv) badInput { return badInput{importTo: addr, importID: id, want: want} }
	}
	provider := func(baseURL, token, more string, want []string) func(*testing.T, *testEnv) badInput {
		return func(t *testing.T, env *testEnv) badInput {
			return badInput{config: withProvider(env, baseURL, token, more, currentUserConfig), want: want}
		}
	}

	cases := map[string]func(*testing.T, *testEnv) badInput{
		// Enums: case and spelling.
		"link role capitalised":   wanting(contentRole("role", "Admin"), link("Admin", "")),
		"link role in capitals":   wanting(contentRole("role", "READ"), link("READ", "")),
		"link role unknown":       wanting(contentRole("role", "owner"), link("owner", "")),
		"link role null spelled":  wanting(contentRole("role", "null"), link("null", "")),
		"membership role lower":   wanting(orgRole("admin"), membership("org_acme_emea", "admin")),
		"membership role unknown": wanting(orgRole("OWNER"), membership("org_acme_emea", "OWNER")),
		"member role capitalised": wanting(contentRole("role", "Read"), member("nina@example.com", "Read")),
		"member role unknown":     wanting(contentRole("role", "member"), member("nina@example.com", "member")),
		"members filter role": asAdmin(func(env *testEnv) string {
			return fmt.Sprintf("data \"invent_org_members\" \"x\" {\n  org_id = %q\n  role   = \"ADMIN\"\n}\n", env.OrgID)
		}, contentRole("role", "ADMIN")),

		// Email addresses (invent_org_member).
		"email without at sign":   wanting(badEmail("nina.example.com"), member("nina.example.com", "read")),
		"email with display name": wanting(badEmail("Nina <nina@example.com>"), member("Nina <nina@example.com>", "read")),
		"two email addresses":     wanting(badEmail("nina@example.com,omar@example.com"), member("nina@example.com,omar@example.com", "read")),

		// IDs: empty, whitespace, characters the API refuses.
		"empty org ID":             wanting(badOrgID(""), asIs(inviteLinkConfig("", "read", ""))),
		"whitespace org ID":        wanting(badOrgID(""), asIs(inviteLinkConfig("   ", "read", ""))),
		"non-ASCII org ID":         wanting(badOrgID("org_äcme"), asIs(inviteLinkConfig("org_äcme", "read", ""))),
		"empty sub-org ID":         wanting(badID("sub_org_id", ""), membership("", "STAFF")),
		"sub-org ID with space":    wanting(badID("sub_org_id", "org_acme_emea"), membership(" org_acme_emea", "STAFF")),
		"space ID with space":      wanting(badID("space_id", "spc handbook"), link("read", `space_id = "spc handbook"`)),
		"collection ID with slash": wanting(badID("collection_id", "col/guides"), link("read", `collection_id = "col/guides"`)),
		"sub-org lookup ID with dot": asAdmin(func(env *testEnv) string {
			return fmt.Sprintf("data \"invent_sub_org\" \"x\" {\n  org_id = %q\n  id     = \"org.emea\"\n}\n", env.ParentOrgID)
		}, badID("id", "org.emea")),
		"space and collection": wanting([]string{"Invalid Attribute Combination", "These attributes cannot be configured together: [space_id,collection_id]"},
			link("read", `space_id = "spc_handbook"
  collection_id = "col_guides"`)),

		// Import IDs of every resource.
		"link import without slash":         importing(inviteLinkAddr, "org_acme", importShape(linkShape, "org_acme")),
		"link import of three parts":        importing(inviteLinkAddr, "org_acme/inv/1", importShape(linkShape, "org_acme/inv/1")),
		"membership import with empty part": importing(subOrgMembershipAddr, "org_acme/", importShape(membershipShape, "org_acme/")),
		"member import without slash":       importing(orgMemberAddr, "org_acme", importShape(memberShape, "org_acme")),
		"member import of a bad address": importing(orgMemberAddr, "org_acme/a@b@c", []string{`Invalid import ID`,
			`"a@b@c" is not a single bare email address such as name@example.com; got import ID "org_acme/a@b@c"`}),

		// The provider block.
		"base URL not a URL": provider("api.useinvent.com", "x", "", []string{"Invalid Invent base URL", `Check the provider's base_url attribute or the INVENT_BASE_URL environment variable: base URL "api.useinvent.com" is not an absolute http(s) URL such as https://api.useinvent.com.`}),
		"plain http to a remote host": provider("http://api.example.com", "x", "", []string{"Invalid Invent base URL",
			`base URL "http://api.example.com" uses plain http, which is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost); use https.`}),
		"base URL with a path": provider("https://api.useinvent.com/v1", "x", "", []string{"Invalid Invent base URL",
			`base URL "https://api.useinvent.com/v1" must be the API's root, without a path such as "/v1": ` +
				`the provider adds each endpoint's path (/users/me, /orgs/...) itself, so use https://api.useinvent.com.`}),
		"base URL with a trailing space": func(t *testing.T, env *testEnv) badInput {
			return badInput{config: withProvider(env, env.URL+" ", "x", "", currentUserConfig), want: []string{"Invalid Invent base URL", `has whitespace around it; remove it.`}}
		},
		"token with a trailing newline": func(t *testing.T, env *testEnv) badInput {
			return badInput{
				config: fmt.Sprintf("provider \"invent\" {\n  base_url  = %q\n  api_token = \"%s\\n\"\n}\n", env.URL, env.AdminToken) + currentUserConfig,
				want: []string{"Invalid Invent API token", "Check the provider's api_token attribute or the INVENT_API_TOKEN environment " +
					"variable: the API token has whitespace around it (such as a trailing newline, which `echo` and many secret files add); remove it."},
			}
		},
		"negative max_retries": provider("", "x", "max_retries = -1", []string{"Invalid Attribute Value", "Attribute max_retries value must be between 0 and 20, got: -1"}),
		"wrong token": func(t *testing.T, env *testEnv) badInput {
			return provider("", "not-a-real-token", "", []string{"invent API GET /users/me: 401 Unauthorized", env.apiSays("unknown API key"),
				"The API did not accept the token: check the provider's api_token attribute or the INVENT_API_TOKEN environment variable."})(t, env)
		},
		"name regex that does not compile": asAdmin(func(env *testEnv) string { return subOrgs(env.ParentOrgID, "(acme") }, []string{"Invalid regular expression",
			"name_regex must be a valid regular expression (RE2 syntax): error parsing regexp: missing closing ): `(acme`"}),

		// What only the API knows.
		"unknown organization": func(t *testing.T, env *testEnv) badInput {
			return badInput{config: env.providerConfig(subOrgs("org_nope", "")), want: []string{
				`Cannot list the sub-organizations of organization "org_nope"`, `invent API GET /orgs/org_nope/orgs: 404 Not Found`, env.apiSays(`organization "org_nope" not found`),
			}}
		},
		"link in unknown organization": func(t *testing.T, env *testEnv) badInput {
			return badInput{config: env.providerConfig(inviteLinkConfig("org_nope", "read", "")), atApply: true, want: []string{
				"Cannot create the invite link", `invent API POST /orgs/org_nope/link-invites: 404 Not Found`, env.apiSays(`organization "org_nope" not found`),
			}}
		},
		"link to unknown space": func(t *testing.T, env *testEnv) badInput {
			return badInput{config: env.providerConfig(inviteLinkConfig(env.OrgID, "read", `space_id = "spc_missing"`)), atApply: true, want: []string{
				"Cannot create the invite link", fmt.Sprintf(`invent API POST /orgs/%s/link-invites: 400 Bad Request`, env.OrgID),
				env.apiSays(fmt.Sprintf(`space "spc_missing" does not exist in organization %q`, env.OrgID)),
			}}
		},
		"link with non-admin token": func(t *testing.T, env *testEnv) badInput {
			return badInput{config: env.providerConfigWithToken(env.MemberToken, inviteLinkConfig(env.OrgID, "read", "")), atApply: true, memberJoins: true,
				want: []string{"Cannot create the invite link", fmt.Sprintf(`invent API POST /orgs/%s/link-invites: 403 Forbidden`, env.OrgID),
					env.apiSays(fmt.Sprintf(`this requires the ADMIN role in organization %q`, env.OrgID)), adminHint}}
		},
		"member with non-admin token": func(t *testing.T, env *testEnv) badInput {
			email := env.newAddress()
			return badInput{config: env.providerConfigWithToken(env.MemberToken, orgMemberConfig(env.OrgID, email, "read")), atApply: true, memberJoins: true,
				want: []string{"Cannot invite " + email, fmt.Sprintf(`invent API POST /orgs/%s/invites: 403 Forbidden`, env.OrgID),
					env.apiSays(fmt.Sprintf(`this requires the ADMIN role in organization %q`, env.OrgID)), adminHint}}
		},
		"membership with non-admin token": func(t *testing.T, env *testEnv) badInput {
			subOrgID := env.memberlessSubOrgID(t)
			return badInput{config: env.providerConfigWithToken(env.MemberToken, membershipBody(env, subOrgID, "STAFF")), atApply: true,
				want: []string{fmt.Sprintf(`Cannot join sub-organization %q as STAFF`, subOrgID),
					fmt.Sprintf(`invent API POST /orgs/%s/orgs/%s/join: 403 Forbidden`, env.ParentOrgID, subOrgID),
					env.apiSays(fmt.Sprintf(`this requires the ADMIN role in organization %q`, env.ParentOrgID)), adminHint}}
		},
	}
	for name, makeCase := range cases {
		t.Run(name, func(t *testing.T) {
			env := newIsolatedTestEnv(t)
			tc := makeCase(t, env)
			if tc.memberJoins {
				env.memberJoins(t)
			}
			before := apiSnapshot(t, env)
			env.counts().ResetStats()
			step := resource.TestStep{ExpectError: messageRegexp(tc.want...), PlanOnly: !tc.atApply}
			if tc.importTo != "" {
				step = resource.TestStep{
					Config:       env.providerConfig(importTarget(t, env, tc.importTo)),
					ResourceName: tc.importTo,
					ImportState:  true,
					// A func, because an empty ImportStateId means "the ID from state".
					ImportStateIdFunc: func(*terraform.State) (string, error) { return tc.importID, nil },
					ExpectError:       step.ExpectError,
				}
			} else {
				step.Config = tc.config
			}
			parallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             noManagedResources,
				Steps:                    []resource.TestStep{step},
			})
			if after := apiSnapshot(t, env); !slices.Equal(after, before) {
				t.Errorf("the API changed:\n before %v\n after  %v", before, after)
			}
			if created := env.counts().Stats().ByStatus[http.StatusCreated]; created != 0 {
				t.Errorf("the API created %d objects", created)
			}
		})
	}
}

// asIs is a badInput of config after the admin's provider block.
func asIs(body string) func(*testing.T, *testEnv) badInput {
	return func(_ *testing.T, env *testEnv) badInput { return badInput{config: env.providerConfig(body)} }
}

// importTarget is a configuration holding the resource at addr, for an import into it.
func importTarget(t *testing.T, env *testEnv, addr string) string {
	switch addr {
	case inviteLinkAddr:
		return inviteLinkConfig(env.OrgID, "read", "")
	case subOrgMembershipAddr:
		return membershipBody(env, env.memberlessSubOrgID(t), "STAFF")
	}
	return orgMemberConfig(env.OrgID, env.newAddress(), "read")
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

// apiSnapshot is what the API holds that a bad input could have changed: the links of the test's
// organization, its members and their roles, and the members of the sub-organization the
// memberships of the cases join.
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
	subOrg, err := env.Admin.GetSubOrg(ctx, env.ParentOrgID, env.memberlessSubOrgID(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range subOrg.Members {
		out = append(out, fmt.Sprintf("membership %s %s %s", subOrg.ID, m.UserID, m.Role))
	}
	slices.Sort(out)
	return out
}
