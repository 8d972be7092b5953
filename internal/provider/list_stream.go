package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// What the list resources (for `terraform query`, Terraform 1.14+) share. Each one reads its
// listing a page at a time inside the results iterator and pushes a page's results before it
// fetches the next, so nothing holds a whole listing, and a stream that Terraform stops, or that
// reaches Terraform's limit, fetches no further page.

// listOrgIDAttribute is the org_id argument of every list resource.
func listOrgIDAttribute(what string) listschema.StringAttribute {
	return listschema.StringAttribute{
		MarkdownDescription: "The organization whose " + what + " to list; `c` stands for the organization " +
			"the API token was created in. Results carry the organization's own ID, never `c`.",
		Required:   true,
		Validators: orgIDValidators(),
	}
}

// listStream is one list request's results on their way to Terraform.
type listStream struct {
	ctx      context.Context
	req      list.ListRequest
	push     func(list.ListResult) bool
	identity orgObjectIdentity
	orgID    string // the organization's own ID
	pushed   int64
}

// startListStream resolves orgID (c included) for a list request. On failure it pushes the error
// and returns nil: the stream is over.
func startListStream(ctx context.Context, data *providerData, req list.ListRequest, push func(list.ListResult) bool,
	identity orgObjectIdentity, orgID string,
) *listStream {
	var diags diag.Diagnostics
	if data == nil {
		diags.AddError("Provider not configured", "The list resource was called before the provider was "+
			"configured. This is a bug in Terraform or in the provider; please report it.")
		push(list.ListResult{Diagnostics: diags})
		return nil
	}
	resolved, err := data.resolveOrgID(ctx, orgID)
	if err != nil {
		addAPIError(&diags, fmt.Sprintf("Cannot resolve organization %q", orgID), err)
		push(list.ListResult{Diagnostics: diags})
		return nil
	}
	return &listStream{ctx: ctx, req: req, push: push, identity: identity, orgID: resolved}
}

// emit pushes one object found: its identity, its display name and, when Terraform asked for it,
// the resource object that model returns (built only then). It returns false once no further
// result is wanted: Terraform's limit is reached, or Terraform stopped reading.
func (s *listStream) emit(objectID, displayName string, model func() any) bool {
	result := s.req.NewListResult(s.ctx)
	result.DisplayName = displayName
	result.Diagnostics.Append(s.identity.set(s.ctx, result.Identity, s.orgID, objectID)...)
	if s.req.IncludeResource {
		result.Diagnostics.Append(result.Resource.Set(s.ctx, model())...)
	}
	s.pushed++
	return s.push(result) && !s.full()
}

// full reports whether Terraform's limit is reached. Terraform always sends one (100 unless the
// list block says otherwise); a request without one (0) is not limited.
func (s *listStream) full() bool {
	return s.req.Limit > 0 && s.pushed >= s.req.Limit
}

// fail ends the stream with an error diagnostic that names the organization and what could not be
// listed; the results pushed before it stand.
func (s *listStream) fail(what string, err error) {
	var diags diag.Diagnostics
	addAPIError(&diags, fmt.Sprintf("Cannot list the %s of organization %q", what, s.orgID), err)
	s.push(list.ListResult{Diagnostics: diags})
}

// streamTokenPages reads a listing whose pages are linked by a token, a page at a time, and hands
// each item of a page to each, which returns false to stop; an error ends the stream with fail.
func streamTokenPages[T any](s *listStream, what string, fetch func(pageToken string) (*client.ListPage[T], error), each func(item *T) bool) {
	for token := ""; ; {
		page, err := fetch(token)
		if err != nil {
			s.fail(what, err)
			return
		}
		for i := range page.Items {
			if !each(&page.Items[i]) {
				return
			}
		}
		if page.Next == nil || page.Next.Page == "" {
			return
		}
		token = page.Next.Page
	}
}

// listConfig reads a list request's configuration into cfg; on failure it sets stream to report
// the diagnostics and returns false.
func listConfig(ctx context.Context, config tfsdk.Config, cfg any, stream *list.ListResultsStream) bool {
	diags := config.Get(ctx, cfg)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return false
	}
	return true
}
