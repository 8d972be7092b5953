package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// privateState is a resource's private state as the framework's requests and responses carry it:
// what a resource keeps between its plan and its apply, or across applies, without a schema
// attribute.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// getPrivateJSON decodes the value at key into out and reports whether there was one.
func getPrivateJSON(ctx context.Context, private privateState, key string, out any, diags *diag.Diagnostics) bool {
	raw, getDiags := private.GetKey(ctx, key)
	diags.Append(getDiags...)
	if len(raw) == 0 {
		return false
	}
	if err := json.Unmarshal(raw, out); err != nil {
		diags.AddError("Unreadable private state", fmt.Sprintf("The private state %q of the resource cannot be "+
			"read: %s. This is a bug in the provider; please report it.", key, err))
		return false
	}
	return true
}

// setPrivateJSON sets key to value, as JSON; a nil value removes the key.
func setPrivateJSON(ctx context.Context, private privateState, key string, value any, diags *diag.Diagnostics) {
	var raw []byte
	if value != nil {
		var err error
		if raw, err = json.Marshal(value); err != nil {
			diags.AddError("Cannot record private state", fmt.Sprintf("The private state %q of the resource cannot "+
				"be written: %s. This is a bug in the provider; please report it.", key, err))
			return
		}
	}
	diags.Append(private.SetKey(ctx, key, raw)...)
}

// privateString is the string at key of private state ("" when there is none).
func privateString(ctx context.Context, private privateState, key string, diags *diag.Diagnostics) string {
	var s string
	getPrivateJSON(ctx, private, key, &s, diags)
	return s
}

// setPrivateString sets key of private state to s; "" removes the key.
func setPrivateString(ctx context.Context, private privateState, key, s string, diags *diag.Diagnostics) {
	var value any
	if s != "" {
		value = s
	}
	setPrivateJSON(ctx, private, key, value, diags)
}
