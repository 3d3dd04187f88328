/**
 * Runs the e2e scenarios: tools (built if missing), a throwaway loopback cluster
 * (e2e/cluster.sh), Pulumi with a file backend in a temporary folder, the scenarios, teardown.
 *
 *   node scripts/run.cjs e2e/run.ts [--only <id>]... [--keep]
 *
 * Prints `e2e: <id>: passed`, `e2e: <id>: failed (<why>)` or `e2e: <id>: skipped (blocked: <why>)`
 * per scenario (skipped: it needs a provider the Go module proxy does not serve), then
 * `N passed, N failed[, N skipped]`; exits non-zero on any failure. `--only` runs the scenarios a
 * selected one starts from first, without reporting them. `--keep` leaves the cluster up
 * at the end (KUBECONFIG printed) until Ctrl-C.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../tools/engine/stack-file";
import { GitHubDouble } from "./github-double/server";
import { KubeClient } from "./scenarios/kube";
import { PulumiWorkspace } from "./scenarios/pulumi";
import { Outcome, dependencyOutcome, missingToolsOutcome, readBlockedTools, report } from "./scenarios/outcome";
import { UsageError, parseArgs, plan } from "./scenarios/plan";
import { World } from "./scenarios/scenarios";

const REPO = PROJECT_ROOT;
const E2E = path.join(REPO, "e2e");

/** Tools every scenario needs, by the name the CLI looks up on PATH. */
export const REQUIRED_TOOLS = [
  "pulumi",
  "pulumi-language-nodejs",
  "pulumi-resource-kubernetes",
  "kubectl",
  "kube-apiserver",
  "etcd",
  "kwok",
];

function toolsOnPath(extra: readonly string[]): { path: string; missing: Set<string> } {
  // The same convention as e2e/cluster.sh: SMARTEM_E2E_TOOLS_ON_PATH=1 takes the tools as found
  // on PATH (e2e/run.sh has put them there); otherwise build-tools.sh builds what is missing.
  const prefix =
    process.env.SMARTEM_E2E_TOOLS_ON_PATH === "1"
      ? ""
      : `${execFileSync("bash", [path.join(E2E, "build-tools.sh"), "--path"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim()}:`;
  const PATH = `${prefix}${process.env.PATH ?? ""}`;
  const missing = [...REQUIRED_TOOLS, ...extra].filter(
    (tool) => spawnSync("bash", ["-c", `command -v ${tool}`], { env: { ...process.env, PATH } }).status !== 0,
  );
  return { path: PATH, missing: new Set(missing) };
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const { run, report: reported } = plan(options.only);
  const results = new Map<string, Outcome>();
  const print = (): number => {
    const { lines, code } = report(reported, results);
    for (const line of lines) console.log(line);
    return code;
  };

  const tools = toolsOnPath(run.flatMap((s) => s.tools ?? []));
  const common = REQUIRED_TOOLS.filter((t) => tools.missing.has(t));
  if (common.length > 0) {
    // Never fall back to the mock runtime: say exactly what is missing.
    const why = `tool missing on PATH: ${common.join(", ")} (see e2e/README.md)`;
    for (const s of run) results.set(s.id, { status: "failed", why });
    return print();
  }
  const blocked = readBlockedTools(REPO);
  const env = { ...process.env, PATH: tools.path, SMARTEM_E2E_TOOLS_ON_PATH: "1" };
  const root = mkdtempSync(path.join(tmpdir(), "smartem-e2e-scenarios."));
  const clusterDir = path.join(root, "cluster");
  let clusterUp = false;
  const teardown = (): void => {
    if (clusterUp) spawnSync("bash", [path.join(E2E, "cluster.sh"), "down", clusterDir], { env, stdio: "inherit" });
    clusterUp = false;
    rmSync(root, { recursive: true, force: true });
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      teardown();
      process.exit(130);
    });
  }
  try {
    const up = spawnSync("bash", [path.join(E2E, "cluster.sh"), "up", clusterDir], {
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    clusterUp = up.status === 0;
    if (!clusterUp) {
      for (const s of run) results.set(s.id, { status: "failed", why: "the loopback cluster did not start (e2e/cluster.sh up)" });
      return print();
    }
    const kubeconfig = /^KUBECONFIG=(.+)$/m.exec(up.stdout)![1]!;
    const kubeEnv = { ...env, KUBECONFIG: kubeconfig, KUBECACHEDIR: path.join(clusterDir, "kubecache") };
    const kube = new KubeClient(kubeconfig);
    const github = new GitHubDouble("DiamondLightSource", ["smartem-decisions", "smartem-release-infra"]);
    const world: World = {
      workspace: new PulumiWorkspace(path.join(root, "pulumi"), REPO, kubeconfig, { PATH: tools.path }),
      kube,
      kubeEnv,
      stacks: new Map(),
      github,
      githubApi: await github.start(),
    };
    for (const scenario of run) {
      const cannotStart =
        dependencyOutcome(scenario.after, results) ??
        missingToolsOutcome(
          (scenario.tools ?? []).filter((t) => tools.missing.has(t)),
          blocked,
        );
      if (cannotStart !== undefined) {
        results.set(scenario.id, cannotStart);
        continue;
      }
      const started = Date.now();
      try {
        await scenario.run(world);
        results.set(scenario.id, { status: "passed" });
      } catch (error) {
        const why = error instanceof Error ? error.message.replace(/\s+/g, " ") : String(error);
        results.set(scenario.id, { status: "failed", why });
      }
      console.error(`e2e: ${scenario.id}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    kube.close();
    await github.stop();
    const code = print();
    if (options.keep) {
      console.log(`cluster kept: export KUBECONFIG=${kubeconfig} PATH=${tools.path.split(":")[0]}:$PATH`);
      console.log(
        `pulumi state: PULUMI_BACKEND_URL=${world.workspace.env.PULUMI_BACKEND_URL} PULUMI_CONFIG_PASSPHRASE=${world.workspace.env.PULUMI_CONFIG_PASSPHRASE}, project ${world.workspace.projectDir}`,
      );
      console.log("Ctrl-C tears it down.");
      await new Promise(() => undefined);
    }
    return code;
  } finally {
    if (!options.keep) teardown();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`e2e: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
