package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The wire types of the Invent organization API. They mirror the contract field by field; nullable
// fields are pointers, and unknown fields are ignored by encoding/json. The emulator serves these same
// types, so both sides of the contract are visible here.

// User is the identity behind an API token (GET /users/me).
type User struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	// OrgID is the organization the API key was created in: the one that "c" stands for in a path.
	OrgID string `json:"org_id"`
}

// Organization roles, as used by sub-organization membership (POST .../join).
const (
	OrgRoleAdmin     = "ADMIN"
	OrgRoleDeveloper = "DEVELOPER"
	OrgRoleManager   = "MANAGER"
	OrgRoleStaff     = "STAFF"
)

// OrgRoles lists every organization role, in the order the API documents them.
var OrgRoles = []string{OrgRoleAdmin, OrgRoleDeveloper, OrgRoleManager, OrgRoleStaff}

// Member statuses, shared by the SubOrg members[] view and the Member object.
const (
	MemberStatusActive   = "ACTIVE"
	MemberStatusInvited  = "INVITED"
	MemberStatusDisabled = "DISABLED"
)

// Subscription plans of a sub-organization.
const (
	PlanFree     = "free"
	PlanBusiness = "business"
)

// SubOrg is a sub-organization as listed, fetched, created and joined.
type SubOrg struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	LogoURL         *string        `json:"logo_url"`
	Plan            string         `json:"plan"`
	Balance         float64        `json:"balance"`
	PromoBalance    float64        `json:"promo_balance"`
	Billing         *Billing       `json:"billing,omitempty"`
	Members         []SubOrgMember `json:"members"`
	SpendingCapUsed float64        `json:"spending_cap_used"`
	CreatedAt       time.Time      `json:"created_at"`
	Features        *Features      `json:"features,omitempty"`
	Config          *OrgConfig     `json:"config,omitempty"`
}

// MemberByUserID returns the member entry of the given user, if there is one.
func (s *SubOrg) MemberByUserID(userID string) (SubOrgMember, bool) {
	for _, m := range s.Members {
		if m.UserID == userID {
			return m, true
		}
	}
	return SubOrgMember{}, false
}

// Billing is a sub-organization's payment configuration.
type Billing struct {
	AutoRecharge                   *AutoRecharge  `json:"auto_recharge,omitempty"`
	UseParentBalance               *bool          `json:"use_parent_balance,omitempty"`
	SpendingCap                    *SpendingCap   `json:"spending_cap,omitempty"`
	PaymentMethod                  *PaymentMethod `json:"payment_method"`
	LastLowBalanceNotificationAt   *time.Time     `json:"last_low_balance_notification_at"`
	LastOutOfBalanceNotificationAt *time.Time     `json:"last_out_of_balance_notification_at"`
	LastSpendingCapNotificationAt  *time.Time     `json:"last_spending_cap_notification_at"`
}

// AutoRecharge tops the balance up when it falls below a threshold.
type AutoRecharge struct {
	Enabled           bool    `json:"enabled"`
	RechargeThreshold float64 `json:"recharge_threshold"`
	RechargeAmount    float64 `json:"recharge_amount"`
}

// SpendingCap bounds a sub-organization's monthly spending.
type SpendingCap struct {
	Enabled bool       `json:"enabled"`
	Amount  float64    `json:"amount"`
	ResetAt *time.Time `json:"reset_at"`
}

// PaymentMethod is the card or account a sub-organization pays with.
type PaymentMethod struct {
	Type            string     `json:"type"`
	PaymentMethodID string     `json:"payment_method_id"`
	Brand           string     `json:"brand"`
	Last4           string     `json:"last4"`
	Inactive        bool       `json:"inactive"`
	FailedAt        *time.Time `json:"failed_at"`
	FailedMessage   *string    `json:"failed_message"`
}

// SubOrgMember is one membership as embedded in a SubOrg, with an organization role.
type SubOrgMember struct {
	ID          string             `json:"id"`
	Name        string             `json:"name"`
	Email       string             `json:"email"`
	Avatar      *string            `json:"avatar"`
	Role        string             `json:"role"`
	Status      string             `json:"status"`
	OrgID       string             `json:"org_id"`
	UserID      string             `json:"user_id"`
	Preferences *MemberPreferences `json:"preferences,omitempty"`
	CreatedAt   time.Time          `json:"created_at"`
	UpdatedAt   time.Time          `json:"updated_at"`
	SeenAt      *time.Time         `json:"seen_at"`
}

// MemberPreferences are a member's personal settings.
type MemberPreferences struct {
	Notifications *NotificationPreferences `json:"notifications,omitempty"`
}

// NotificationPreferences groups a member's notification settings.
type NotificationPreferences struct {
	AssignedToMe *NotificationSetting `json:"assigned_to_me,omitempty"`
}

// NotificationSetting is one notification switch and when it last fired.
type NotificationSetting struct {
	Enabled    bool       `json:"enabled"`
	NotifiedAt *time.Time `json:"notified_at"`
}

// Features are an organization's gate-keeping switches. custom_domain appears on some upstream
// pages and not others, so it is a pointer.
type Features struct {
	Enterprise     bool  `json:"enterprise"`
	AllowOverdraft bool  `json:"allow_overdraft"`
	Workflows      bool  `json:"workflows"`
	Broadcasts     bool  `json:"broadcasts"`
	EnableJapifon  bool  `json:"enable_japifon"`
	CustomDomain   *bool `json:"custom_domain,omitempty"`
	SlackAccess    bool  `json:"slack_access"`
}

// OrgConfig is an organization's configuration.
type OrgConfig struct {
	Email      *string     `json:"email"`
	Address    *string     `json:"address"`
	TermsURL   *string     `json:"terms_url"`
	PrivacyURL *string     `json:"privacy_url"`
	Access     *OrgAccess  `json:"access,omitempty"`
	Modules    *OrgModules `json:"modules,omitempty"`
}

// OrgAccess says how people may sign in to an organization.
type OrgAccess struct {
	SessionTTLSeconds int64 `json:"session_ttl_seconds"`
	AllowGoogle       bool  `json:"allow_google"`
	AllowMicrosoft    bool  `json:"allow_microsoft"`
	AllowEmailCode    bool  `json:"allow_email_code"`
	AllowInvites      bool  `json:"allow_invites"`
}

// OrgModules are the product modules an organization has switched on.
type OrgModules struct {
	EnableInbox          bool `json:"enable_inbox"`
	EnableAnalytics      bool `json:"enable_analytics"`
	EnableBoards         bool `json:"enable_boards"`
	EnableAssistants     bool `json:"enable_assistants"`
	EnableKnowledgeBase  bool `json:"enable_knowledge_base"`
	EnableBroadcasts     bool `json:"enable_broadcasts"`
	EnableWorkflows      bool `json:"enable_workflows"`
	EnableAudience       bool `json:"enable_audience"`
	EnableBalanceCredits bool `json:"enable_balance_credits"`
}

// CreateSubOrgRequest is the body of POST /orgs/{org_id}/orgs.
type CreateSubOrgRequest struct {
	Name string `json:"name"`
}

// JoinSubOrgRequest is the body of POST /orgs/{org_id}/orgs/{sub_org_id}/join.
type JoinSubOrgRequest struct {
	Role string `json:"role"`
}

// ContentRole is a content role of invite links and organization members. The API writes the guest
// role as JSON null; this type spells it RoleGuest so that no caller handles null by hand. The empty
// value means "absent" and is left out by `omitempty`.
type ContentRole string

// Content roles. RoleGuest is JSON null on the wire.
const (
	RoleAdmin   ContentRole = "admin"
	RoleCreate  ContentRole = "create"
	RoleEdit    ContentRole = "edit"
	RoleReview  ContentRole = "review"
	RoleComment ContentRole = "comment"
	RoleRead    ContentRole = "read"
	RoleGuest   ContentRole = "guest"
)

// ContentRoles lists every content role, guest last.
var ContentRoles = []ContentRole{RoleAdmin, RoleCreate, RoleEdit, RoleReview, RoleComment, RoleRead, RoleGuest}

// Valid reports whether r is one of ContentRoles.
func (r ContentRole) Valid() bool {
	for _, known := range ContentRoles {
		if r == known {
			return true
		}
	}
	return false
}

// MarshalJSON writes RoleGuest as null. The empty role is refused rather than sent as null, which
// would silently make someone a guest; fields where it means "absent" are `omitempty`.
func (r ContentRole) MarshalJSON() ([]byte, error) {
	switch r {
	case RoleGuest:
		return []byte("null"), nil
	case "":
		return nil, errors.New("content role is empty")
	}
	return json.Marshal(string(r))
}

// UnmarshalJSON reads null as RoleGuest and refuses anything but a string or null.
func (r *ContentRole) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*r = RoleGuest
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("content role must be a string or null: %w", err)
	}
	if s == string(RoleGuest) {
		// "guest" is this package's spelling of null, never a wire value.
		return fmt.Errorf("content role %q is not a wire value; guest is null", s)
	}
	*r = ContentRole(s)
	return nil
}

// Invite link kinds, derived from which target a link carries.
const (
	InviteLinkKindOrganization = "organization"
	InviteLinkKindSpace        = "space"
	InviteLinkKindCollection   = "collection"
)

// InviteLink is an invite link of an organization, a space or a collection. An organization link
// carries Role; a space or collection link carries Level and its target.
type InviteLink struct {
	Object     string      `json:"object"`
	ID         string      `json:"id"`
	Role       ContentRole `json:"role,omitempty"`
	Level      ContentRole `json:"level,omitempty"`
	Redundant  bool        `json:"redundant"`
	Space      *ContentRef `json:"space,omitempty"`
	Collection *ContentRef `json:"collection,omitempty"`
}

// Kind tells whether the link is for the organization, a space or a collection.
func (l *InviteLink) Kind() string {
	switch {
	case l.Space != nil:
		return InviteLinkKindSpace
	case l.Collection != nil:
		return InviteLinkKindCollection
	default:
		return InviteLinkKindOrganization
	}
}

// Target returns the space or collection of a scoped link, nil for an organization link.
func (l *InviteLink) Target() *ContentRef {
	if l.Space != nil {
		return l.Space
	}
	return l.Collection
}

// EffectiveRole is the role the link grants, whichever field carries it.
func (l *InviteLink) EffectiveRole() ContentRole {
	if l.Kind() == InviteLinkKindOrganization {
		return l.Role
	}
	return l.Level
}

// ContentRef is the part of a space or collection that an invite link embeds.
type ContentRef struct {
	Object string `json:"object"`
	ID     string `json:"id"`
	Title  string `json:"title"`
}

// CreateInviteLinkRequest is the body of POST /orgs/{org_id}/link-invites: Role alone for an
// organization link, Level with Space or Collection for a scoped one. Use NewInviteLinkRequest.
type CreateInviteLinkRequest struct {
	Role       ContentRole `json:"role,omitempty"`
	Level      ContentRole `json:"level,omitempty"`
	Space      string      `json:"space,omitempty"`
	Collection string      `json:"collection,omitempty"`
}

// NewInviteLinkRequest builds the one request shape the API accepts for the given target: an
// organization link when both IDs are empty.
func NewInviteLinkRequest(role ContentRole, spaceID, collectionID string) CreateInviteLinkRequest {
	switch {
	case spaceID != "":
		return CreateInviteLinkRequest{Level: role, Space: spaceID}
	case collectionID != "":
		return CreateInviteLinkRequest{Level: role, Collection: collectionID}
	default:
		return CreateInviteLinkRequest{Role: role}
	}
}

// UpdateInviteLinkRequest is the body of PATCH /orgs/{org_id}/link-invites/{invite_id}: Role for an
// organization link, Level for a scoped one.
type UpdateInviteLinkRequest struct {
	Role  ContentRole `json:"role,omitempty"`
	Level ContentRole `json:"level,omitempty"`
}

// InviteEmail is one address of an email invitation, optionally with its own role. It is written
// as a bare string when it has no role, as the API accepts both.
type InviteEmail struct {
	Email string      `json:"email"`
	Role  ContentRole `json:"role,omitempty"`
}

// MarshalJSON writes a bare address when there is no per-address role.
func (e InviteEmail) MarshalJSON() ([]byte, error) {
	if e.Role == "" {
		return json.Marshal(e.Email)
	}
	type object InviteEmail
	return json.Marshal(object(e))
}

// UnmarshalJSON accepts both the bare address and the object form.
func (e *InviteEmail) UnmarshalJSON(data []byte) error {
	var address string
	if err := json.Unmarshal(data, &address); err == nil {
		*e = InviteEmail{Email: address}
		return nil
	}
	type object InviteEmail
	var o object
	if err := json.Unmarshal(data, &o); err != nil {
		return fmt.Errorf("an invited email must be a string or an object with email and role: %w", err)
	}
	*e = InviteEmail(o)
	return nil
}

// InviteRequest is the body of POST /orgs/{org_id}/invites. Role, when set, is the default role for
// addresses without their own; a pointer so that a guest default (null) can be told from none.
type InviteRequest struct {
	Emails []InviteEmail `json:"emails"`
	Role   *ContentRole  `json:"role,omitempty"`
	SSO    bool          `json:"sso,omitempty"`
}

// InviteResponse is the answer to an email invitation.
type InviteResponse struct {
	Users           []string `json:"users"`
	Invited         int      `json:"invited"`
	FailedSSOEmails []string `json:"failedSSOEmails,omitempty"`
}

// Member is an organization member with its content role (GET /orgs/{org_id}/members).
type Member struct {
	Object     string      `json:"object"`
	ID         string      `json:"id"`
	Role       ContentRole `json:"role"`
	User       MemberUser  `json:"user"`
	Disabled   bool        `json:"disabled"`
	JoinedAt   time.Time   `json:"joinedAt"`
	LastSeenAt *time.Time  `json:"lastSeenAt"`
	Status     string      `json:"status"`
	SSO        bool        `json:"sso"`
	Spaces     int         `json:"spaces"`
	Teams      int         `json:"teams"`
	Sites      int         `json:"sites"`
}

// MemberUser is the user object embedded in a Member.
type MemberUser struct {
	Object      string  `json:"object"`
	ID          string  `json:"id"`
	DisplayName string  `json:"displayName"`
	Email       string  `json:"email"`
	PhotoURL    *string `json:"photoURL"`
}

// UpdateMemberRequest is the body of PATCH /orgs/{org_id}/members/{user_id}.
type UpdateMemberRequest struct {
	Role ContentRole `json:"role"`
}

// ListPage is the list envelope of invite links and members. Next is absent on the last page.
type ListPage[T any] struct {
	Items []T       `json:"items"`
	Next  *PageNext `json:"next,omitempty"`
	Count int       `json:"count"`
}

// PageNext carries the opaque token of the following page.
type PageNext struct {
	Page string `json:"page"`
}

// ErrorBody is the JSON body of every non-2xx answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of ErrorBody.
type ErrorDetail struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}
