package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// Fixture is the starting state of an emulator: a user directory and top-level organizations with
// their sub-organizations. It is plain JSON (LoadFixture reads it; unknown fields are refused so a
// typo does not silently drop data):
//
//	{
//	  "users": [
//	    {"id": "usr_ada", "name": "Ada Admin", "email": "ada@acme.example",
//	     "token": "invent-dev-admin-token", "token_org": "org_acme"},
//	    {"id": "usr_sasha", "name": "Sasha", "email": "sasha@globex.example", "sso_elsewhere": true}
//	  ],
//	  "organizations": [
//	    {"id": "org_acme", "name": "Acme",
//	     "members": [{"user_id": "usr_ada", "role": "ADMIN"}],
//	     "spaces": [{"id": "spc_handbook", "title": "Handbook"}],
//	     "collections": [{"id": "col_guides", "title": "Guides"}],
//	     "sub_orgs": [{"id": "org_acme_emea", "name": "Acme EMEA", "plan": "business", "billing": {...},
//	                   "members": [{"user_id": "usr_ada", "role": "DEVELOPER", "preferences": {...}}]}]}
//	  ]
//	}
//
// A user's token belongs to "token_org", by default the first organization the user is a member of.
// A member's "role" is its organization role; its content role follows from it (ADMIN: admin,
// otherwise read) unless "content_role" says otherwise ("guest" spells the null role here); the
// two must agree about admin. Member "status" defaults to ACTIVE. Sub-organization fields are the
// SubOrg wire fields (billing, features and config use the wire JSON).
type Fixture struct {
	Users         []FixtureUser `json:"users"`
	Organizations []FixtureOrg  `json:"organizations"`
}

// FixtureUser is a person in the user directory.
type FixtureUser struct {
	ID     string  `json:"id"`
	Name   string  `json:"name"`
	Email  string  `json:"email"`
	Avatar *string `json:"avatar,omitempty"`
	// Token is the user's API key; without one the user cannot call the API.
	Token string `json:"token,omitempty"`
	// TokenOrg is the organization the token was created in ("c"); default: the first organization
	// the user is a member of.
	TokenOrg string `json:"token_org,omitempty"`
	// SSOElsewhere marks a user who is an SSO member of another organization: an SSO email
	// invitation adds them without SSO and reports them in failedSSOEmails.
	SSOElsewhere bool `json:"sso_elsewhere,omitempty"`
}

// FixtureOrg is a top-level organization: an organization record plus its sub-organizations.
type FixtureOrg struct {
	FixtureSubOrg
	SubOrgs []FixtureSubOrg `json:"sub_orgs,omitempty"`
}

// FixtureSubOrg is an organization record. An empty ID gets a generated one; an empty Plan is free;
// a zero CreatedAt is the time the record is added.
type FixtureSubOrg struct {
	ID              string            `json:"id,omitempty"`
	Name            string            `json:"name"`
	LogoURL         *string           `json:"logo_url,omitempty"`
	Plan            string            `json:"plan,omitempty"`
	Balance         float64           `json:"balance,omitempty"`
	PromoBalance    float64           `json:"promo_balance,omitempty"`
	SpendingCapUsed float64           `json:"spending_cap_used,omitempty"`
	CreatedAt       time.Time         `json:"created_at,omitzero"`
	Billing         *client.Billing   `json:"billing,omitempty"`
	Features        *client.Features  `json:"features,omitempty"`
	Config          *client.OrgConfig `json:"config,omitempty"`
	Members         []FixtureMember   `json:"members,omitempty"`
	Spaces          []FixtureContent  `json:"spaces,omitempty"`
	Collections     []FixtureContent  `json:"collections,omitempty"`
}

// FixtureMember is one membership of a fixture organization.
type FixtureMember struct {
	UserID      string                    `json:"user_id"`
	Role        string                    `json:"role"`                   // organization role
	ContentRole string                    `json:"content_role,omitempty"` // content role; "guest" for null
	Status      string                    `json:"status,omitempty"`       // default ACTIVE
	SSO         bool                      `json:"sso,omitempty"`
	Preferences *client.MemberPreferences `json:"preferences,omitempty"`
	CreatedAt   time.Time                 `json:"created_at,omitzero"` // default: the organization's
	SeenAt      *time.Time                `json:"seen_at,omitempty"`
}

// FixtureContent is a space or a collection.
type FixtureContent struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// The default fixture's names, for tests and the README.
const (
	DefaultAdminToken  = "invent-dev-admin-token"
	DefaultMemberToken = "invent-dev-member-token"

	DefaultParentOrgID  = "org_acme"
	DefaultOtherOrgID   = "org_globex" // an unrelated organization none of the token users belongs to
	DefaultAdminUserID  = "usr_ada"    // ADMIN of org_acme, holds DefaultAdminToken
	DefaultMemberUserID = "usr_max"    // STAFF (content read) of org_acme, holds DefaultMemberToken
	DefaultOwnerUserID  = "usr_olivia" // second ADMIN of org_acme, no token

	DefaultSpaceID      = "spc_handbook"
	DefaultSpaceTitle   = "Handbook"
	DefaultCollectionID = "col_guides"

	DefaultJoinableSubOrgID  = "org_acme_emea"   // the admin is not a member
	DefaultDeveloperSubOrgID = "org_acme_labs"   // the admin is a DEVELOPER
	DefaultSoleAdminSubOrgID = "org_acme_retail" // the admin is the only ADMIN

	DefaultUninvitedEmail    = "nina@example.com"     // in the directory, member of nothing
	DefaultSSOElsewhereEmail = "sasha@globex.example" // sso_elsewhere
)

// DefaultFixture is the state the emulator starts with unless told otherwise. The returned value is
// fresh on every call, so callers may change it.
func DefaultFixture() *Fixture {
	at := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err) // the literals below are valid
		}
		return t
	}
	ptr := func(t time.Time) *time.Time { return &t }
	str := func(s string) *string { return &s }
	yes, no := true, false
	notify := func(on bool, t *time.Time) *client.MemberPreferences {
		return &client.MemberPreferences{Notifications: &client.NotificationPreferences{
			AssignedToMe: &client.NotificationSetting{Enabled: on, NotifiedAt: t},
		}}
	}
	access := &client.OrgAccess{SessionTTLSeconds: 86400, AllowGoogle: true, AllowMicrosoft: false, AllowEmailCode: true, AllowInvites: true}
	modules := &client.OrgModules{EnableInbox: true, EnableAnalytics: true, EnableBoards: true, EnableKnowledgeBase: true, EnableBalanceCredits: true}

	return &Fixture{
		Users: []FixtureUser{
			{ID: DefaultAdminUserID, Name: "Ada Admin", Email: "ada@acme.example", Avatar: str("https://avatars.example/ada.png"), Token: DefaultAdminToken, TokenOrg: DefaultParentOrgID},
			{ID: DefaultMemberUserID, Name: "Max Member", Email: "max@acme.example", Token: DefaultMemberToken, TokenOrg: DefaultParentOrgID},
			{ID: DefaultOwnerUserID, Name: "Olivia Owner", Email: "olivia@acme.example", Avatar: str("https://avatars.example/olivia.png")},
			{ID: "usr_devon", Name: "Devon Diaz", Email: "devon@acme.example"},
			{ID: "usr_sam", Name: "Sam Support", Email: "sam@acme.example"},
			{ID: "usr_nina", Name: "Nina New", Email: DefaultUninvitedEmail},
			{ID: "usr_omar", Name: "Omar Outside", Email: "omar@example.com"},
			{ID: "usr_sasha", Name: "Sasha Elsewhere", Email: DefaultSSOElsewhereEmail, SSOElsewhere: true},
		},
		Organizations: []FixtureOrg{
			{
				FixtureSubOrg: FixtureSubOrg{
					ID: DefaultParentOrgID, Name: "Acme Corp", Plan: client.PlanBusiness, Balance: 5000,
					CreatedAt: at("2023-03-01T09:00:00Z"),
					Members: []FixtureMember{
						{UserID: DefaultAdminUserID, Role: client.OrgRoleAdmin, SeenAt: ptr(at("2024-05-02T08:00:00Z"))},
						{UserID: DefaultMemberUserID, Role: client.OrgRoleStaff, ContentRole: string(client.RoleRead)},
						{UserID: DefaultOwnerUserID, Role: client.OrgRoleAdmin},
					},
					Spaces: []FixtureContent{
						{ID: DefaultSpaceID, Title: DefaultSpaceTitle},
						{ID: "spc_api", Title: "API Reference"},
					},
					Collections: []FixtureContent{{ID: DefaultCollectionID, Title: "Guides"}},
				},
				SubOrgs: []FixtureSubOrg{
					{
						ID: DefaultJoinableSubOrgID, Name: "Acme EMEA", LogoURL: str("https://logos.example/acme-emea.png"),
						Plan: client.PlanBusiness, Balance: 1250.5, PromoBalance: 100, SpendingCapUsed: 320.25,
						CreatedAt: at("2024-01-10T10:00:00Z"),
						Billing: &client.Billing{
							AutoRecharge:     &client.AutoRecharge{Enabled: true, RechargeThreshold: 250, RechargeAmount: 500},
							UseParentBalance: &no,
							SpendingCap:      &client.SpendingCap{Enabled: true, Amount: 50000, ResetAt: ptr(at("2024-07-01T00:00:00Z"))},
							PaymentMethod: &client.PaymentMethod{
								Type: "card", PaymentMethodID: "pm_1EmeaVisa", Brand: "visa", Last4: "4242",
							},
							LastLowBalanceNotificationAt: ptr(at("2024-04-12T07:30:00Z")),
						},
						Features: &client.Features{Enterprise: true, Workflows: true, Broadcasts: true, CustomDomain: &yes, SlackAccess: true},
						Config: &client.OrgConfig{
							Email: str("emea@acme.example"), Address: str("1 Canal Street, Amsterdam"),
							TermsURL: str("https://acme.example/terms"), PrivacyURL: str("https://acme.example/privacy"),
							Access: access, Modules: modules,
						},
						Members: []FixtureMember{
							{UserID: DefaultOwnerUserID, Role: client.OrgRoleAdmin, Preferences: notify(true, ptr(at("2024-05-01T12:00:00Z")))},
							{UserID: "usr_devon", Role: client.OrgRoleDeveloper, ContentRole: string(client.RoleEdit), Preferences: notify(false, nil)},
						},
					},
					{
						ID: DefaultDeveloperSubOrgID, Name: "Acme Labs", Plan: client.PlanFree, Balance: 42, CreatedAt: at("2024-02-20T14:30:00Z"),
						Billing: &client.Billing{
							AutoRecharge:     &client.AutoRecharge{},
							UseParentBalance: &yes,
							SpendingCap:      &client.SpendingCap{},
						},
						Features: &client.Features{Workflows: true, CustomDomain: &no},
						Config:   &client.OrgConfig{Access: access, Modules: &client.OrgModules{EnableInbox: true, EnableBoards: true}},
						Members: []FixtureMember{
							{UserID: DefaultAdminUserID, Role: client.OrgRoleDeveloper, Preferences: notify(true, nil)},
							{UserID: DefaultOwnerUserID, Role: client.OrgRoleAdmin, Preferences: notify(true, nil)},
							{UserID: "usr_sam", Role: client.OrgRoleManager, ContentRole: string(client.RoleReview), Preferences: notify(false, nil)},
						},
					},
					{
						ID: DefaultSoleAdminSubOrgID, Name: "Acme Retail", LogoURL: str("https://logos.example/acme-retail.png"),
						Plan: client.PlanBusiness, Balance: 87.1, PromoBalance: 12.5, SpendingCapUsed: 9800,
						CreatedAt: at("2024-03-05T08:15:00Z"),
						Billing: &client.Billing{
							AutoRecharge:     &client.AutoRecharge{Enabled: false, RechargeThreshold: 50, RechargeAmount: 200},
							UseParentBalance: &no,
							SpendingCap:      &client.SpendingCap{Enabled: true, Amount: 10000, ResetAt: ptr(at("2024-07-01T00:00:00Z"))},
							PaymentMethod: &client.PaymentMethod{
								Type: "card", PaymentMethodID: "pm_1RetailMc", Brand: "mastercard", Last4: "5454", Inactive: true,
								FailedAt: ptr(at("2024-05-20T03:00:00Z")), FailedMessage: str("card expired"),
							},
							LastLowBalanceNotificationAt:   ptr(at("2024-05-18T09:00:00Z")),
							LastOutOfBalanceNotificationAt: ptr(at("2024-05-21T09:00:00Z")),
							LastSpendingCapNotificationAt:  ptr(at("2024-05-25T09:00:00Z")),
						},
						Features: &client.Features{AllowOverdraft: true, Broadcasts: true, EnableJapifon: true, CustomDomain: &yes},
						Config: &client.OrgConfig{
							Email: str("retail@acme.example"), Access: access, Modules: modules,
						},
						Members: []FixtureMember{
							{UserID: DefaultAdminUserID, Role: client.OrgRoleAdmin, Preferences: notify(true, nil)},
							{UserID: DefaultMemberUserID, Role: client.OrgRoleStaff, Preferences: notify(false, nil)},
							{UserID: "usr_sam", Role: client.OrgRoleManager, Status: client.MemberStatusDisabled, Preferences: notify(false, nil)},
						},
					},
				},
			},
			{
				FixtureSubOrg: FixtureSubOrg{
					ID: DefaultOtherOrgID, Name: "Globex", Plan: client.PlanFree, CreatedAt: at("2023-06-01T09:00:00Z"),
					Members: []FixtureMember{{UserID: "usr_sasha", Role: client.OrgRoleAdmin, SSO: true}},
				},
			},
		},
	}
}

// LoadFixture reads a fixture file (see Fixture for the format).
func LoadFixture(path string) (*Fixture, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading fixture: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	f := new(Fixture)
	if err := dec.Decode(f); err != nil {
		return nil, fmt.Errorf("reading fixture %s: %w", path, err)
	}
	return f, nil
}

// generatedSubOrgEpoch is the created_at of the first generated sub-organization; each next one is
// a second later, so that generated sub-organizations list after the default fixture's, in order.
var generatedSubOrgEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// generatedSubOrg is the n-th (1-based) generated sub-organization: deterministic id, name and time,
// and plausible values elsewhere, without members (so that thousands stay cheap).
func generatedSubOrg(n int) FixtureSubOrg {
	plan := client.PlanFree
	if n%3 == 0 {
		plan = client.PlanBusiness
	}
	useParent := n%2 == 0
	customDomain := n%5 == 0
	return FixtureSubOrg{
		ID:        fmt.Sprintf("org_gen_%05d", n),
		Name:      fmt.Sprintf("generated-%05d", n),
		Plan:      plan,
		Balance:   float64(n%100) * 10,
		CreatedAt: generatedSubOrgEpoch.Add(time.Duration(n) * time.Second),
		Billing: &client.Billing{
			AutoRecharge:     &client.AutoRecharge{},
			UseParentBalance: &useParent,
			SpendingCap:      &client.SpendingCap{},
		},
		Features: &client.Features{Workflows: n%2 == 1, CustomDomain: &customDomain},
		Config:   &client.OrgConfig{Access: &client.OrgAccess{SessionTTLSeconds: 3600, AllowEmailCode: true, AllowInvites: true}, Modules: &client.OrgModules{EnableInbox: true}},
	}
}

// buildState turns a fixture, plus generated sub-organizations for its first organization, into a
// fresh state, validating every reference on the way.
func buildState(f *Fixture, generated int) (*store, error) {
	s := newStore(&state{Version: stateVersion}, "")
	if generated > 0 && len(f.Organizations) == 0 {
		return nil, fmt.Errorf("fixture has no organization to add generated sub-organizations to")
	}
	for _, fo := range f.Organizations {
		if _, err := s.addFixtureOrg("", fo.FixtureSubOrg, true); err != nil {
			return nil, err
		}
		for _, so := range fo.SubOrgs {
			if _, err := s.addFixtureOrg(fo.ID, so, true); err != nil {
				return nil, err
			}
		}
	}
	for n := 1; n <= generated; n++ {
		if _, err := s.addFixtureOrg(f.Organizations[0].ID, generatedSubOrg(n), true); err != nil {
			return nil, err
		}
	}
	// Users come after organizations so that a token's organization can be checked, but
	// memberships name users, so organizations are checked against the fixture's user list first.
	for _, fu := range f.Users {
		u := &userRecord{
			ID: fu.ID, Name: fu.Name, Email: fu.Email, Avatar: fu.Avatar,
			Token: fu.Token, TokenOrgID: fu.TokenOrg, SSOElsewhere: fu.SSOElsewhere,
		}
		if u.Token != "" && u.TokenOrgID == "" {
			u.TokenOrgID = s.firstOrgOf(u.ID)
		}
		if err := s.checkNewUser(u); err != nil {
			return nil, fmt.Errorf("fixture: %w", err)
		}
		s.addUser(u)
	}
	for _, o := range s.st.Orgs {
		for _, m := range o.Members {
			if s.users[m.UserID] == nil {
				return nil, fmt.Errorf("fixture: organization %q names unknown user %q", o.ID, m.UserID)
			}
		}
	}
	return s, nil
}

// firstOrgOf is the top-level organization of the first membership of the user, in state order:
// "c" never stands for a sub-organization.
func (s *store) firstOrgOf(userID string) string {
	for _, o := range s.st.Orgs {
		if m, _ := o.member(userID); m != nil {
			if o.ParentID != "" {
				return o.ParentID
			}
			return o.ID
		}
	}
	return ""
}

// addFixtureOrg validates a fixture organization and adds it under parentID ("" for a top-level
// one). deferUsers skips the check that members exist, for buildState, which checks it once the
// directory is loaded.
func (s *store) addFixtureOrg(parentID string, fo FixtureSubOrg, deferUsers bool) (*orgRecord, error) {
	if fo.ID == "" {
		fo.ID, _ = s.newID("org_")
	}
	if fo.Plan == "" {
		fo.Plan = client.PlanFree
	}
	if fo.CreatedAt.IsZero() {
		fo.CreatedAt = s.now()
	}
	switch {
	case !validID(fo.ID):
		return nil, fmt.Errorf("organization id %q must match %s", fo.ID, idPattern)
	case s.orgs[fo.ID] != nil:
		return nil, fmt.Errorf("organization id %q is taken", fo.ID)
	case fo.Plan != client.PlanFree && fo.Plan != client.PlanBusiness:
		return nil, fmt.Errorf("organization %q: unknown plan %q", fo.ID, fo.Plan)
	case parentID != "" && s.orgs[parentID] == nil:
		return nil, fmt.Errorf("organization %q: parent %q does not exist", fo.ID, parentID)
	case parentID != "" && s.orgs[parentID].ParentID != "":
		return nil, fmt.Errorf("organization %q: parent %q is itself a sub-organization", fo.ID, parentID)
	}
	o := &orgRecord{
		ID: fo.ID, ParentID: parentID, Name: fo.Name, LogoURL: fo.LogoURL, Plan: fo.Plan,
		Balance: fo.Balance, PromoBalance: fo.PromoBalance, SpendingCapUsed: fo.SpendingCapUsed,
		CreatedAt: fo.CreatedAt.UTC(), Billing: fo.Billing, Features: fo.Features, Config: fo.Config,
		Members: []*membership{}, Spaces: []contentItem{}, Collections: []contentItem{}, Links: []*linkRecord{},
	}
	for _, fm := range fo.Members {
		m, err := s.fixtureMembership(o, fm, deferUsers)
		if err != nil {
			return nil, fmt.Errorf("organization %q: %w", fo.ID, err)
		}
		o.Members = append(o.Members, m)
	}
	for _, group := range []struct {
		items []FixtureContent
		dst   *[]contentItem
	}{{fo.Spaces, &o.Spaces}, {fo.Collections, &o.Collections}} {
		for _, c := range group.items {
			if err := addContent(o, group.dst, c.ID, c.Title); err != nil {
				return nil, err
			}
		}
	}
	s.addOrg(o)
	return o, nil
}

// fixtureMembership validates one fixture member of o and makes its membership.
func (s *store) fixtureMembership(o *orgRecord, fm FixtureMember, deferUsers bool) (*membership, error) {
	if !validOrgRole(fm.Role) {
		return nil, fmt.Errorf("member %q: unknown organization role %q", fm.UserID, fm.Role)
	}
	if !deferUsers && s.users[fm.UserID] == nil {
		return nil, fmt.Errorf("member %q: no such user", fm.UserID)
	}
	if m, _ := o.member(fm.UserID); m != nil {
		return nil, fmt.Errorf("member %q is listed twice", fm.UserID)
	}
	content := client.ContentRole(fm.ContentRole)
	if content != "" && !content.Valid() {
		return nil, fmt.Errorf("member %q: unknown content role %q", fm.UserID, content)
	}
	if content != "" && (content == client.RoleAdmin) != (fm.Role == client.OrgRoleAdmin) {
		return nil, fmt.Errorf("member %q: content role %q disagrees with organization role %q", fm.UserID, content, fm.Role)
	}
	status := fm.Status
	if status == "" {
		status = client.MemberStatusActive
	}
	if status != client.MemberStatusActive && status != client.MemberStatusInvited && status != client.MemberStatusDisabled {
		return nil, fmt.Errorf("member %q: unknown status %q", fm.UserID, status)
	}
	m := s.newMembership(fm.UserID, fm.Role, content, status)
	created := fm.CreatedAt
	if created.IsZero() {
		created = o.CreatedAt
	}
	m.CreatedAt, m.UpdatedAt = created.UTC(), created.UTC()
	m.SeenAt = fm.SeenAt
	m.SSO = fm.SSO
	if fm.Preferences != nil {
		m.Preferences = fm.Preferences
	}
	return m, nil
}

// addContent appends a space or collection to dst after checking its id is valid and free in o.
func addContent(o *orgRecord, dst *[]contentItem, id, title string) error {
	if !validID(id) {
		return fmt.Errorf("organization %q: content id %q must match %s", o.ID, id, idPattern)
	}
	_, space := o.content(client.InviteLinkKindSpace, id)
	_, collection := o.content(client.InviteLinkKindCollection, id)
	if space || collection {
		return fmt.Errorf("organization %q: content id %q is taken", o.ID, id)
	}
	*dst = append(*dst, contentItem{ID: id, Title: title})
	return nil
}

func validOrgRole(role string) bool {
	for _, r := range client.OrgRoles {
		if role == r {
			return true
		}
	}
	return false
}
