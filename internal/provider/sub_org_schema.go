package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/orgkit/terraform-provider-invent/internal/client"
)

// The SubOrg object as the data sources invent_sub_orgs (one element of sub_orgs) and invent_sub_org
// (its top level) expose it: one schema, one model and one conversion, so the two cannot drift apart.
// Attribute names are the API's own; what the API may send as null or leave out is null here. The
// model holds nested objects as pointers and lists as slices, so a nil one is null in the state.

type subOrgModel struct {
	ID              types.String         `tfsdk:"id"`
	Name            types.String         `tfsdk:"name"`
	LogoURL         types.String         `tfsdk:"logo_url"`
	Plan            types.String         `tfsdk:"plan"`
	Balance         types.Float64        `tfsdk:"balance"`
	PromoBalance    types.Float64        `tfsdk:"promo_balance"`
	SpendingCapUsed types.Float64        `tfsdk:"spending_cap_used"`
	CreatedAt       types.String         `tfsdk:"created_at"`
	Billing         *subOrgBillingModel  `tfsdk:"billing"`
	Members         []subOrgMemberModel  `tfsdk:"members"`
	Features        *subOrgFeaturesModel `tfsdk:"features"`
	Config          *subOrgConfigModel   `tfsdk:"config"`
}

type subOrgBillingModel struct {
	AutoRecharge                   *subOrgAutoRechargeModel  `tfsdk:"auto_recharge"`
	UseParentBalance               types.Bool                `tfsdk:"use_parent_balance"`
	SpendingCap                    *subOrgSpendingCapModel   `tfsdk:"spending_cap"`
	PaymentMethod                  *subOrgPaymentMethodModel `tfsdk:"payment_method"`
	LastLowBalanceNotificationAt   types.String              `tfsdk:"last_low_balance_notification_at"`
	LastOutOfBalanceNotificationAt types.String              `tfsdk:"last_out_of_balance_notification_at"`
	LastSpendingCapNotificationAt  types.String              `tfsdk:"last_spending_cap_notification_at"`
}

type subOrgAutoRechargeModel struct {
	Enabled           types.Bool    `tfsdk:"enabled"`
	RechargeThreshold types.Float64 `tfsdk:"recharge_threshold"`
	RechargeAmount    types.Float64 `tfsdk:"recharge_amount"`
}

type subOrgSpendingCapModel struct {
	Enabled types.Bool    `tfsdk:"enabled"`
	Amount  types.Float64 `tfsdk:"amount"`
	ResetAt types.String  `tfsdk:"reset_at"`
}

type subOrgPaymentMethodModel struct {
	Type            types.String `tfsdk:"type"`
	PaymentMethodID types.String `tfsdk:"payment_method_id"`
	Brand           types.String `tfsdk:"brand"`
	Last4           types.String `tfsdk:"last4"`
	Inactive        types.Bool   `tfsdk:"inactive"`
	FailedAt        types.String `tfsdk:"failed_at"`
	FailedMessage   types.String `tfsdk:"failed_message"`
}

type subOrgMemberModel struct {
	ID          types.String            `tfsdk:"id"`
	Name        types.String            `tfsdk:"name"`
	Email       types.String            `tfsdk:"email"`
	Avatar      types.String            `tfsdk:"avatar"`
	Role        types.String            `tfsdk:"role"`
	Status      types.String            `tfsdk:"status"`
	OrgID       types.String            `tfsdk:"org_id"`
	UserID      types.String            `tfsdk:"user_id"`
	Preferences *subOrgPreferencesModel `tfsdk:"preferences"`
	CreatedAt   types.String            `tfsdk:"created_at"`
	UpdatedAt   types.String            `tfsdk:"updated_at"`
	SeenAt      types.String            `tfsdk:"seen_at"`
}

type subOrgPreferencesModel struct {
	Notifications *subOrgNotificationsModel `tfsdk:"notifications"`
}

type subOrgNotificationsModel struct {
	AssignedToMe *subOrgNotificationModel `tfsdk:"assigned_to_me"`
}

type subOrgNotificationModel struct {
	Enabled    types.Bool   `tfsdk:"enabled"`
	NotifiedAt types.String `tfsdk:"notified_at"`
}

type subOrgFeaturesModel struct {
	Enterprise     types.Bool `tfsdk:"enterprise"`
	AllowOverdraft types.Bool `tfsdk:"allow_overdraft"`
	Workflows      types.Bool `tfsdk:"workflows"`
	Broadcasts     types.Bool `tfsdk:"broadcasts"`
	EnableJapifon  types.Bool `tfsdk:"enable_japifon"`
	CustomDomain   types.Bool `tfsdk:"custom_domain"`
	SlackAccess    types.Bool `tfsdk:"slack_access"`
}

type subOrgConfigModel struct {
	Email      types.String        `tfsdk:"email"`
	Address    types.String        `tfsdk:"address"`
	TermsURL   types.String        `tfsdk:"terms_url"`
	PrivacyURL types.String        `tfsdk:"privacy_url"`
	Access     *subOrgAccessModel  `tfsdk:"access"`
	Modules    *subOrgModulesModel `tfsdk:"modules"`
}

type subOrgAccessModel struct {
	SessionTTLSeconds types.Int64 `tfsdk:"session_ttl_seconds"`
	AllowGoogle       types.Bool  `tfsdk:"allow_google"`
	AllowMicrosoft    types.Bool  `tfsdk:"allow_microsoft"`
	AllowEmailCode    types.Bool  `tfsdk:"allow_email_code"`
	AllowInvites      types.Bool  `tfsdk:"allow_invites"`
}

type subOrgModulesModel struct {
	EnableInbox          types.Bool `tfsdk:"enable_inbox"`
	EnableAnalytics      types.Bool `tfsdk:"enable_analytics"`
	EnableBoards         types.Bool `tfsdk:"enable_boards"`
	EnableAssistants     types.Bool `tfsdk:"enable_assistants"`
	EnableKnowledgeBase  types.Bool `tfsdk:"enable_knowledge_base"`
	EnableBroadcasts     types.Bool `tfsdk:"enable_broadcasts"`
	EnableWorkflows      types.Bool `tfsdk:"enable_workflows"`
	EnableAudience       types.Bool `tfsdk:"enable_audience"`
	EnableBalanceCredits types.Bool `tfsdk:"enable_balance_credits"`
}

// subOrgParentAttribute is the org_id argument both sub-organization data sources take.
func subOrgParentAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "The ID of the parent organization, or `c` for the organization the API " +
			"token was created in.",
		Required:   true,
		Validators: orgIDValidators(),
	}
}

// subOrgAttributes are the attributes of one sub-organization, all computed.
func subOrgAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":                subOrgString("The sub-organization's ID."),
		"name":              subOrgString("The sub-organization's name."),
		"logo_url":          subOrgString("The URL of the sub-organization's logo; null when it has none."),
		"plan":              subOrgString("The subscription plan: `free` or `business`."),
		"balance":           subOrgFloat("The current credit balance."),
		"promo_balance":     subOrgFloat("The current promotional credit balance."),
		"spending_cap_used": subOrgFloat("The amount spent in the current month."),
		"created_at":        subOrgTime("When the sub-organization was created."),
		"billing": subOrgObject("The payment configuration; null when the API sends none.", map[string]schema.Attribute{
			"auto_recharge": subOrgObject("Topping the balance up when it falls below a threshold.", map[string]schema.Attribute{
				"enabled":            subOrgBool("Whether auto-recharge is on."),
				"recharge_threshold": subOrgFloat("The balance below which a recharge happens."),
				"recharge_amount":    subOrgFloat("The amount each recharge adds."),
			}),
			"use_parent_balance": subOrgBool("Whether the sub-organization spends the parent organization's balance; null when the API leaves it out."),
			"spending_cap": subOrgObject("The monthly spending limit.", map[string]schema.Attribute{
				"enabled":  subOrgBool("Whether the spending cap is on."),
				"amount":   subOrgFloat("The cap."),
				"reset_at": subOrgTime("When the spent amount is next reset."),
			}),
			"payment_method": subOrgObject("The card or account the sub-organization pays with; null when it has none.", map[string]schema.Attribute{
				"type":              subOrgString("The kind of payment method, such as `card`."),
				"payment_method_id": subOrgString("The payment processor's ID of the method."),
				"brand":             subOrgString("The card brand."),
				"last4":             subOrgString("The last four digits of the card."),
				"inactive":          subOrgBool("Whether the method can no longer be charged."),
				"failed_at":         subOrgTime("When the last charge failed."),
				"failed_message":    subOrgString("Why the last charge failed; null when none did."),
			}),
			"last_low_balance_notification_at":    subOrgTime("When the low-balance notification was last sent."),
			"last_out_of_balance_notification_at": subOrgTime("When the out-of-balance notification was last sent."),
			"last_spending_cap_notification_at":   subOrgTime("When the spending-cap notification was last sent."),
		}),
		"members": schema.ListNestedAttribute{
			MarkdownDescription: "The members of the sub-organization, in the API's order.",
			Computed:            true,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"id":      subOrgString("The membership's ID."),
				"name":    subOrgString("The member's name."),
				"email":   subOrgString("The member's email address."),
				"avatar":  subOrgString("The URL of the member's picture; null when there is none."),
				"role":    subOrgString("The member's organization role: `ADMIN`, `DEVELOPER`, `MANAGER` or `STAFF`."),
				"status":  subOrgString("The membership's status: `ACTIVE`, `INVITED` or `DISABLED`."),
				"org_id":  subOrgString("The ID of the organization the membership belongs to."),
				"user_id": subOrgString("The member's user ID."),
				"preferences": subOrgObject("The member's personal settings.", map[string]schema.Attribute{
					"notifications": subOrgObject("The member's notification settings.", map[string]schema.Attribute{
						"assigned_to_me": subOrgObject("Notifications about work assigned to the member.", map[string]schema.Attribute{
							"enabled":     subOrgBool("Whether the notification is on."),
							"notified_at": subOrgTime("When the notification last fired."),
						}),
					}),
				}),
				"created_at": subOrgTime("When the membership was created."),
				"updated_at": subOrgTime("When the membership last changed."),
				"seen_at":    subOrgTime("When the member was last seen."),
			}},
		},
		"features": subOrgObject("The organization's gate-keeping switches.", map[string]schema.Attribute{
			"enterprise":      subOrgBool("Enterprise features."),
			"allow_overdraft": subOrgBool("Spending beyond the balance."),
			"workflows":       subOrgBool("Workflows."),
			"broadcasts":      subOrgBool("Broadcasts."),
			"enable_japifon":  subOrgBool("Japifon."),
			"custom_domain":   subOrgBool("A custom domain; null when the API leaves it out."),
			"slack_access":    subOrgBool("Slack access."),
		}),
		"config": subOrgObject("The organization's configuration; null when the API sends none.", map[string]schema.Attribute{
			"email":       subOrgString("The organization's contact email address."),
			"address":     subOrgString("The organization's postal address."),
			"terms_url":   subOrgString("The URL of the organization's terms of service."),
			"privacy_url": subOrgString("The URL of the organization's privacy policy."),
			"access": subOrgObject("How people may sign in.", map[string]schema.Attribute{
				"session_ttl_seconds": schema.Int64Attribute{Computed: true, MarkdownDescription: "How long a session lasts, in seconds."},
				"allow_google":        subOrgBool("Sign-in with Google."),
				"allow_microsoft":     subOrgBool("Sign-in with Microsoft."),
				"allow_email_code":    subOrgBool("Sign-in with a code sent by email."),
				"allow_invites":       subOrgBool("Joining by invitation."),
			}),
			"modules": subOrgObject("The product modules switched on.", map[string]schema.Attribute{
				"enable_inbox":           subOrgBool("The inbox."),
				"enable_analytics":       subOrgBool("Analytics."),
				"enable_boards":          subOrgBool("Boards."),
				"enable_assistants":      subOrgBool("Assistants."),
				"enable_knowledge_base":  subOrgBool("The knowledge base."),
				"enable_broadcasts":      subOrgBool("Broadcasts."),
				"enable_workflows":       subOrgBool("Workflows."),
				"enable_audience":        subOrgBool("Audience."),
				"enable_balance_credits": subOrgBool("Balance credits."),
			}),
		}),
	}
}

func subOrgString(description string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: description}
}

func subOrgBool(description string) schema.BoolAttribute {
	return schema.BoolAttribute{Computed: true, MarkdownDescription: description}
}

func subOrgFloat(description string) schema.Float64Attribute {
	return schema.Float64Attribute{Computed: true, MarkdownDescription: description}
}

// subOrgTime is a time stamp: an RFC 3339 string in UTC, null when the API has none.
func subOrgTime(description string) schema.StringAttribute {
	return subOrgString(description + " An RFC 3339 time stamp in UTC; null when there is none.")
}

// subOrgObject is a nested object that may be null (when the API sends null or leaves it out).
func subOrgObject(description string, attributes map[string]schema.Attribute) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{Computed: true, MarkdownDescription: description, Attributes: attributes}
}

// newSubOrgModel converts the API's SubOrg into the data sources' model.
func newSubOrgModel(so client.SubOrg) subOrgModel {
	m := subOrgModel{
		ID:              types.StringValue(so.ID),
		Name:            types.StringValue(so.Name),
		LogoURL:         types.StringPointerValue(so.LogoURL),
		Plan:            types.StringValue(so.Plan),
		Balance:         types.Float64Value(so.Balance),
		PromoBalance:    types.Float64Value(so.PromoBalance),
		SpendingCapUsed: types.Float64Value(so.SpendingCapUsed),
		CreatedAt:       rfc3339UTC(so.CreatedAt),
		Billing:         newSubOrgBillingModel(so.Billing),
		Features:        newSubOrgFeaturesModel(so.Features),
		Config:          newSubOrgConfigModel(so.Config),
	}
	if so.Members != nil {
		m.Members = make([]subOrgMemberModel, len(so.Members))
		for i, member := range so.Members {
			m.Members[i] = newSubOrgMemberModel(member)
		}
	}
	return m
}

func newSubOrgBillingModel(b *client.Billing) *subOrgBillingModel {
	if b == nil {
		return nil
	}
	m := &subOrgBillingModel{
		UseParentBalance:               types.BoolPointerValue(b.UseParentBalance),
		LastLowBalanceNotificationAt:   rfc3339UTCOrNull(b.LastLowBalanceNotificationAt),
		LastOutOfBalanceNotificationAt: rfc3339UTCOrNull(b.LastOutOfBalanceNotificationAt),
		LastSpendingCapNotificationAt:  rfc3339UTCOrNull(b.LastSpendingCapNotificationAt),
	}
	if r := b.AutoRecharge; r != nil {
		m.AutoRecharge = &subOrgAutoRechargeModel{
			Enabled:           types.BoolValue(r.Enabled),
			RechargeThreshold: types.Float64Value(r.RechargeThreshold),
			RechargeAmount:    types.Float64Value(r.RechargeAmount),
		}
	}
	if c := b.SpendingCap; c != nil {
		m.SpendingCap = &subOrgSpendingCapModel{
			Enabled: types.BoolValue(c.Enabled),
			Amount:  types.Float64Value(c.Amount),
			ResetAt: rfc3339UTCOrNull(c.ResetAt),
		}
	}
	if p := b.PaymentMethod; p != nil {
		m.PaymentMethod = &subOrgPaymentMethodModel{
			Type:            types.StringValue(p.Type),
			PaymentMethodID: types.StringValue(p.PaymentMethodID),
			Brand:           types.StringValue(p.Brand),
			Last4:           types.StringValue(p.Last4),
			Inactive:        types.BoolValue(p.Inactive),
			FailedAt:        rfc3339UTCOrNull(p.FailedAt),
			FailedMessage:   types.StringPointerValue(p.FailedMessage),
		}
	}
	return m
}

func newSubOrgMemberModel(member client.SubOrgMember) subOrgMemberModel {
	m := subOrgMemberModel{
		ID:        types.StringValue(member.ID),
		Name:      types.StringValue(member.Name),
		Email:     types.StringValue(member.Email),
		Avatar:    types.StringPointerValue(member.Avatar),
		Role:      types.StringValue(member.Role),
		Status:    types.StringValue(member.Status),
		OrgID:     types.StringValue(member.OrgID),
		UserID:    types.StringValue(member.UserID),
		CreatedAt: rfc3339UTC(member.CreatedAt),
		UpdatedAt: rfc3339UTC(member.UpdatedAt),
		SeenAt:    rfc3339UTCOrNull(member.SeenAt),
	}
	if p := member.Preferences; p != nil {
		m.Preferences = &subOrgPreferencesModel{}
		if n := p.Notifications; n != nil {
			m.Preferences.Notifications = &subOrgNotificationsModel{}
			if a := n.AssignedToMe; a != nil {
				m.Preferences.Notifications.AssignedToMe = &subOrgNotificationModel{
					Enabled:    types.BoolValue(a.Enabled),
					NotifiedAt: rfc3339UTCOrNull(a.NotifiedAt),
				}
			}
		}
	}
	return m
}

func newSubOrgFeaturesModel(f *client.Features) *subOrgFeaturesModel {
	if f == nil {
		return nil
	}
	return &subOrgFeaturesModel{
		Enterprise:     types.BoolValue(f.Enterprise),
		AllowOverdraft: types.BoolValue(f.AllowOverdraft),
		Workflows:      types.BoolValue(f.Workflows),
		Broadcasts:     types.BoolValue(f.Broadcasts),
		EnableJapifon:  types.BoolValue(f.EnableJapifon),
		CustomDomain:   types.BoolPointerValue(f.CustomDomain),
		SlackAccess:    types.BoolValue(f.SlackAccess),
	}
}

func newSubOrgConfigModel(c *client.OrgConfig) *subOrgConfigModel {
	if c == nil {
		return nil
	}
	m := &subOrgConfigModel{
		Email:      types.StringPointerValue(c.Email),
		Address:    types.StringPointerValue(c.Address),
		TermsURL:   types.StringPointerValue(c.TermsURL),
		PrivacyURL: types.StringPointerValue(c.PrivacyURL),
	}
	if a := c.Access; a != nil {
		m.Access = &subOrgAccessModel{
			SessionTTLSeconds: types.Int64Value(a.SessionTTLSeconds),
			AllowGoogle:       types.BoolValue(a.AllowGoogle),
			AllowMicrosoft:    types.BoolValue(a.AllowMicrosoft),
			AllowEmailCode:    types.BoolValue(a.AllowEmailCode),
			AllowInvites:      types.BoolValue(a.AllowInvites),
		}
	}
	if mod := c.Modules; mod != nil {
		m.Modules = &subOrgModulesModel{
			EnableInbox:          types.BoolValue(mod.EnableInbox),
			EnableAnalytics:      types.BoolValue(mod.EnableAnalytics),
			EnableBoards:         types.BoolValue(mod.EnableBoards),
			EnableAssistants:     types.BoolValue(mod.EnableAssistants),
			EnableKnowledgeBase:  types.BoolValue(mod.EnableKnowledgeBase),
			EnableBroadcasts:     types.BoolValue(mod.EnableBroadcasts),
			EnableWorkflows:      types.BoolValue(mod.EnableWorkflows),
			EnableAudience:       types.BoolValue(mod.EnableAudience),
			EnableBalanceCredits: types.BoolValue(mod.EnableBalanceCredits),
		}
	}
	return m
}

// rfc3339UTC is t as an RFC 3339 string in UTC. Fractions of a second are kept when the API sends
// them, so the value round-trips exactly.
func rfc3339UTC(t time.Time) types.String {
	return types.StringValue(t.UTC().Format(time.RFC3339Nano))
}

// rfc3339UTCOrNull is rfc3339UTC of *t, or null when the API sent none.
func rfc3339UTCOrNull(t *time.Time) types.String {
	if t == nil {
		return types.StringNull()
	}
	return rfc3339UTC(*t)
}
