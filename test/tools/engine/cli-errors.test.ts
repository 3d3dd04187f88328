/**
 * The program as the Pulumi CLI's Node.js language host runs it: `@pulumi/pulumi/cmd/run`
 * in a fresh process, TypeScript through ts-node, config in PULUMI_CONFIG, talking gRPC to an
 * engine and a resource monitor. Here both are a loopback stand-in that records what the
 * CLI would print (the engine's Log calls), so the test sees the user's view of an error.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { PROJECT_ROOT } from "../../../tools/engine/stack-file";
import { KEY } from "../../../components/program-config";

/* eslint-disable @typescript-eslint/no-require-imports */
const engineGrpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const resourceGrpc = require("@pulumi/pulumi/proto/resource_grpc_pb");
const resourcePb = require("@pulumi/pulumi/proto/resource_pb");
const enginePb = require("@pulumi/pulumi/proto/engine_pb");
const emptyPb = require("google-protobuf/google/protobuf/empty_pb");
const structPb = require("google-protobuf/google/protobuf/struct_pb");

/** LogSeverity.ERROR in the engine's protocol. */
const ERROR = enginePb.LogSeverity.ERROR as number;

interface Logged {
  readonly severity: number;
  readonly message: string;
}

type Callback = (error: grpc.ServiceError | null, response?: unknown) => void;

/** Starts the stand-in engine and monitor on 127.0.0.1; returns its address and what it logged. */
async function standIn(): Promise<{ address: string; logged: Logged[]; stop(): void }> {
  const logged: Logged[] = [];
  const server = new grpc.Server();
  const empty = (_call: unknown, callback: Callback) => callback(null, new emptyPb.Empty());
  server.addService(engineGrpc.EngineService, {
    log: (call: { request: { getSeverity(): number; getMessage(): string } }, callback: Callback) => {
      logged.push({ severity: call.request.getSeverity(), message: call.request.getMessage() });
      callback(null, new emptyPb.Empty());
    },
    getRootResource: (_call: unknown, callback: Callback) => callback(null, new enginePb.GetRootResourceResponse()),
    setRootResource: (_call: unknown, callback: Callback) => callback(null, new enginePb.SetRootResourceResponse()),
  });
  server.addService(resourceGrpc.ResourceMonitorService, {
    supportsFeature: (_call: unknown, callback: Callback) => {
      const response = new resourcePb.SupportsFeatureResponse();
      response.setHassupport(false);
      callback(null, response);
    },
    registerResource: (call: { request: { getType(): string; getName(): string } }, callback: Callback) => {
      const response = new resourcePb.RegisterResourceResponse();
      response.setUrn(`urn:pulumi:dev::smartem::${call.request.getType()}::${call.request.getName()}`);
      response.setObject(structPb.Struct.fromJavaScript({}));
      callback(null, response);
    },
    registerResourceOutputs: empty,
    signalAndWaitForShutdown: empty,
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { address: `127.0.0.1:${port}`, logged, stop: () => server.forceShutdown() };
}

/** Runs index.ts for the dev stack with this config, as `pulumi preview` would; resolves with its exit code. */
function runLikeTheCli(address: string, config: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const run = path.join(PROJECT_ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run");
  const args = [
    run,
    `--monitor=${address}`,
    `--engine=${address}`,
    "--project=smartem",
    "--stack=dev",
    "--organization=organization",
    `--root-directory=${PROJECT_ROOT}`,
    `--pwd=${PROJECT_ROOT}`,
    "--dry-run",
    ".",
  ];
  const child = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PULUMI_NODEJS_TYPESCRIPT: "true",
      // Type checks have their own test (pulumi-entry.test.ts). Transpiling only also holds
      // tsconfig's rootDir: TypeScript 6 refuses an outDir without one in this mode.
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      PULUMI_CONFIG: JSON.stringify(config),
      PULUMI_CONFIG_SECRET_KEYS: "[]",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += String(chunk)));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

describe("errors under the Pulumi CLI", function () {
  this.timeout(120000);

  it("a config error is printed as its message alone, without a JavaScript stack trace, and the run fails", async () => {
    const engine = await standIn();
    try {
      const { code } = await runLikeTheCli(engine.address, { [KEY.backendVersion]: "latest", [KEY.apiReplicas]: "-1" });
      const errors = engine.logged.filter((l) => l.severity === ERROR).map((l) => l.message);
      expect(errors).to.have.length(1);
      const [message] = errors;
      expect(message).to.match(/^Invalid stack configuration:\n {2}- smartem:backendVersion = "latest": /);
      expect(message).to.contain("\n  - smartem:apiReplicas = -1: ");
      expect(message).to.not.match(/\n\s+at /);
      expect(message).to.not.contain("unhandled exception");
      // The language host's code for "failed, and the error was shown to the user".
      expect(code).to.equal(32);
    } finally {
      engine.stop();
    }
  });
});
