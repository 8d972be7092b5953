package provider

import (
	"context"
	"fmt"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// objectGone reports whether err, the answer to a request about one object (a read, or a delete that
// finds nothing), says that the API no longer holds it. Only that lets a Read drop the object from
// state or a Delete count as done, so only the API's own 404 counts: in its error format, at a base
// URL that has answered GET /users/me as the API does in this provider process (asked once, and
// needed anyway). A 404 page of a proxy or of another server, or of a base URL that is not the API's
// root, never makes an object gone. Any other error is returned as it is, with gone false; a 404 that
// cannot be attributed to the API is returned as an error that says why.
//
// The API answers an unknown route with a 404 in its own format too. The provider sends only the
// routes of the contract, from a base URL without a path (client.ParseBaseURL), so at a base URL that
// answers /users/me a 404 in that format is about the object.
func (d *providerData) objectGone(ctx context.Context, err error) (bool, error) {
	if !client.IsNotFound(err) {
		return false, err
	}
	if !client.IsMissing(err) {
		return false, fmt.Errorf("%w\n\nThis 404 is not in the Invent API's error format, so it may come from "+
			"something else at the base URL (a proxy, another server): nothing is taken as gone, and the state "+
			"keeps the object. Check the provider's base_url (or %s)", err, EnvBaseURL)
	}
	if _, meErr := d.currentUser(ctx); meErr != nil {
		return false, fmt.Errorf("%w\n\nThe base URL does not answer GET /users/me as the Invent API does (%v), "+
			"so this 404 is not taken to mean that the object is gone, and the state keeps it. Check the "+
			"provider's base_url (or %s)", err, meErr, EnvBaseURL)
	}
	return true, nil
}
