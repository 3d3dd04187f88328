//go:build tools

// Package tools records the upstream module whose provider this module builds (the main package
// is ours: cmd/pulumi-resource-kubernetes).
package tools

import _ "github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
