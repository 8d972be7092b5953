package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// stateVersion is written into every state file so that a file of an incompatible layout is refused
// instead of half-loaded.
const stateVersion = 1

// state is everything the emulator knows. It is the unit of persistence: the state file is this
// struct as JSON. Slices keep the orders the API promises (creation order of memberships and links),
// so no order has to be rebuilt after a restart.
type state struct {
	Version int           `json:"version"`
	NextSeq int64         `json:"next_seq"` // last sequence number handed out; ids and list order derive from it
	Users   []*userRecord `json:"users"`
	Orgs    []*orgRecord  `json:"orgs"`
}

// userRecord is a person in the user directory. Users created by an email invitation to an unknown
// address have no token: they cannot call the API.
type userRecord struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	Email        string  `json:"email"`
	Avatar       *string `json:"avatar"`
	Token        string  `json:"token,omitempty"`
	TokenOrgID   string  `json:"token_org_id,omitempty"` // the organization "c" stands for
	SSOElsewhere bool    `json:"sso_elsewhere,omitempty"`
}

// orgRecord is an organization. Parents and sub-organizations are the same kind of record; a
// sub-organization has a ParentID. Billing, Features, Config and member Preferences are never
// changed after creation, so views may share those pointers with the record.
type orgRecord struct {
	ID              string            `json:"id"`
	ParentID        string            `json:"parent_id,omitempty"`
	Name            string            `json:"name"`
	LogoURL         *string           `json:"logo_url"`
	Plan            string            `json:"plan"`
	Balance         float64           `json:"balance"`
	PromoBalance    float64           `json:"promo_balance"`
	SpendingCapUsed float64           `json:"spending_cap_used"`
	CreatedAt       time.Time         `json:"created_at"`
	Billing         *client.Billing   `json:"billing,omitempty"`
	Features        *client.Features  `json:"features,omitempty"`
	Config          *client.OrgConfig `json:"config,omitempty"`
	Members         []*membership     `json:"members"`
	Spaces          []contentItem     `json:"spaces"`
	Collections     []contentItem     `json:"collections"`
	Links           []*linkRecord     `json:"links"`
}

// membership is one user in one organization, seen by the API both with an organization role (the
// SubOrg members[] view) and with a content role (the Member view). The two roles are only ever
// written through setOrgRole and setContentRole, which keep them linked.
type membership struct {
	Seq         int64                     `json:"seq"`
	ID          string                    `json:"id"`
	UserID      string                    `json:"user_id"`
	OrgRole     string                    `json:"org_role"`
	ContentRole client.ContentRole        `json:"content_role"`
	Status      string                    `json:"status"`
	SSO         bool                      `json:"sso"`
	Preferences *client.MemberPreferences `json:"preferences,omitempty"`
	CreatedAt   time.Time                 `json:"created_at"`
	UpdatedAt   time.Time                 `json:"updated_at"`
	SeenAt      *time.Time                `json:"seen_at"`
}

// contentItem is a space or a collection: only what invite links embed.
type contentItem struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// linkRecord is an invite link. Kind is one of client.InviteLinkKind*; TargetID is the space or
// collection of a scoped link.
type linkRecord struct {
	Seq      int64              `json:"seq"`
	ID       string             `json:"id"`
	Kind     string             `json:"kind"`
	Role     client.ContentRole `json:"role"`
	TargetID string             `json:"target_id,omitempty"`
}

// store guards the state with one lock and keeps lookup indexes beside it. Every method whose name
// does not say otherwise expects the caller to hold mu (read or write as appropriate).
type store struct {
	mu      sync.RWMutex
	st      *state
	path    string // state file; empty: in memory only
	users   map[string]*userRecord
	emails  map[string]*userRecord // lower-cased address
	tokens  map[string]*userRecord
	orgs    map[string]*orgRecord
	nowFunc func() time.Time
}

func newStore(st *state, path string) *store {
	s := &store{st: st, path: path, nowFunc: time.Now}
	s.reindex()
	return s
}

// reindex rebuilds the lookup maps from the state.
func (s *store) reindex() {
	s.users = make(map[string]*userRecord, len(s.st.Users))
	s.emails = make(map[string]*userRecord, len(s.st.Users))
	s.tokens = make(map[string]*userRecord)
	s.orgs = make(map[string]*orgRecord, len(s.st.Orgs))
	for _, u := range s.st.Users {
		s.indexUser(u)
	}
	for _, o := range s.st.Orgs {
		s.orgs[o.ID] = o
	}
}

func (s *store) indexUser(u *userRecord) {
	s.users[u.ID] = u
	s.emails[strings.ToLower(u.Email)] = u
	if u.Token != "" {
		s.tokens[u.Token] = u
	}
}

// addUser puts a validated user into the directory.
func (s *store) addUser(u *userRecord) {
	s.st.Users = append(s.st.Users, u)
	s.indexUser(u)
}

// addOrg puts a validated organization into the state.
func (s *store) addOrg(o *orgRecord) {
	s.st.Orgs = append(s.st.Orgs, o)
	s.orgs[o.ID] = o
}

// checkNewUser says why u cannot join the directory, if it cannot.
func (s *store) checkNewUser(u *userRecord) error {
	switch {
	case !validID(u.ID):
		return fmt.Errorf("user id %q must match %s", u.ID, idPattern)
	case s.users[u.ID] != nil:
		return fmt.Errorf("user id %q is taken", u.ID)
	case !validEmail(u.Email):
		return fmt.Errorf("user %q: %q is not a bare email address", u.ID, u.Email)
	case s.emails[strings.ToLower(u.Email)] != nil:
		return fmt.Errorf("user %q: email %q is taken", u.ID, u.Email)
	case u.Token != "" && s.tokens[u.Token] != nil:
		return fmt.Errorf("user %q: its token is already another user's", u.ID)
	case u.Token != "" && (s.orgs[u.TokenOrgID] == nil || s.orgs[u.TokenOrgID].ParentID != ""):
		return fmt.Errorf("user %q: token organization %q is not a top-level organization", u.ID, u.TokenOrgID)
	}
	return nil
}

// now is the time stamp of a change: UTC, whole seconds, as the API writes them.
func (s *store) now() time.Time {
	return s.nowFunc().UTC().Truncate(time.Second)
}

// nextSeq hands out the next sequence number. Sequence numbers order memberships and links and
// feed the ids, so that both survive a restart unchanged.
func (s *store) nextSeq() int64 {
	s.st.NextSeq++
	return s.st.NextSeq
}

// newID makes an id such as "inv_00000G". The base-62 digits are in ASCII order and fixed width, so
// ids sort in creation order, which keeps the (created_at, id) order of sub-organizations equal to
// creation order even within one second.
func (s *store) newID(prefix string) (string, int64) {
	seq := s.nextSeq()
	return prefix + base62(seq, 6), seq
}

const base62Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

func base62(n int64, width int) string {
	var digits []byte
	for n > 0 || len(digits) < width {
		digits = append(digits, base62Digits[n%62])
		n /= 62
	}
	for i, j := 0, len(digits)-1; i < j; i, j = i+1, j-1 {
		digits[i], digits[j] = digits[j], digits[i]
	}
	return string(digits)
}

// newMembership makes a membership with linked roles from either role or both (a fixture may give a
// DEVELOPER the content role edit); an empty one follows from the other.
func (s *store) newMembership(userID, orgRole string, contentRole client.ContentRole, status string) *membership {
	id, seq := s.newID("mem_")
	now := s.now()
	m := &membership{
		Seq: seq, ID: id, UserID: userID, Status: status, CreatedAt: now, UpdatedAt: now,
		Preferences: &client.MemberPreferences{Notifications: &client.NotificationPreferences{
			AssignedToMe: &client.NotificationSetting{Enabled: true},
		}},
	}
	if orgRole != "" {
		m.setOrgRole(orgRole, now)
	}
	if contentRole != "" {
		m.setContentRole(contentRole, now)
	}
	if status == client.MemberStatusActive {
		m.SeenAt = &now
	}
	return m
}

// Role ranks for "redundant": a member holds every permission of a link whose role ranks at most
// the member's.
var contentRank = map[client.ContentRole]int{
	client.RoleGuest: 0, client.RoleRead: 1, client.RoleComment: 2, client.RoleReview: 3,
	client.RoleEdit: 4, client.RoleCreate: 5, client.RoleAdmin: 6,
}

// setContentRole writes the content role and keeps the organization role linked: admin makes an
// ADMIN, and any other content role turns an ADMIN into a STAFF (other organization roles stay).
// A new member arriving with a content role is thus ADMIN for admin and STAFF for anything else,
// guest included, as this package's README.md lists under "Decisions".
func (m *membership) setContentRole(r client.ContentRole, now time.Time) {
	m.ContentRole = r
	switch {
	case r == client.RoleAdmin:
		m.OrgRole = client.OrgRoleAdmin
	case m.OrgRole == client.OrgRoleAdmin || m.OrgRole == "":
		m.OrgRole = client.OrgRoleStaff
	}
	m.UpdatedAt = now
}

// setOrgRole writes the organization role and keeps the content role linked: ADMIN makes content
// admin; leaving ADMIN, or arriving with another role, makes it read.
func (m *membership) setOrgRole(role string, now time.Time) {
	switch {
	case role == client.OrgRoleAdmin:
		m.ContentRole = client.RoleAdmin
	case m.OrgRole == client.OrgRoleAdmin || m.ContentRole == "":
		m.ContentRole = client.RoleRead
	}
	m.OrgRole = role
	m.UpdatedAt = now
}

// active reports whether the membership grants access: invited and disabled members have none.
func (m *membership) active() bool { return m != nil && m.Status == client.MemberStatusActive }

func (m *membership) isAdmin() bool { return m.OrgRole == client.OrgRoleAdmin }

// member returns the user's membership and its index, or nil and -1.
func (o *orgRecord) member(userID string) (*membership, int) {
	for i, m := range o.Members {
		if m.UserID == userID {
			return m, i
		}
	}
	return nil, -1
}

// isLastAdmin reports whether m is an ADMIN and no other active ADMIN is left beside it. Only active
// admins count: an invited or disabled ADMIN cannot administer anything.
func (o *orgRecord) isLastAdmin(m *membership) bool {
	if !m.isAdmin() {
		return false
	}
	for _, other := range o.Members {
		if other != m && other.isAdmin() && other.active() {
			return false
		}
	}
	return true
}

func (o *orgRecord) removeMember(i int) {
	o.Members = append(o.Members[:i], o.Members[i+1:]...)
}

// link returns the invite link and its index, or nil and -1.
func (o *orgRecord) link(id string) (*linkRecord, int) {
	for i, l := range o.Links {
		if l.ID == id {
			return l, i
		}
	}
	return nil, -1
}

// content finds a space or collection of the organization by kind and id.
func (o *orgRecord) content(kind, id string) (contentItem, bool) {
	items := o.Spaces
	if kind == client.InviteLinkKindCollection {
		items = o.Collections
	}
	for _, c := range items {
		if c.ID == id {
			return c, true
		}
	}
	return contentItem{}, false
}

// children lists the sub-organizations of parentID in state order.
func (s *store) children(parentID string) []*orgRecord {
	var out []*orgRecord
	for _, o := range s.st.Orgs {
		if o.ParentID == parentID {
			out = append(out, o)
		}
	}
	return out
}

// child returns the sub-organization id of parentID, or nil.
func (s *store) child(parentID, id string) *orgRecord {
	if o := s.orgs[id]; o != nil && o.ParentID == parentID {
		return o
	}
	return nil
}

// persist writes the state file, if there is one. It runs with the lock held, so writes happen in
// the order of the mutations and the file is never older than an answered request. The temp file +
// rename makes each write atomic: a crash leaves the old file or the new one, never a torn one.
func (s *store) persist() error {
	if s.path == "" {
		return nil
	}
	data, err := json.MarshalIndent(s.st, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), filepath.Base(s.path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing state: %w", err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("writing state: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("writing state: %w", err)
	}
	return nil
}

// loadState reads a state file; ok is false when the file does not exist.
func loadState(path string) (st *state, ok bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading state: %w", err)
	}
	st = new(state)
	if err := json.Unmarshal(data, st); err != nil {
		return nil, false, fmt.Errorf("reading state %s: %w", path, err)
	}
	if st.Version != stateVersion {
		return nil, false, fmt.Errorf("state %s has version %d, this emulator reads version %d", path, st.Version, stateVersion)
	}
	return st, true, nil
}
