package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// TestConcurrentClients runs many clients at once, each creating, updating, deleting and listing
// its own invite links while also joining and leaving sub-organizations. Under -race it checks the
// locking; afterwards the stored links must be exactly those the clients say they kept.
func TestConcurrentClients(t *testing.T) {
	a := newTestAPI(t, Options{GeneratedSubOrgs: 8})
	const workers, perWorker = 32, 8
	kept := make([][]string, workers)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- a.worker(w, perWorker, &kept[w])
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	var want []string
	for _, ids := range kept {
		want = append(want, ids...)
	}
	got, _ := a.allLinks(DefaultParentOrgID, "1000")
	gotIDs := ids(got, linkID)
	slices.Sort(gotIDs)
	slices.Sort(want)
	wantEqual(t, "links left", gotIDs, want)
	for _, l := range got {
		if l.Role != client.RoleComment {
			t.Errorf("link %s has role %v; every kept link was updated to comment", l.ID, l.Role)
		}
	}
}

// worker is one client of TestConcurrentClients. It reports what went wrong instead of calling t,
// whose fatal methods must stay on the test's goroutine.
func (a *testAPI) worker(w, n int, kept *[]string) error {
	subOrg := fmt.Sprintf("/orgs/c/orgs/org_gen_%05d/join", w%8+1)
	for i := range n {
		var l client.InviteLink
		if res := a.doQuiet(admin, "POST", links, `{"role":"read"}`); res.status != http.StatusCreated {
			return fmt.Errorf("worker %d: create: %d %s", w, res.status, res.body)
		} else if err := jsonInto(res.body, &l); err != nil {
			return err
		}
		switch i % 3 {
		case 0: // delete it again
			if res := a.doQuiet(admin, "DELETE", links+"/"+l.ID, nil); res.status != http.StatusResetContent {
				return fmt.Errorf("worker %d: delete: %d", w, res.status)
			}
		default: // keep it, with another role
			if res := a.doQuiet(admin, "PATCH", links+"/"+l.ID, `{"role":"comment"}`); res.status != http.StatusOK {
				return fmt.Errorf("worker %d: update: %d %s", w, res.status, res.body)
			}
			*kept = append(*kept, l.ID)
		}
		if res := a.doQuiet(member, "GET", links+"?limit=50", nil); res.status != http.StatusOK {
			return fmt.Errorf("worker %d: list: %d", w, res.status)
		}
		// Several workers share a sub-organization and one caller, so a leave may find the
		// caller gone already: 204 or 404 are both right.
		if res := a.doQuiet(admin, "POST", subOrg, `{"role":"DEVELOPER"}`); res.status != http.StatusOK {
			return fmt.Errorf("worker %d: join: %d %s", w, res.status, res.body)
		}
		if res := a.doQuiet(admin, "DELETE", subOrg, nil); res.status != http.StatusNoContent && res.status != http.StatusNotFound {
			return fmt.Errorf("worker %d: leave: %d %s", w, res.status, res.body)
		}
	}
	return nil
}
