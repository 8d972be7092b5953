package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// A create that fails after the API may have acted on it (client.MayHaveActed: a 5xx other than 503,
// a connection lost after the request went out, a timeout) leaves open whether the object exists.
// The provider then looks for it: a member by its address and a membership by its sub-organization,
// which identify it without doubt, and an organization-wide invite link, which carries no name, by
// its kind and role among the links that appeared while this process created links (linkCreations).
// It records what it finds; what it cannot settle is an error that says how to find the object.

// lostCreateSearchTime is the least time a search for the object of a failed create gets, even when
// the create used up its operation's timeout: the search is what keeps an object the API made from
// being left unmanaged.
const lostCreateSearchTime = 15 * time.Second

// searchContext bounds the search after a create that failed in ctx: by what remains of ctx's
// deadline, but at least lostCreateSearchTime, and not cancelled with ctx (on Ctrl-C the search still
// runs, for the same reason as a write in flight is awaited).
func searchContext(ctx context.Context) (context.Context, context.CancelFunc) {
	d := lostCreateSearchTime
	if deadline, ok := ctx.Deadline(); ok {
		d = max(d, time.Until(deadline))
	}
	return context.WithTimeout(context.WithoutCancel(ctx), d)
}

// mayHaveActed is the first paragraph of the diagnostic of a create that failed after the API may
// have acted on it: the API's error, then what it means.
func mayHaveActed(err error, object string) string {
	return fmt.Sprintf("%s\n\nThe request failed in a way that leaves open whether the API acted on it before it "+
		"failed (a server error, a connection lost after the request was sent, or a timeout), so %s may "+
		"exist without Terraform knowing it.", err, object)
}

// linkCreations is what one provider process knows of the organization-wide invite links of each
// organization it creates links in: enough to tell, after a create failed, which link appeared
// during that create. The zero value is ready to use.
type linkCreations struct {
	mu   sync.Mutex
	orgs map[string]*orgLinkCreations // by the organization's own ID
}

// orgLinkCreations is linkCreations for one organization.
type orgLinkCreations struct {
	// gate is held shared by every create of an organization link, and alone by the listing before
	// the first create and by a search: so a search sees every create of this process either
	// finished, with its link known, or not started.
	gate     sync.RWMutex
	listOnce sync.Once // the listing before the first create
	mu       sync.Mutex
	// known holds the organization links that existed before this process's first create of one
	// (nil until that listing succeeded), and every link this process created or adopted since.
	known map[string]bool
}

func (l *linkCreations) org(orgID string) *orgLinkCreations {
	l.mu.Lock()
	defer l.mu.Unlock()
	o, ok := l.orgs[orgID]
	if !ok {
		if l.orgs == nil {
			l.orgs = map[string]*orgLinkCreations{}
		}
		o = &orgLinkCreations{}
		l.orgs[orgID] = o
	}
	return o
}

// create makes an organization-wide link with create. The first create of the organization in this
// process first lists the organization's links (one request per page of 1,000), so that a create that
// fails can be searched for; that listing is tried once, and a failure is only logged: the creates go
// ahead, and a search after one of them says it cannot search. Creates run side by side, holding the
// gate shared.
func (o *orgLinkCreations) create(ctx context.Context, api *client.Client, orgID string,
	create func(context.Context) (*client.InviteLink, error),
) (*client.InviteLink, error) {
	o.listOnce.Do(func() {
		o.gate.Lock()
		defer o.gate.Unlock()
		links, err := api.ListInviteLinks(ctx, orgID)
		if err != nil {
			tflog.Warn(ctx, "Cannot list the organization's invite links before creating one; a create that fails "+
				"after the API acted cannot be searched for", map[string]any{"org_id": orgID, "error": err.Error()})
			return
		}
		o.mu.Lock()
		defer o.mu.Unlock()
		o.known = map[string]bool{}
		for _, link := range links {
			o.known[link.ID] = true
		}
	})

	o.gate.RLock()
	defer o.gate.RUnlock()
	link, err := create(ctx)
	if err == nil {
		o.remember(link.ID)
	}
	return link, err
}

func (o *orgLinkCreations) knownIDs() map[string]bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.known
}

func (o *orgLinkCreations) remember(id string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.known != nil {
		o.known[id] = true
	}
}

// lostLinkSearch is the outcome of a search for the link of a failed create.
type lostLinkSearch struct {
	found      *client.InviteLink   // the one link that appeared, adopted
	candidates []*client.InviteLink // the links that appeared, when not exactly one
	err        error                // the search failed, or could not be made
}

// search looks for an organization link with role that appeared since this process first listed the
// organization's links and that no create of this process recorded. Exactly one is adopted: known from
// then on, so that no other search takes it.
func (o *orgLinkCreations) search(ctx context.Context, api *client.Client, orgID string, role client.ContentRole) lostLinkSearch {
	o.gate.Lock()
	defer o.gate.Unlock()
	if o.knownIDs() == nil {
		return lostLinkSearch{err: fmt.Errorf("the organization's links could not be listed before the create, " +
			"so there is nothing to tell a new link from")}
	}
	links, err := api.ListInviteLinks(ctx, orgID)
	if err != nil {
		return lostLinkSearch{err: err}
	}
	var appeared []*client.InviteLink
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := range links {
		if !o.known[links[i].ID] && links[i].EffectiveRole() == role {
			appeared = append(appeared, &links[i])
		}
	}
	if len(appeared) != 1 {
		return lostLinkSearch{candidates: appeared}
	}
	o.known[appeared[0].ID] = true
	return lostLinkSearch{found: appeared[0]}
}

// fingerprints lists the last four characters of each link's ID, which tell links apart without
// printing an ID that lets anyone in.
func fingerprints(links []*client.InviteLink) string {
	shown := make([]string, len(links))
	for i, link := range links {
		shown[i] = client.MaskInviteID(link.ID)
	}
	return strings.Join(shown, ", ")
}
