//go:build tools

// Package tools records the upstream module this group builds against (the main package is ours).
package tools

import _ "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
