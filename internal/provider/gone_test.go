package provider

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

// An object is gone only on the API's own 404 at a base URL that answers GET /users/me: a 404 page of
// something else, or a 404 in the API's format from a base URL that does not answer /users/me, is an
// error that says why, and any other answer is passed on as it is.
func TestObjectGone(t *testing.T) {
	const apiNotFound = `{"error":{"code":404,"message":"invite link not found"}}`
	cases := map[string]struct {
		me, object func(w http.ResponseWriter)
		wantGone   bool
		wantErr    string // "" for no error
	}{
		"the API's 404": {
			me: answer(http.StatusOK, `{"id":"usr_me","email":"me@x.io","org_id":"org_x"}`), object: answer(http.StatusNotFound, apiNotFound),
			wantGone: true,
		},
		"a 404 page": {
			me: answer(http.StatusOK, `{"id":"usr_me","email":"me@x.io","org_id":"org_x"}`), object: answer(http.StatusNotFound, "<html>Not Found</html>"),
			wantErr: "This 404 is not in the Invent API's error format",
		},
		"the API's 404 where /users/me is not answered": {
			me: answer(http.StatusNotFound, `{"error":{"code":404,"message":"no such endpoint"}}`), object: answer(http.StatusNotFound, apiNotFound),
			wantErr: "The base URL does not answer GET /users/me as the Invent API does",
		},
		"another error": {
			me: answer(http.StatusOK, `{"id":"usr_me"}`), object: answer(http.StatusForbidden, `{"error":{"code":403,"message":"no"}}`),
			wantErr: "403 Forbidden: no",
		},
		"found": {
			me: answer(http.StatusOK, `{"id":"usr_me"}`), object: answer(http.StatusOK, `{"id":"inv_1","role":"read"}`),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			api := http.NewServeMux()
			api.HandleFunc("GET /users/me", func(w http.ResponseWriter, _ *http.Request) { tc.me(w) })
			api.HandleFunc("GET /orgs/org_x/link-invites/inv_1", func(w http.ResponseWriter, _ *http.Request) { tc.object(w) })
			data := newProviderData(standInClient(t, api), false)
			_, err := data.client.GetInviteLink(testContext(t), "org_x", "inv_1")
			gone, err := data.objectGone(testContext(t), err)
			if gone != tc.wantGone || (err == nil) != (tc.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("gone %t, err %v; want gone %t and an error with %q", gone, err, tc.wantGone, tc.wantErr)
			}
		})
	}
	if gone, err := newProviderData(nil, false).objectGone(testContext(t), errors.New("connection refused")); gone || err == nil {
		t.Errorf("a transport error: gone %t, err %v", gone, err)
	}
}

func answer(status int, body string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}
