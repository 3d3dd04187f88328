/**
 * github-side: the production-like stack's GitHub resources created, updated and removed by
 * the real GitHub provider against the loopback GitHub API double (e2e/github-double/),
 * which refuses every request GitHub's OpenAPI description does not allow. What the double
 * holds afterwards is compared with the offline render of the production stack.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { hasStackTrace, tail } from "./pulumi";
import { check } from "./failure";
import type { World } from "./scenarios";

const REPOSITORY = "smartem-decisions";

/** The offline render's GitHub side of a stack: committed files, ruleset names, environments' tag policies. */
function renderedGithub(
  repo: string,
  stack: string,
): { files: Record<string, string>; rulesets: string[]; environments: string[] } {
  const out = mkdtempSync(path.join(tmpdir(), "smartem-e2e-render."));
  try {
    const run = spawnSync("node", ["scripts/run.cjs", "scripts/render.ts", "--stack", stack, "--out", path.join(out, stack)], {
      cwd: repo,
      encoding: "utf8",
    });
    check(run.status === 0, `npm run render -- --stack ${stack} failed: ${tail(run.stderr)}`);
    const root = path.join(out, stack, "github", REPOSITORY);
    const files: Record<string, string> = {};
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        const relative = path.relative(root, full);
        if (entry.isDirectory()) {
          if (relative !== "rulesets" && relative !== "environments") walk(full);
        } else files[relative] = readFileSync(full, "utf8");
      }
    };
    walk(root);
    const names = (sub: string): string[] =>
      readdirSync(path.join(root, sub))
        .map((f) => f.replace(/\.json$/, ""))
        .sort();
    return { files, rulesets: names("rulesets"), environments: names("environments") };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export async function githubSide(world: World): Promise<void> {
  const double = world.github;
  check(double !== undefined && world.githubApi !== undefined, "the GitHub API double is not running");
  const stack = await world.workspace.createStack("github", "production", {
    namespace: "smartem-decisions-github",
    promoteFrom: undefined,
    rolloutTimeoutSeconds: 60,
    migrationTimeoutSeconds: 60,
    databaseHost: "postgres.e2e.test",
    rabbitmqHost: "rabbitmq.e2e.test",
    githubBaseUrl: world.githubApi,
    // The stack file's reviewer id is a placeholder, which a real run refuses.
    pypiReviewers: { teams: [4242] },
  });
  const token = { GITHUB_TOKEN: "e2e-token-for-the-double" };

  // Variables that would redirect the provider are refused before anything is sent.
  for (const [name, value] of [
    ["GITHUB_OWNER", "someone-else"],
    ["GITHUB_BASE_URL", "https://api.github.com/"],
    ["GITHUB_APP_ID", "12345"],
  ] as const) {
    const before = double.requests.length;
    const refused = await stack.preview([], { ...token, [name]: value });
    const text = refused.stdout + refused.stderr;
    check(refused.code !== 0, `pulumi preview ran with ${name}=${value} in the environment`);
    check(text.includes(name), `the refusal of ${name} does not name it: ${tail(text)}`);
    check(!hasStackTrace(text), `the refusal of ${name} prints a stack trace`);
    check(
      double.requests.length === before,
      `with ${name} set, the provider still sent ${double.requests.length - before} request(s)`,
    );
  }

  const created = await stack.up([], token);
  check(created.code === 0, `pulumi up of the GitHub side exited ${created.code}: ${tail(created.stderr || created.stdout)}`);
  check(double.problems.length === 0, `the double refused: ${double.problems.slice(0, 3).join("; ")}`);
  const rendered = renderedGithub(world.workspace.repo, "production");
  const state = double.state(REPOSITORY);
  for (const [file, content] of Object.entries(rendered.files)) {
    check(state.files[file] === content, `${file} on the double differs from the render`);
  }
  check(
    JSON.stringify(Object.keys(state.rulesets).sort()) === JSON.stringify(rendered.rulesets),
    `rulesets ${Object.keys(state.rulesets).join()} vs render ${rendered.rulesets.join()}`,
  );
  check(
    JSON.stringify(Object.keys(state.environments).sort()) === JSON.stringify(rendered.environments),
    `environments ${Object.keys(state.environments).join()} vs render ${rendered.environments.join()}`,
  );
  for (const [name, environment] of Object.entries(state.environments)) {
    check(
      environment.policies.length > 0 && environment.policies.every((p) => p.type === "tag"),
      `environment ${name} is not locked to tags: ${JSON.stringify(environment.policies)}`,
    );
  }

  // Update: a converged stack sends no write; a config change is an update in place.
  const writes = (): number => double.requests.filter((r) => r.method !== "GET").length;
  const beforeNoop = writes();
  check(
    (await stack.up([], token)).code === 0 && writes() === beforeNoop,
    "a second pulumi up with nothing changed wrote to GitHub",
  );
  await stack.configure({ pypiWaitTimer: "5" });
  check((await stack.up([], token)).code === 0, "pulumi up of a changed wait timer failed");
  const waited = Object.values(double.state(REPOSITORY).environments).some((e) => e.settings.wait_timer === 5);
  check(waited, "the wait timer did not reach GitHub");

  // Removal: the stack lets go of its GitHub resources and leaves them on GitHub (retainOnDelete).
  const beforeRemoval = double.requests.filter((r) => r.method === "DELETE").length;
  await stack.configure({ manageGithub: "false" });
  check((await stack.up([], token)).code === 0, "pulumi up with smartem:manageGithub false failed");
  check(
    double.requests.filter((r) => r.method === "DELETE").length === beforeRemoval,
    "removing the GitHub side from the stack deleted objects on GitHub",
  );
  check(double.problems.length === 0, `the double refused: ${double.problems.slice(0, 3).join("; ")}`);
}
