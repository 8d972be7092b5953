package provider

import (
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/orgkit/terraform-provider-invent/internal/emulator"
)

const currentUserConfig = `
data "invent_current_user" "me" {}
`

func TestAccProvider_configFromAttributes(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	me, err := env.Admin.CurrentUser(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	parallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.providerConfig(currentUserConfig),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.invent_current_user.me", tfjsonpath.New("id"), knownvalue.StringExact(me.ID)),
				statecheck.ExpectKnownValue("data.invent_current_user.me", tfjsonpath.New("email"), knownvalue.StringExact(me.Email)),
				statecheck.ExpectKnownValue("data.invent_current_user.me", tfjsonpath.New("name"), knownvalue.StringExact(me.Name)),
			},
		}},
	})
}

// The token and URL come from the environment only: the provider block is empty.
func TestAccProvider_configFromEnvironment(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	t.Setenv(EnvBaseURL, env.URL)
	t.Setenv(EnvAPIToken, env.MemberToken)
	member, err := env.Member.CurrentUser(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `provider "invent" {}` + currentUserConfig,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.invent_current_user.me", tfjsonpath.New("id"), knownvalue.StringExact(member.ID)),
			},
		}},
	})
}

func TestAccProvider_configErrors(t *testing.T) {
	env := newTestEnv(t, emulator.Options{})
	// Unset so that the provider cannot fall back to a token or URL from the developer's shell.
	t.Setenv(EnvAPIToken, "")
	t.Setenv(EnvBaseURL, "")
	cases := map[string]struct {
		config string
		want   []string // parts of the message, in order
	}{
		"missing token": {
			config: `provider "invent" { base_url = "` + env.URL + `" }`,
			want:   []string{"Missing Invent API token", "Set the provider's api_token attribute or the " + EnvAPIToken + " environment variable"},
		},
		"plain http to a remote host": {
			config: `provider "invent" {
  base_url  = "http://api.example.com"
  api_token = "x"
}`,
			want: []string{"Invalid Invent base URL", `base URL "http://api.example.com" uses plain http, which is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost); use https.`},
		},
		"not a URL": {
			config: `provider "invent" {
  base_url  = "api.useinvent.com"
  api_token = "x"
}`,
			want: []string{"Invalid Invent base URL", `base URL "api.useinvent.com" is not an absolute http(s) URL such as https://api.useinvent.com`},
		},
		"negative max_retries": {
			config: `provider "invent" {
  base_url    = "` + env.URL + `"
  api_token   = "x"
  max_retries = -1
}`,
			want: []string{"max_retries", "value must be between 0 and 20, got: -1"},
		},
		"wrong token": {
			config: `provider "invent" {
  base_url  = "` + env.URL + `"
  api_token = "not-a-real-token"
}`,
			want: []string{"401 Unauthorized", env.apiSays("unknown API key"), "check the provider's api_token attribute or the " + EnvAPIToken + " environment variable."},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tc.config + currentUserConfig,
					ExpectError: messageRegexp(tc.want...),
				}},
			})
		})
	}
}

// Configure reports every attribute that is unknown, one diagnostic each, always in the schema's
// order.
func TestProviderConfigure_unknownValuesInStableOrder(t *testing.T) {
	ctx := context.Background()
	p := &InventProvider{version: "test"}
	var schemaResp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &schemaResp)
	objectType := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	unknown := map[string]tftypes.Value{}
	for name, typ := range objectType.AttributeTypes {
		unknown[name] = tftypes.NewValue(typ, tftypes.UnknownValue)
	}
	config := tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objectType, unknown)}
	want := []string{"api_token", "base_url", "max_retries", "batch_reads", "plan_checks"}
	for range 20 { // map order would differ between runs
		var resp provider.ConfigureResponse
		p.Configure(ctx, provider.ConfigureRequest{Config: config}, &resp)
		var got []string
		for _, d := range resp.Diagnostics {
			if withPath, ok := d.(diag.DiagnosticWithPath); ok && d.Summary() == "Unknown provider configuration value" {
				got = append(got, withPath.Path().String())
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("diagnostics for %v, want %v", got, want)
		}
	}
}
