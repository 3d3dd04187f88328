// Command pulumi-language-nodejs is a minimal Node.js language host for the e2e tests.
//
// Why it exists: the Go module proxy serves no version of Pulumi's own host
// (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3), and the copy inside
// sdk/v3 v3.68.0 does not answer the v3.276 CLI. Delete this group once the proxy serves the
// upstream host at the CLI's version.
//
// Written from the protocol (pulumirpc.LanguageRuntime in sdk/v3's proto/go) and the entry points
// of the Node.js SDK (@pulumi/pulumi/cmd/run and cmd/run-policy-pack). It does what the CLI asks
// of a TypeScript project and a Node.js policy pack: start the program or the pack with `node`,
// pass the engine's settings the way those entry points read them, report how it ended.
// Everything else (code generation, templates, packing, debugging) answers Unimplemented.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// bailExitCode is the exit code with which the SDK's entry points say "the error was already
// shown to the user": the engine then stops without printing anything more.
const bailExitCode = 32

// sdkModule is the Go module whose protocol this host speaks; its version is the host's version.
const sdkModule = "github.com/pulumi/pulumi/sdk/v3"

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
}

func main() {
	// The CLI starts a language host with the engine's address as the last positional argument
	// (flags such as -v or --tracing may come before it; they are not needed here).
	host := &languageHost{}
	for _, arg := range os.Args[1:] {
		if !strings.HasPrefix(arg, "-") {
			host.engineAddress = arg
		}
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(s, host)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
	// The startup protocol: the first line on stdout is the port; the CLI connects to it.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

func (h *languageHost) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

func (h *languageHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.mu.Lock()
		h.engineAddress = req.GetEngineAddress()
		h.mu.Unlock()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

// No plugins are announced: the engine starts the providers the program asks for when it asks,
// finding them on PATH (the e2e puts the built providers there).
func (h *languageHost) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *languageHost) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

// Run starts `node @pulumi/pulumi/cmd/run` for the program and waits for it. Its output goes to
// this host's stdout/stderr, which the CLI shows. How the program ended is the answer: exit 0
// is success, exit 32 a bail (the program already reported its error), anything else an error.
func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	programDir := info.GetProgramDirectory()
	if programDir == "" {
		programDir = req.GetPwd()
	}
	entry := info.GetEntryPoint()
	if entry == "" {
		entry = "."
	}
	runScript, err := findSDKEntry(programDir, "cmd/run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	options := info.GetOptions()

	args := nodeArgs(options)
	args = append(args, runScript,
		"--monitor="+req.GetMonitorAddress(),
		"--engine="+h.engine(),
		"--organization="+req.GetOrganization(),
		"--project="+req.GetProject(),
		"--stack="+req.GetStack(),
		"--pwd="+req.GetPwd(),
		"--root-directory="+info.GetRootDirectory(),
	)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetParallel() > 1 {
		args = append(args, "--parallel="+strconv.Itoa(int(req.GetParallel())))
	}
	// cmd/run stops reading flags at the program; the program's own arguments follow it.
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secrets, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secrets),
		// cmd/run compiles with ts-node when this says so; a project turns it off with the
		// runtime option `typescript: false`.
		"PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(optionBool(options, "typescript", true)),
	)
	if tsconfig := optionString(options, "tsconfig"); tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	return runResponse(cmd.Run()), nil
}

func runResponse(err error) *pulumirpc.RunResponse {
	if err == nil {
		return &pulumirpc.RunResponse{}
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return &pulumirpc.RunResponse{Error: "could not start node: " + err.Error()}
	}
	switch code := exit.ExitCode(); code {
	case bailExitCode:
		return &pulumirpc.RunResponse{Bail: true}
	case -1:
		return &pulumirpc.RunResponse{Error: "the Node.js program ended unexpectedly: " + exit.String()}
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("the Node.js program exited with code %d", code)}
	}
}

// RunPlugin runs a Node.js policy pack (`pulumi up --policy-pack <dir>`) with
// @pulumi/pulumi/cmd/run-policy-pack: its first stdout line is the analyzer's port, which the CLI
// reads from the Stdout messages; the last message is the exit code.
func (h *languageHost) RunPlugin(
	req *pulumirpc.RunPluginRequest, stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse],
) error {
	if req.GetKind() != "analyzer" {
		return fmt.Errorf("pulumi-language-nodejs (e2e): plugins of kind %q are not supported, only policy packs",
			req.GetKind())
	}
	info := req.GetInfo()
	packDir := info.GetProgramDirectory()
	script, err := findSDKEntry(packDir, "cmd/run-policy-pack")
	if err != nil {
		return err
	}
	// run-policy-pack takes `<engine address> <program>`; the CLI sends the address in Args.
	args := nodeArgs(info.GetOptions())
	args = append(args, script)
	args = append(args, req.GetArgs()...)
	args = append(args, packDir)

	cmd := exec.CommandContext(stream.Context(), "node", args...)
	// run-policy-pack compiles TypeScript with the tsconfig.json of its working directory: the
	// pack's own.
	cmd.Dir = packDir
	cmd.Env = append(os.Environ(), req.GetEnv()...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}

	var sendMu sync.Mutex // a gRPC stream is not safe for concurrent Send
	send := func(msg *pulumirpc.RunPluginResponse) error {
		sendMu.Lock()
		defer sendMu.Unlock()
		return stream.Send(msg)
	}
	var copying sync.WaitGroup
	forward := func(r io.Reader, wrap func([]byte) *pulumirpc.RunPluginResponse) {
		defer copying.Done()
		reader := bufio.NewReader(r)
		for {
			line, err := reader.ReadBytes('\n')
			if len(line) > 0 {
				_ = send(wrap(line))
			}
			if err != nil {
				return
			}
		}
	}
	copying.Add(2)
	go forward(stdout, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}}
	})
	go forward(stderr, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}}
	})
	copying.Wait() // before Wait: it closes the pipes
	code := int32(0)
	if err := cmd.Wait(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return err
		}
		code = int32(exit.ExitCode())
	}
	return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: code}})
}

// InstallDependencies does nothing: the e2e runs `npm ci` itself before any pulumi command.
func (h *languageHost) InstallDependencies(
	*pulumirpc.InstallDependenciesRequest, grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	return nil
}

func (h *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	version := "0.0.0"
	if build, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range build.Deps {
			if dep.Path == sdkModule {
				version = strings.TrimPrefix(dep.Version, "v")
			}
		}
	}
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *languageHost) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node is not on PATH: %w", err)
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("%s --version: %w", node, err)
	}
	return &pulumirpc.AboutResponse{
		Executable: node,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
	}, nil
}

// GetProgramDependencies lists nothing (`pulumi about` then shows no packages); the e2e does not
// read it.
func (h *languageHost) GetProgramDependencies(
	context.Context, *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

// findSDKEntry finds @pulumi/pulumi/<entry> the way Node's require would from dir: in the
// node_modules folder of dir or of the nearest parent that has one with it.
func findSDKEntry(dir, entry string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		candidate := filepath.Join(d, "node_modules", "@pulumi", "pulumi", filepath.FromSlash(entry))
		if _, err := os.Stat(filepath.Join(candidate, "index.js")); err == nil {
			return candidate, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("@pulumi/pulumi/%s not found in a node_modules folder of %s or its parents; "+
				"run npm ci", entry, dir)
		}
	}
}

// nodeArgs are the runtime option `nodeargs` of Pulumi.yaml / PulumiPolicy.yaml, split on spaces.
func nodeArgs(options *structpb.Struct) []string {
	return strings.Fields(optionString(options, "nodeargs"))
}

func optionString(options *structpb.Struct, key string) string {
	if v, ok := options.GetFields()[key]; ok {
		return v.GetStringValue()
	}
	return ""
}

func optionBool(options *structpb.Struct, key string, fallback bool) bool {
	if v, ok := options.GetFields()[key]; ok {
		if _, isBool := v.GetKind().(*structpb.Value_BoolValue); isBool {
			return v.GetBoolValue()
		}
	}
	return fallback
}
