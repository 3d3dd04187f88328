// Command pulumi-resource-random is a minimal STAND-IN for Pulumi's random provider, for the e2e
// tests only.
//
// Why it exists: the Go module proxy serves no version of github.com/pulumi/pulumi-random/provider/v4
// (e2e/tools/pins.json), and the dev stack's in-cluster database and broker get their passwords
// from random.RandomPassword. Whoever finds the proxy serving pulumi-random/provider/v4 at the
// lockfile's @pulumi/random version deletes this group and builds the real provider instead.
//
// It implements only random:index/randomPassword:RandomPassword, the way the real
// (Terraform-bridged) provider behaves for what the program uses: Check fills the real defaults
// and refuses bad input with check failures, every input is ForceNew (any change replaces),
// Create draws the password from crypto/rand, the id is "none", Read returns the state as it is.
// Any other resource type is refused with an error naming it.
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"golang.org/x/crypto/bcrypt"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// standInVersion is what GetPluginInfo reports. It is deliberately not the lockfile's 4.21.2: the
// CLI then warns on every command that the plugin found on PATH is not the expected version
// (a warning only, pkg/v3 host/host.go), so a run never hides that a stand-in served it.
const standInVersion = "0.0.0-smartem-standin"

const passwordType = "random:index/randomPassword:RandomPassword"

// The real provider's id for every RandomPassword.
const passwordID = "none"

// The character classes, as the real provider draws them; special is replaced by overrideSpecial.
const (
	lowerChars   = "abcdefghijklmnopqrstuvwxyz"
	upperChars   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	numericChars = "0123456789"
	specialChars = "!@#$%&*()-_=+[]{}<>:?"
)

// bcryptMaxBytes: bcrypt only ever hashed the first 72 bytes; golang.org/x/crypto now refuses
// longer input instead, so a longer password is hashed by its first 72 bytes (what a verifier sees).
const bcryptMaxBytes = 72

// input is one input property of RandomPassword. Every input is ForceNew in the real provider.
type input struct {
	name string
	kind string // schema type: "integer", "boolean", "string", "object"
	def  any    // the default Check fills in, nil for none
}

var inputs = []input{
	{"length", "integer", nil},
	{"lower", "boolean", true},
	{"upper", "boolean", true},
	{"numeric", "boolean", true},
	{"number", "boolean", true}, // deprecated alias of numeric
	{"special", "boolean", true},
	{"minLower", "integer", 0.0},
	{"minUpper", "integer", 0.0},
	{"minNumeric", "integer", 0.0},
	{"minSpecial", "integer", 0.0},
	{"overrideSpecial", "string", nil},
	{"keepers", "object", nil},
}

// outputs are what Create adds to the inputs; the SDK marks both secret (additionalSecretOutputs).
var outputs = []string{"result", "bcryptHash"}

type randomProvider struct {
	pulumirpc.UnimplementedResourceProviderServer
}

func main() {
	err := provider.Main("random", func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return &randomProvider{}, nil
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-random: %v\n", err)
		os.Exit(1)
	}
}

// Secrets arrive unwrapped (Configure does not accept them); unknowns only during a preview.
var unmarshal = plugin.MarshalOptions{KeepUnknowns: true, SkipNulls: true}

func requireType(urn, typ string) error {
	if typ == "" {
		typ = string(resource.URN(urn).Type())
	}
	if typ != passwordType {
		return status.Errorf(codes.InvalidArgument,
			"resource type %q is not implemented by this stand-in random provider (e2e/tools/random-provider): only %s is",
			typ, passwordType)
	}
	return nil
}

func (p *randomProvider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: standInVersion}, nil
}

func (p *randomProvider) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	props := map[string]any{}
	for _, in := range inputs {
		props[in.name] = map[string]any{"type": in.kind}
	}
	all := map[string]any{}
	for k, v := range props {
		all[k] = v
	}
	for _, out := range outputs {
		all[out] = map[string]any{"type": "string", "secret": true}
	}
	schema, err := json.Marshal(map[string]any{
		"name":    "random",
		"version": standInVersion,
		"resources": map[string]any{
			passwordType: map[string]any{
				"inputProperties": props,
				"requiredInputs":  []string{"length"},
				"properties":      all,
				"required":        []string{"bcryptHash", "length", "lower", "minLower", "minNumeric", "minSpecial", "minUpper", "number", "numeric", "result", "special", "upper"},
			},
		},
	})
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetSchemaResponse{Schema: string(schema)}, nil
}

// The provider takes no configuration: accept whatever the program sets.
func (p *randomProvider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (p *randomProvider) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

func (p *randomProvider) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{SupportsPreview: true}, nil
}

func (p *randomProvider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	if err := requireType(req.GetUrn(), req.GetType()); err != nil {
		return nil, err
	}
	news, err := plugin.UnmarshalProperties(req.GetNews(), unmarshal)
	if err != nil {
		return nil, err
	}
	checked, failures := checkPassword(news)
	if len(failures) > 0 {
		return &pulumirpc.CheckResponse{Failures: failures}, nil
	}
	marshalled, err := plugin.MarshalProperties(checked, unmarshal)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: marshalled}, nil
}

// checkPassword validates the inputs and fills the real provider's defaults.
func checkPassword(news resource.PropertyMap) (resource.PropertyMap, []*pulumirpc.CheckFailure) {
	var failures []*pulumirpc.CheckFailure
	fail := func(prop, format string, args ...any) {
		failures = append(failures, &pulumirpc.CheckFailure{Property: prop, Reason: fmt.Sprintf(format, args...)})
	}
	known := map[string]input{}
	for _, in := range inputs {
		known[in.name] = in
	}
	for key := range news {
		if _, ok := known[string(key)]; !ok && !strings.HasPrefix(string(key), "__") {
			fail(string(key), "unknown property %q of %s; allowed: %s", key, passwordType, inputNames())
		}
	}
	checked := resource.PropertyMap{}
	for key, v := range news {
		checked[key] = v
	}
	// number and numeric are one setting; either one given decides the other's default.
	for _, pair := range [][2]resource.PropertyKey{{"numeric", "number"}, {"number", "numeric"}} {
		if v, ok := news[pair[0]]; ok && !v.IsComputed() {
			if _, other := news[pair[1]]; !other {
				checked[pair[1]] = v
			}
		}
	}
	for _, in := range inputs {
		key := resource.PropertyKey(in.name)
		v, ok := checked[key]
		if !ok {
			if in.def == nil {
				if in.name == "length" {
					fail("length", "missing required property \"length\" of %s: an integer >= 1", passwordType)
				}
				continue
			}
			checked[key] = resource.NewPropertyValue(in.def)
			continue
		}
		if v.ContainsUnknowns() {
			continue // known only after an apply: the preview cannot check it
		}
		switch in.kind {
		case "integer":
			min := 0.0
			if in.name == "length" {
				min = 1
			}
			if !v.IsNumber() || v.NumberValue() != float64(int64(v.NumberValue())) || v.NumberValue() < min {
				fail(in.name, "%s = %v: must be an integer >= %v", in.name, v.V, min)
			}
		case "boolean":
			if !v.IsBool() {
				fail(in.name, "%s = %v: must be true or false", in.name, v.V)
			}
		case "string":
			if !v.IsString() {
				fail(in.name, "%s = %v: must be a string", in.name, v.V)
			}
		case "object":
			if !v.IsObject() {
				fail(in.name, "%s = %v: must be a map", in.name, v.V)
			}
		}
	}
	if len(failures) > 0 || checked.ContainsUnknowns() {
		return checked, failures
	}
	// As the real provider: length must hold every required minimum.
	length := checked["length"].NumberValue()
	sum := 0.0
	for _, k := range []resource.PropertyKey{"minLower", "minUpper", "minNumeric", "minSpecial"} {
		sum += checked[k].NumberValue()
	}
	if sum > length {
		fail("length", "length = %v: must be at least minLower + minUpper + minNumeric + minSpecial = %v", length, sum)
	}
	if len(charClasses(checked)) == 0 {
		fail("length", "lower, upper, numeric and special are all false (or overrideSpecial is empty): no character to draw from")
	}
	return checked, failures
}

func inputNames() string {
	names := make([]string, 0, len(inputs))
	for _, in := range inputs {
		names = append(names, in.name)
	}
	return strings.Join(names, ", ")
}

// charClass is one enabled character class and how many of its characters the password must hold.
type charClass struct {
	chars string
	min   int
}

func charClasses(p resource.PropertyMap) []charClass {
	special := specialChars
	if v, ok := p["overrideSpecial"]; ok {
		special = v.StringValue()
	}
	var classes []charClass
	add := func(enabled, minKey resource.PropertyKey, chars string) {
		if p[enabled].BoolValue() && chars != "" {
			classes = append(classes, charClass{chars, int(p[minKey].NumberValue())})
		}
	}
	add("lower", "minLower", lowerChars)
	add("upper", "minUpper", upperChars)
	add("numeric", "minNumeric", numericChars)
	add("special", "minSpecial", special)
	return classes
}

// Every input is ForceNew in the real provider: any change, keepers included, replaces.
func (p *randomProvider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	if err := requireType(req.GetUrn(), req.GetType()); err != nil {
		return nil, err
	}
	olds, err := plugin.UnmarshalProperties(req.GetOlds(), unmarshal)
	if err != nil {
		return nil, err
	}
	news, err := plugin.UnmarshalProperties(req.GetNews(), unmarshal)
	if err != nil {
		return nil, err
	}
	var replaces []string
	detailed := map[string]*pulumirpc.PropertyDiff{}
	for _, in := range inputs {
		key := resource.PropertyKey(in.name)
		old, hadOld := olds[key]
		nu, hasNew := news[key]
		switch {
		case !hadOld && !hasNew:
			continue
		case !hadOld:
			detailed[in.name] = &pulumirpc.PropertyDiff{Kind: pulumirpc.PropertyDiff_ADD_REPLACE}
		case !hasNew:
			detailed[in.name] = &pulumirpc.PropertyDiff{Kind: pulumirpc.PropertyDiff_DELETE_REPLACE}
		case nu.ContainsUnknowns() || !old.DeepEquals(nu):
			detailed[in.name] = &pulumirpc.PropertyDiff{Kind: pulumirpc.PropertyDiff_UPDATE_REPLACE}
		default:
			continue
		}
		replaces = append(replaces, in.name)
	}
	if len(replaces) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	sort.Strings(replaces)
	return &pulumirpc.DiffResponse{
		Changes:         pulumirpc.DiffResponse_DIFF_SOME,
		Replaces:        replaces,
		Diffs:           replaces,
		DetailedDiff:    detailed,
		HasDetailedDiff: true,
	}, nil
}

func (p *randomProvider) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	if err := requireType(req.GetUrn(), req.GetType()); err != nil {
		return nil, err
	}
	props, err := plugin.UnmarshalProperties(req.GetProperties(), unmarshal)
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		// Known only once created.
		for _, out := range outputs {
			props[resource.PropertyKey(out)] = resource.MakeComputed(resource.NewStringProperty(""))
		}
	} else {
		result, err := generate(int(props["length"].NumberValue()), charClasses(props))
		if err != nil {
			return nil, err
		}
		hashed := result
		if len(hashed) > bcryptMaxBytes {
			hashed = hashed[:bcryptMaxBytes]
		}
		hash, err := bcrypt.GenerateFromPassword([]byte(hashed), bcrypt.DefaultCost)
		if err != nil {
			return nil, fmt.Errorf("bcrypt of the generated password: %w", err)
		}
		props["result"] = resource.NewStringProperty(result)
		props["bcryptHash"] = resource.NewStringProperty(string(hash))
	}
	marshalled, err := plugin.MarshalProperties(props, unmarshal)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: passwordID, Properties: marshalled}, nil
}

// generate draws each class's minimum from that class, the rest from every enabled class, then
// shuffles, all with crypto/rand.
func generate(length int, classes []charClass) (string, error) {
	var all strings.Builder
	out := make([]byte, 0, length)
	for _, c := range classes {
		all.WriteString(c.chars)
		for range c.min {
			b, err := pick(c.chars)
			if err != nil {
				return "", err
			}
			out = append(out, b)
		}
	}
	for len(out) < length {
		b, err := pick(all.String())
		if err != nil {
			return "", err
		}
		out = append(out, b)
	}
	for i := len(out) - 1; i > 0; i-- {
		j, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			return "", err
		}
		out[i], out[j.Int64()] = out[j.Int64()], out[i]
	}
	return string(out), nil
}

func pick(chars string) (byte, error) {
	i, err := rand.Int(rand.Reader, big.NewInt(int64(len(chars))))
	if err != nil {
		return 0, err
	}
	return chars[i.Int64()], nil
}

// The real provider reads nothing from anywhere: the state is the truth.
func (p *randomProvider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	if err := requireType(req.GetUrn(), req.GetType()); err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

// Diff replaces on every change, so the engine never asks for an in-place update.
func (p *randomProvider) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	if err := requireType(req.GetUrn(), req.GetType()); err != nil {
		return nil, err
	}
	return nil, status.Errorf(codes.Internal, "%s: update of %s: every change replaces it; the engine should never update in place",
		req.GetUrn(), passwordType)
}

// Nothing exists outside the state.
func (p *randomProvider) Delete(_ context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	if err := requireType(req.GetUrn(), req.GetType()); err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}
