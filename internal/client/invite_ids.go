package client

import (
	"net/url"
	"strings"
)

// An invite link's ID is a capability: POST /orgs/{org_id}/invites/{invite_id} lets any signed-in
// user who knows the ID of an organization link join with its role. So the client never shows one
// whole: the paths its request log and its errors carry, and the API's messages it passes on, show
// MaskInviteID in its place.

// InviteIDFingerprint is what may be shown of an invite ID: its last 4 characters, enough to tell
// links apart, as API keys are shown by a few characters. An ID shorter than 8 characters shows
// half of them, so that no fingerprint is a whole ID.
func InviteIDFingerprint(id string) string {
	runes := []rune(id)
	n := min(4, len(runes)/2)
	return string(runes[len(runes)-n:])
}

// MaskInviteID is how an invite ID is shown in text: an ellipsis and its fingerprint.
func MaskInviteID(id string) string {
	return "…" + InviteIDFingerprint(id)
}

// hideSecret replaces the request's secret path segment (an invite ID), raw or escaped, in s.
func (r request) hideSecret(s string) string {
	if r.secret == "" {
		return s
	}
	masked := MaskInviteID(r.secret)
	s = strings.ReplaceAll(s, r.secret, masked)
	return strings.ReplaceAll(s, url.PathEscape(r.secret), masked)
}

// hideSecretErr is err with the request's secret hidden from its text; errors.Is and errors.As still
// see what it wraps.
func (r request) hideSecretErr(err error) error {
	if err == nil || r.secret == "" {
		return err
	}
	if text := r.hideSecret(err.Error()); text != err.Error() {
		return &maskedError{text: text, err: err}
	}
	return err
}

// maskedError is an error shown with a secret hidden from its text.
type maskedError struct {
	text string
	err  error
}

func (e *maskedError) Error() string { return e.text }
func (e *maskedError) Unwrap() error { return e.err }
