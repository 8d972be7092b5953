package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// Strict request decoding. Bodies are decoded into maps of raw fields first, because the API tells
// shapes apart by which keys are present ({"role": null} is a guest link, {} is an error), which a
// struct cannot see. Every function here is pure, so the fuzz tests can drive them directly.

// maxBodyBytes bounds a request body; anything larger is refused with 400.
const maxBodyBytes = 1 << 20

// idPattern is the shape of every id the emulator hands out or accepts in a fixture.
const idPattern = `^[a-zA-Z0-9_-]+$`

var idRE = regexp.MustCompile(idPattern)

func validID(id string) bool { return idRE.MatchString(id) }

// validEmail accepts a single bare address ("a@b.io"), not a display-name form or a list.
func validEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	return err == nil && addr.Name == "" && addr.Address == s
}

// readBody reads a request body of at most maxBodyBytes.
func readBody(r *http.Request) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, badRequest("reading the request body: %v", err)
	}
	if len(data) > maxBodyBytes {
		return nil, badRequest("the request body is larger than %d bytes", maxBodyBytes)
	}
	return data, nil
}

// decodeFields parses a body that must be one JSON object whose keys are all in allowed.
func decodeFields(data []byte, allowed ...string) (map[string]json.RawMessage, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, badRequest("the request body is empty; a JSON object is expected")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var fields map[string]json.RawMessage
	if err := dec.Decode(&fields); err != nil {
		return nil, badRequest("the request body must be a JSON object: %v", err)
	}
	if fields == nil {
		return nil, badRequest("the request body must be a JSON object, not null")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, badRequest("the request body has data after the JSON object")
	}
	var unknown []string
	for key := range fields {
		if !slices.Contains(allowed, key) {
			unknown = append(unknown, key)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, badRequest("unknown field(s) %s; allowed: %s", quoteAll(unknown), quoteAll(allowed))
	}
	return fields, nil
}

func quoteAll(keys []string) string {
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = fmt.Sprintf("%q", k)
	}
	return strings.Join(quoted, ", ")
}

// decodeValue decodes fields[key] into v, refusing null: only roles give null a meaning.
func decodeValue(fields map[string]json.RawMessage, key string, v any) error {
	raw, ok := fields[key]
	if !ok {
		return badRequest("field %q is required", key)
	}
	if string(raw) == "null" {
		return badRequest("field %q must not be null", key)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return badRequest("field %q: %v", key, err)
	}
	return nil
}

// decodeID decodes a required, well-formed id.
func decodeID(fields map[string]json.RawMessage, key string) (string, error) {
	var id string
	if err := decodeValue(fields, key, &id); err != nil {
		return "", err
	}
	if !validID(id) {
		return "", badRequest("field %q must be an id matching %s", key, idPattern)
	}
	return id, nil
}

// parseContentRole decodes one content role; JSON null is the guest role.
func parseContentRole(raw json.RawMessage) (client.ContentRole, error) {
	var role client.ContentRole
	if err := json.Unmarshal(raw, &role); err != nil {
		return "", err
	}
	if !role.Valid() {
		return "", fmt.Errorf("unknown content role %q; expected one of admin, create, edit, review, comment, read or null", string(role))
	}
	return role, nil
}

// decodeContentRole decodes the required content role fields[key].
func decodeContentRole(fields map[string]json.RawMessage, key string) (client.ContentRole, error) {
	raw, ok := fields[key]
	if !ok {
		return "", badRequest("field %q is required", key)
	}
	role, err := parseContentRole(raw)
	if err != nil {
		return "", badRequest("field %q: %v", key, err)
	}
	return role, nil
}

// decodeOrgRole decodes the required organization role fields["role"].
func decodeOrgRole(fields map[string]json.RawMessage) (string, error) {
	var role string
	if err := decodeValue(fields, "role", &role); err != nil {
		return "", err
	}
	if !validOrgRole(role) {
		return "", badRequest("unknown role %q; expected one of %s", role, strings.Join(client.OrgRoles, ", "))
	}
	return role, nil
}

// linkSpec is a decoded invite link creation: the kind of link, its role and, for a scoped link,
// its target.
type linkSpec struct {
	kind     string
	role     client.ContentRole
	targetID string
}

// decodeCreateInviteLink accepts exactly {"role"}, {"level","space"} or {"level","collection"}.
func decodeCreateInviteLink(data []byte) (linkSpec, error) {
	fields, err := decodeFields(data, "role", "level", "space", "collection")
	if err != nil {
		return linkSpec{}, err
	}
	_, hasRole := fields["role"]
	_, hasLevel := fields["level"]
	_, hasSpace := fields["space"]
	_, hasCollection := fields["collection"]
	spec := linkSpec{kind: client.InviteLinkKindOrganization}
	roleKey := "level"
	switch {
	case hasRole && len(fields) == 1:
		roleKey = "role"
	case hasLevel && hasSpace && len(fields) == 2:
		spec.kind = client.InviteLinkKindSpace
	case hasLevel && hasCollection && len(fields) == 2:
		spec.kind = client.InviteLinkKindCollection
	default:
		return linkSpec{}, badRequest(`the body must be exactly one of {"role"}, {"level", "space"} or {"level", "collection"}`)
	}
	if spec.role, err = decodeContentRole(fields, roleKey); err != nil {
		return linkSpec{}, err
	}
	if spec.kind != client.InviteLinkKindOrganization {
		if spec.targetID, err = decodeID(fields, spec.kind); err != nil {
			return linkSpec{}, err
		}
	}
	return spec, nil
}

// decodeUpdateInviteLink accepts {"role"} for an organization link and {"level"} for a scoped one.
func decodeUpdateInviteLink(data []byte, kind string) (client.ContentRole, error) {
	want, wrong := "level", "role"
	if kind == client.InviteLinkKindOrganization {
		want, wrong = wrong, want
	}
	fields, err := decodeFields(data, "role", "level")
	if err != nil {
		return "", err
	}
	if _, ok := fields[wrong]; ok {
		return "", badRequest("a %s link is updated with %q, not %q", kind, want, wrong)
	}
	return decodeContentRole(fields, want)
}

// inviteSpec is a decoded email invitation. defaultRole is empty when the body has none.
type inviteSpec struct {
	entries     []inviteEntry
	defaultRole client.ContentRole
	sso         bool
}

// inviteEntry is one invited address; role is empty when the address has none of its own.
type inviteEntry struct {
	email string
	role  client.ContentRole
}

// decodeEmailInvite decodes {"emails": [address or {"email", "role"}], "role"?, "sso"?}.
func decodeEmailInvite(data []byte) (inviteSpec, error) {
	fields, err := decodeFields(data, "emails", "role", "sso")
	if err != nil {
		return inviteSpec{}, err
	}
	var spec inviteSpec
	var emails []json.RawMessage
	if err := decodeValue(fields, "emails", &emails); err != nil {
		return inviteSpec{}, err
	}
	if len(emails) == 0 {
		return inviteSpec{}, badRequest("field \"emails\" must list at least one address")
	}
	for i, raw := range emails {
		entry, err := decodeInviteEntry(raw)
		if err != nil {
			return inviteSpec{}, badRequest("emails[%d]: %s", i, err.Error())
		}
		spec.entries = append(spec.entries, entry)
	}
	if _, ok := fields["role"]; ok {
		if spec.defaultRole, err = decodeContentRole(fields, "role"); err != nil {
			return inviteSpec{}, err
		}
	}
	if _, ok := fields["sso"]; ok {
		if err := decodeValue(fields, "sso", &spec.sso); err != nil {
			return inviteSpec{}, err
		}
	}
	return spec, nil
}

// decodeInviteEntry decodes one element of "emails": a bare address or {"email", "role"?}.
func decodeInviteEntry(raw json.RawMessage) (inviteEntry, error) {
	var entry inviteEntry
	if err := json.Unmarshal(raw, &entry.email); err != nil {
		fields, ferr := decodeFields(raw, "email", "role")
		if ferr != nil {
			return inviteEntry{}, badRequest("an address must be a string or an object with \"email\" and \"role\"")
		}
		if err := decodeValue(fields, "email", &entry.email); err != nil {
			return inviteEntry{}, err
		}
		if _, ok := fields["role"]; ok {
			if entry.role, err = decodeContentRole(fields, "role"); err != nil {
				return inviteEntry{}, err
			}
		}
	}
	if !validEmail(entry.email) {
		return inviteEntry{}, badRequest("%q is not a single bare email address", entry.email)
	}
	return entry, nil
}
