/**
 * One case of `npm run bench`: Pulumi's SDK alone, the lower bound of any offline render.
 * It loads the four SDKs as the floor does, then registers N bare resources under Pulumi's
 * mock runtime with nothing of ours around them (no program, no redaction, no files): what
 * the SDK itself costs for a render registering N resources.
 */
import { runScript } from "../tools/cli";

runScript({
  name: "bench-sdk",
  spec: {
    command: "node scripts/run.cjs scripts/bench-sdk.ts",
    summary: "One case of npm run bench: registers N bare resources under Pulumi's mock runtime, nothing else.",
    options: {
      resources: { type: "string", help: "how many resources to register (a whole number, at least 1)" },
    },
    required: ["resources"],
  },
  main: async ({ resources }) => {
    const n = Number(resources);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--resources ${resources}: a whole number of resources, at least 1`);
    const [pulumi, github] = await Promise.all([import("@pulumi/pulumi"), import("@pulumi/github")]);
    await Promise.all([import("@pulumi/kubernetes"), import("@pulumi/random")]);
    // As the offline engine runs it (tools/engine/evaluate.ts): no stack trace per resource.
    Error.stackTraceLimit = 0;
    await pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs },
      "bench",
      "bench",
      false,
      "organization",
    );
    // A workflow file's worth of inputs, about what a render's resources carry.
    const content = "on: push\n".repeat(200);
    for (let i = 0; i < n; i++) {
      new github.RepositoryFile(`file-${i}`, { repository: "repository", file: `file-${i}`, content, branch: "main" });
    }
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  },
});
