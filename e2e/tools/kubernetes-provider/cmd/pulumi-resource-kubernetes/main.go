// Command pulumi-resource-kubernetes serves the Kubernetes provider of
// github.com/pulumi/pulumi-kubernetes/provider/v4.
//
// Upstream's own main embeds schema-embed.json, a file its build generates and the module zip
// does not carry; this main embeds the module's committed schema.json instead, which
// e2e/build-tools.sh copies next to this file (git-ignored) before building. The provider's
// version comes from -ldflags -X .../pkg/version.Version.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema.json
var pulumiSchema []byte

func main() {
	// No Terraform mapping: only `pulumi convert` from Terraform reads it.
	provider.Serve("kubernetes", version.Version, pulumiSchema, nil)
}
