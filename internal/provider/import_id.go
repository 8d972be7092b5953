package provider

import (
	"fmt"
	"strings"
)

// parseImportID splits a composite import ID into exactly len(parts) non-empty, slash-separated
// parts, with one error format for every resource: the expected shape, an example, and what was given.
func parseImportID(id string, parts ...string) ([]string, error) {
	got := strings.Split(id, "/")
	ok := len(got) == len(parts)
	for _, p := range got {
		if strings.TrimSpace(p) == "" {
			ok = false
		}
	}
	if !ok {
		shape := "<" + strings.Join(parts, ">/<") + ">"
		return nil, fmt.Errorf("the import ID must have the form %s, with every part non-empty; got %q", shape, id)
	}
	return got, nil
}

// compositeID joins the parts of a resource ID the way parseImportID splits them.
func compositeID(parts ...string) string {
	return strings.Join(parts, "/")
}

// adoptByImport tells how to bring an object that already exists under management, for the error
// of a Create that refuses to adopt it silently.
func adoptByImport(resourceType, id string) string {
	return fmt.Sprintf("Bring it under management instead, then apply again:\n\n"+
		"  terraform import %[1]s.<name> %[2]q\n\n"+
		"where %[1]s.<name> is this resource's address (shown with this error), or add an import "+
		"block with id = %[2]q.", resourceType, id)
}

// adoptByImportBlock tells how to adopt what exists with an import block, for the error of a Create
// that refuses to act without a plan a reviewer has seen: after the import, the next plan shows what
// the resource changes (review says what it shows).
func adoptByImportBlock(resourceType, id, review string) string {
	return fmt.Sprintf("Adopt it instead: add this import block beside the resource, where %[1]s.<name> is "+
		"this resource's address (shown with this error), then run terraform plan, %[3]s, and apply:\n\n"+
		"  import {\n    to = %[1]s.<name>\n    id = %[2]q\n  }\n\n"+
		"(or run terraform import %[1]s.<name> %[2]q).", resourceType, id, review)
}
