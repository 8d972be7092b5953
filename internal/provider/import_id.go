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
