package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

var _ list.ListResourceWithConfigure = &subOrgMembershipListResource{}

// NewSubOrgMembershipListResource is the list resource invent_sub_org_membership.
func NewSubOrgMembershipListResource() list.ListResource {
	return &subOrgMembershipListResource{}
}

// subOrgMembershipListResource finds the token's user's memberships in the sub-organizations of an
// organization.
type subOrgMembershipListResource struct {
	data *providerData
}

type subOrgMembershipListModel struct {
	OrgID types.String `tfsdk:"org_id"`
	Role  types.String `tfsdk:"role"`
}

func (l *subOrgMembershipListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sub_org_membership"
}

func (l *subOrgMembershipListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds the API token's user's memberships in the sub-organizations of an " +
			"organization, reading `GET /orgs/{org_id}/orgs` a page at a time. Each result is named " +
			"by the sub-organization's name and identified by `org_id` and `sub_org_id`.",
		Attributes: map[string]listschema.Attribute{
			"org_id": listOrgIDAttribute("sub-organizations"),
			"role": listschema.StringAttribute{
				MarkdownDescription: "Only memberships with this role: `" + strings.Join(client.OrgRoles, "`, `") + "`.",
				Optional:            true,
				Validators:          orgRoleValidators(),
			},
		},
	}
}

func (l *subOrgMembershipListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *subOrgMembershipListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg subOrgMembershipListModel
	if !listConfig(ctx, req.Config, &cfg, stream) {
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		out := startListStream(ctx, l.data, req, push, subOrgMembershipIdentity, cfg.OrgID.ValueString())
		if out == nil {
			return
		}
		caller, err := l.data.currentUser(ctx)
		if err != nil {
			out.fail("sub-organizations", err)
			return
		}
		noTimeouts := nullResourceTimeouts(ctx)
		// A sub-organization created or deleted between two pages shifts the numbered pages, so
		// one can be listed twice; only its ID is remembered.
		seen := map[string]bool{}
		for page := 1; ; page++ {
			subOrgs, err := l.data.client.SubOrgPage(ctx, out.orgID, page)
			if err != nil {
				out.fail("sub-organizations", err)
				return
			}
			for i := range subOrgs {
				subOrg := &subOrgs[i]
				member, isMember := subOrg.MemberByUserID(caller.ID)
				if seen[subOrg.ID] || !isMember || (!cfg.Role.IsNull() && member.Role != cfg.Role.ValueString()) {
					continue
				}
				seen[subOrg.ID] = true
				more := out.emit(subOrg.ID, subOrg.Name, func() any {
					m := subOrgMembershipModel{
						OrgID: types.StringValue(out.orgID), SubOrgID: types.StringValue(subOrg.ID), Timeouts: noTimeouts,
					}
					m.setMember(out.orgID, subOrg.ID, member)
					return m
				})
				if !more {
					return
				}
			}
			if len(subOrgs) < client.SubOrgPageSize {
				return
			}
		}
	}
}
