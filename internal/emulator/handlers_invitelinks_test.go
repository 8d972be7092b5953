package emulator

import (
	"net/http"
	"strings"
	"testing"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

const links = "/orgs/" + DefaultParentOrgID + "/link-invites"

func TestCreateInviteLink(t *testing.T) {
	type shape struct {
		fields []string
		raw    string // a fragment the body must contain
	}
	orgFields := []string{"id", "object", "redundant", "role"}
	good := []struct {
		name string
		body string
		want shape
	}{
		{"admin", `{"role":"admin"}`, shape{orgFields, `"role":"admin"`}},
		{"create", `{"role":"create"}`, shape{orgFields, `"role":"create"`}},
		{"edit", `{"role":"edit"}`, shape{orgFields, `"role":"edit"`}},
		{"review", `{"role":"review"}`, shape{orgFields, `"role":"review"`}},
		{"comment", `{"role":"comment"}`, shape{orgFields, `"role":"comment"`}},
		{"read", `{"role":"read"}`, shape{orgFields, `"role":"read"`}},
		{"guest is null", `{"role":null}`, shape{orgFields, `"role":null`}},
		{"space", `{"level":"edit","space":"` + DefaultSpaceID + `"}`, shape{[]string{"id", "level", "object", "redundant", "space"}, `"space":{"object":"space","id":"spc_handbook","title":"Handbook"}`}},
		{"collection", `{"level":null,"collection":"` + DefaultCollectionID + `"}`, shape{[]string{"collection", "id", "level", "object", "redundant"}, `"collection":{"object":"collection","id":"col_guides","title":"Guides"}`}},
	}
	for _, tc := range good {
		t.Run(tc.name, func(t *testing.T) {
			a := newTestAPI(t, Options{})
			res := a.must(201, admin, "POST", links, tc.body, nil)
			wantEqual(t, "fields", res.fields(t), tc.want.fields)
			if !strings.Contains(string(res.body), tc.want.raw) || !strings.Contains(string(res.body), `"object":"invite"`) {
				t.Errorf("body %s lacks %s", res.body, tc.want.raw)
			}
			var l client.InviteLink
			res.decode(t, &l)
			if !validID(l.ID) || !strings.HasPrefix(l.ID, "inv_") {
				t.Errorf("id %q", l.ID)
			}
			// The same link read back is identical: the guest null survives the round trip.
			got := a.must(200, admin, "GET", links+"/"+l.ID, nil, nil)
			wantEqual(t, "read back", string(got.body), string(res.body))
		})
	}

	bigBody := `{"role":"read","pad":"` + strings.Repeat("x", maxBodyBytes) + `"}`
	runCases(t, []tcase{
		{name: "empty object", token: admin, method: "POST", path: links, body: `{}`, status: 400, check: errorMentions("exactly one of")},
		{name: "guest as a string", token: admin, method: "POST", path: links, body: `{"role":"guest"}`, status: 400, check: errorMentions("guest")},
		{name: "unknown role", token: admin, method: "POST", path: links, body: `{"role":"owner"}`, status: 400, check: errorMentions("owner")},
		{name: "role not a string", token: admin, method: "POST", path: links, body: `{"role":3}`, status: 400},
		{name: "role and level", token: admin, method: "POST", path: links, body: `{"role":"read","level":"read"}`, status: 400},
		{name: "level alone", token: admin, method: "POST", path: links, body: `{"level":"read"}`, status: 400},
		{name: "role with a space", token: admin, method: "POST", path: links, body: `{"role":"read","space":"spc_handbook"}`, status: 400},
		{name: "space and collection", token: admin, method: "POST", path: links, body: `{"level":"read","space":"spc_handbook","collection":"col_guides"}`, status: 400},
		{name: "extra field", token: admin, method: "POST", path: links, body: `{"role":"read","extra":1}`, status: 400, check: errorMentions(`"extra"`)},
		{name: "unknown space", token: admin, method: "POST", path: links, body: `{"level":"read","space":"spc_nope"}`, status: 400, check: errorMentions("spc_nope")},
		{name: "unknown collection", token: admin, method: "POST", path: links, body: `{"level":"read","collection":"col_nope"}`, status: 400, check: errorMentions("col_nope")},
		{name: "a collection as a space", token: admin, method: "POST", path: links, body: `{"level":"read","space":"col_guides"}`, status: 400},
		{name: "space null", token: admin, method: "POST", path: links, body: `{"level":"read","space":null}`, status: 400},
		{name: "space id malformed", token: admin, method: "POST", path: links, body: `{"level":"read","space":"a b"}`, status: 400},
		{name: "array body", token: admin, method: "POST", path: links, body: `[]`, status: 400},
		{name: "null body", token: admin, method: "POST", path: links, body: `null`, status: 400},
		{name: "invalid JSON", token: admin, method: "POST", path: links, body: `{"role":`, status: 400},
		{name: "body over 1 MiB", token: admin, method: "POST", path: links, body: bigBody, status: 400, check: errorMentions("larger")},
		{name: "not an admin", token: member, method: "POST", path: links, body: `{"role":"read"}`, status: 403, check: errorMentions("ADMIN")},
		{name: "not a member", token: admin, method: "POST", path: "/orgs/" + DefaultOtherOrgID + "/link-invites", body: `{"role":"read"}`, status: 403},
		{name: "via c", token: admin, method: "POST", path: "/orgs/c/link-invites", body: `{"role":"read"}`, status: 201},
	})
}

func TestNonJSONContentTypeIsTolerated(t *testing.T) {
	a := newTestAPI(t, Options{})
	req, err := http.NewRequest(http.MethodPost, a.url+links, strings.NewReader(`{"role":"read"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+admin)
	req.Header.Set("Content-Type", "text/plain")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	wantEqual(t, "status", resp.StatusCode, http.StatusCreated)
}

func TestGetUpdateDeleteInviteLink(t *testing.T) {
	a := newTestAPI(t, Options{})
	orgLink := a.createLink(DefaultParentOrgID, `{"role":"edit"}`)
	spaceLink := a.createLink(DefaultParentOrgID, `{"level":"comment","space":"`+DefaultSpaceID+`"}`)
	one := func(id string) string { return links + "/" + id }

	// Any member reads; redundant is computed for the caller.
	var asMember client.InviteLink
	a.must(200, member, "GET", one(orgLink.ID), nil, &asMember)
	wantEqual(t, "redundant for a reader of an edit link", asMember.Redundant, false)
	wantEqual(t, "redundant for the admin", orgLink.Redundant, true)
	a.do(admin, "GET", one("inv_nope"), nil).wantError(t, 404, "inv_nope")
	a.do(admin, "GET", "/orgs/"+DefaultOtherOrgID+"/link-invites/"+orgLink.ID, nil).wantError(t, 403)

	var updated client.InviteLink
	a.must(200, admin, "PATCH", one(orgLink.ID), `{"role":"read"}`, &updated)
	wantEqual(t, "updated role", updated.Role, client.RoleRead)
	a.must(200, member, "GET", one(orgLink.ID), nil, &asMember)
	wantEqual(t, "redundant for a reader of a read link", asMember.Redundant, true)
	res := a.must(200, admin, "PATCH", one(spaceLink.ID), `{"level":null}`, &updated)
	wantEqual(t, "updated level", updated.Level, client.RoleGuest)
	if !strings.Contains(string(res.body), `"level":null`) || updated.Space == nil || updated.Space.ID != DefaultSpaceID {
		t.Errorf("updated space link: %s", res.body)
	}

	runCasesOn(t, a, []tcase{
		{name: "level on an org link", token: admin, method: "PATCH", path: one(orgLink.ID), body: `{"level":"read"}`, status: 400, check: errorMentions(`"role"`)},
		{name: "role on a space link", token: admin, method: "PATCH", path: one(spaceLink.ID), body: `{"role":"read"}`, status: 400, check: errorMentions(`"level"`)},
		{name: "both fields", token: admin, method: "PATCH", path: one(orgLink.ID), body: `{"role":"read","level":"read"}`, status: 400},
		{name: "empty", token: admin, method: "PATCH", path: one(orgLink.ID), body: `{}`, status: 400},
		{name: "unknown role", token: admin, method: "PATCH", path: one(orgLink.ID), body: `{"role":"boss"}`, status: 400},
		{name: "unknown field", token: admin, method: "PATCH", path: one(orgLink.ID), body: `{"role":"read","x":true}`, status: 400},
		{name: "unknown link", token: admin, method: "PATCH", path: one("inv_nope"), body: `{"role":"read"}`, status: 404},
		{name: "not an admin", token: member, method: "PATCH", path: one(orgLink.ID), body: `{"role":"read"}`, status: 403, check: errorMentions("ADMIN")},
		{name: "delete not an admin", token: member, method: "DELETE", path: one(orgLink.ID), status: 403},
	})

	a.must(205, admin, "DELETE", one(orgLink.ID), nil, nil).wantEmpty(t, 205)
	a.do(admin, "DELETE", one(orgLink.ID), nil).wantEmpty(t, 204)
	a.do(admin, "GET", one(orgLink.ID), nil).wantError(t, 404)
	a.do(admin, "DELETE", "/orgs/c/link-invites/"+spaceLink.ID, nil).wantEmpty(t, 205)
}

// runCasesOn runs requests in order against one shared emulator: for rows that need state made
// beforehand and leave it unchanged.
func runCasesOn(t *testing.T, a *testAPI, cases []tcase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := a.do(tc.token, tc.method, tc.path, tc.body)
			if tc.status >= 400 {
				res.wantError(t, tc.status)
			} else if res.status != tc.status {
				t.Fatalf("status %d, want %d; body %s", res.status, tc.status, res.body)
			}
			if tc.check != nil {
				tc.check(t, a, res)
			}
		})
	}
}

func TestListInviteLinks(t *testing.T) {
	a := newTestAPI(t, Options{})
	var want []string
	for _, body := range []string{`{"role":"read"}`, `{"level":"read","space":"spc_api"}`, `{"role":null}`, `{"level":"edit","collection":"col_guides"}`, `{"role":"admin"}`} {
		l := a.createLink(DefaultParentOrgID, body)
		if l.Kind() == client.InviteLinkKindOrganization {
			want = append(want, l.ID)
		}
	}
	var page client.ListPage[client.InviteLink]
	res := a.must(200, member, "GET", links, nil, &page)
	wantEqual(t, "only organization links, in creation order", ids(page.Items, linkID), want)
	wantEqual(t, "count", page.Count, 3)
	if strings.Contains(string(res.body), `"next"`) {
		t.Errorf("next on the last page: %s", res.body)
	}
	wantEqual(t, "envelope", res.fields(t), []string{"count", "items"})
	wantEqual(t, "redundant for a reader", []bool{page.Items[0].Redundant, page.Items[1].Redundant, page.Items[2].Redundant}, []bool{true, true, false})

	a.must(200, admin, "GET", links+"?limit=2", nil, &page)
	if len(page.Items) != 2 || page.Next == nil || page.Count != 3 {
		t.Fatalf("first page of 2: %+v", page)
	}
	token := page.Next.Page
	var second client.ListPage[client.InviteLink]
	a.must(200, admin, "GET", links+"?limit=2&page="+token, nil, &second)
	wantEqual(t, "second page", ids(second.Items, linkID), want[2:])
	if second.Next != nil {
		t.Errorf("next on the last page: %+v", second.Next)
	}
	// A token stays valid while links are deleted: the page after it skips nothing.
	a.must(205, admin, "DELETE", links+"/"+want[1], nil, nil)
	var afterDelete client.ListPage[client.InviteLink]
	a.must(200, admin, "GET", links+"?limit=2&page="+token, nil, &afterDelete)
	wantEqual(t, "after a deletion", ids(afterDelete.Items, linkID), want[2:])
	wantEqual(t, "count after a deletion", afterDelete.Count, 2)

	var viaC client.ListPage[client.InviteLink]
	a.must(200, admin, "GET", "/orgs/c/link-invites?limit=0", nil, &viaC)
	wantEqual(t, "c, limit 0", ids(viaC.Items, linkID), []string{want[0], want[2]})

	runCasesOn(t, a, []tcase{
		{name: "limit 1001", token: admin, method: "GET", path: links + "?limit=1001", status: 400, check: errorMentions("limit")},
		{name: "limit -1", token: admin, method: "GET", path: links + "?limit=-1", status: 400},
		{name: "limit not a number", token: admin, method: "GET", path: links + "?limit=many", status: 400},
		{name: "limit 1000", token: admin, method: "GET", path: links + "?limit=1000", status: 200},
		{name: "bad page token", token: admin, method: "GET", path: links + "?page=garbage!", status: 400, check: errorMentions("page")},
		{name: "page token of another shape", token: admin, method: "GET", path: links + "?page=MTA", status: 400},
		{name: "non-member", token: admin, method: "GET", path: "/orgs/" + DefaultOtherOrgID + "/link-invites", status: 403},
		{name: "unknown org", token: admin, method: "GET", path: "/orgs/org_nope/link-invites", status: 404},
	})
}

func TestInviteLinkPagination(t *testing.T) {
	a := newTestAPI(t, Options{})
	const n = 2500
	want := make([]string, 0, n)
	for i := range n {
		body := `{"role":"read"}`
		if i%2 == 1 {
			body = `{"role":null}`
		}
		want = append(want, a.createLink(DefaultParentOrgID, body).ID)
	}
	got, pages := a.allLinks(DefaultParentOrgID, "1000")
	wantEqual(t, "pages of 1000", pages, 3)
	wantEqual(t, "every link once, in creation order (limit 1000)", ids(got, linkID), want)
	got, pages = a.allLinks(DefaultParentOrgID, "")
	wantEqual(t, "pages of the default limit", pages, 25)
	wantEqual(t, "every link once, in creation order (default limit)", ids(got, linkID), want)
	var page client.ListPage[client.InviteLink]
	a.must(http.StatusOK, admin, "GET", links, nil, &page)
	wantEqual(t, "default page size", len(page.Items), 100)
	wantEqual(t, "count", page.Count, n)
}
