/**
 * Pulumi as users run it: the real CLI on PATH, a file backend and PULUMI_HOME in a
 * temporary folder, a passphrase, and a copy of this project (its own index.ts, components,
 * policy pack, Pulumi.yaml; node_modules linked) whose stack files are made from the
 * project's own `Pulumi.<stack>.yaml`, pointed at the loopback cluster. Every command is
 * one a user types: `pulumi stack init`, `config set --secret`, `preview`, `up --yes`,
 * `refresh --yes`, `stack output --json`, always with `--policy-pack policy`.
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { runToEnd } from "./spawn";

/**
 * The project files `pulumi up` needs (what the CLI runs, and what it compiles), and the
 * scripts a user runs beside it (`npm run bump` edits the copy's stack files).
 */
const PROJECT_FILES = ["Pulumi.yaml", "index.ts", "package.json", "tsconfig.json", "components", "policy", "scripts", "tools"];

/** The fully qualified name of a stack in a file backend. */
export const qualifiedStack = (stack: string): string => `organization/smartem/${stack}`;

/** Environment variables that would redirect a provider or change what it does: never passed on. */
export const REDIRECTING_ENV =
  /^(GITHUB_.+|GH_.+|KUBECONFIG|KUBECACHEDIR|PULUMI_K8S_.+|PULUMI_BACKEND_URL|PULUMI_ACCESS_TOKEN|PULUMI_CONFIG_PASSPHRASE(_FILE)?|PULUMI_HOME)$/;

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall-clock seconds. */
  readonly seconds: number;
}

export class PulumiWorkspace {
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly root: string,
    readonly repo: string,
    kubeconfig: string,
    extraEnv: NodeJS.ProcessEnv = {},
  ) {
    this.projectDir = path.join(root, "project");
    const home = path.join(root, "pulumi-home");
    const state = path.join(root, "state");
    for (const dir of [this.projectDir, home, state]) mkdirSync(dir, { recursive: true });
    for (const file of PROJECT_FILES) cpSync(path.join(repo, file), path.join(this.projectDir, file), { recursive: true });
    symlinkSync(path.join(repo, "node_modules"), path.join(this.projectDir, "node_modules"));
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !REDIRECTING_ENV.test(key)));
    this.env = {
      ...inherited,
      PULUMI_HOME: home,
      PULUMI_BACKEND_URL: `file://${state}`,
      PULUMI_CONFIG_PASSPHRASE: "smartem-e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      // A plugin that is not on PATH fails at once instead of a download attempt.
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      NO_COLOR: "1",
      KUBECONFIG: kubeconfig,
      ...extraEnv,
    };
  }

  /** Runs `pulumi <args>` in the project copy. */
  run(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
    const started = Date.now();
    return runToEnd("pulumi", [...args, "--non-interactive"], { cwd: this.projectDir, env: { ...this.env, ...env } }).then(
      ({ code, stdout, stderr }) => {
        const result = { code, stdout, stderr, seconds: (Date.now() - started) / 1000 };
        // SMARTEM_E2E_LOG=<file>: every command's full output, for what a failure line cuts short.
        const log = process.env.SMARTEM_E2E_LOG;
        if (log) appendFileSync(log, `$ pulumi ${args.join(" ")}  # exit ${code}, ${result.seconds} s\n${stdout}${stderr}\n`);
        return result;
      },
    );
  }

  /**
   * Creates a stack from the project's own `Pulumi.<from>.yaml`: every plain value as written,
   * `overrides` on top (a key set to undefined is removed), and each `secure:` placeholder
   * replaced by a real secret set with `pulumi config set --secret`.
   */
  async createStack(stack: string, from: string, overrides: Readonly<Record<string, unknown>> = {}): Promise<Stack> {
    const source = parse(readFileSync(path.join(this.repo, `Pulumi.${from}.yaml`), "utf8")) as {
      config?: Record<string, unknown>;
    };
    const config: Record<string, unknown> = {};
    const secrets: string[] = [];
    for (const [key, value] of Object.entries(source.config ?? {})) {
      if (value && typeof value === "object" && "secure" in value) secrets.push(key);
      else config[key] = value;
    }
    for (const [key, value] of Object.entries(overrides)) {
      const full = key.includes(":") ? key : `smartem:${key}`;
      if (value === undefined) delete config[full];
      else config[full] = value;
    }
    const file = path.join(this.projectDir, `Pulumi.${stack}.yaml`);
    if (existsSync(file)) throw new Error(`stack file ${file} exists`);
    writeFileSync(file, stringify({ config }, { lineWidth: 0 }));
    await this.must(["stack", "init", qualifiedStack(stack)]);
    for (const key of secrets) {
      await this.must([
        "config",
        "set",
        "--secret",
        "--stack",
        qualifiedStack(stack),
        key,
        `e2e-secret-${key.replace(/\W/g, "-")}-0123456789`,
      ]);
    }
    return new Stack(this, stack);
  }

  async must(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
    const result = await this.run(args, env);
    if (result.code !== 0)
      throw new Error(`pulumi ${args.join(" ")} exited ${result.code}: ${tail(result.stderr || result.stdout)}`);
    return result;
  }
}

export class Stack {
  constructor(
    readonly workspace: PulumiWorkspace,
    readonly name: string,
  ) {}

  get qualified(): string {
    return qualifiedStack(this.name);
  }

  /** Sets scalar config values as a user would (`pulumi config set`); undefined removes a key. */
  async configure(values: Readonly<Record<string, unknown>>): Promise<void> {
    for (const [key, value] of Object.entries(values)) {
      const full = key.includes(":") ? key : `smartem:${key}`;
      if (value === undefined) await this.workspace.run(["config", "rm", "--stack", this.qualified, full]);
      else if (typeof value === "object") throw new Error(`${full}: set structured values in createStack`);
      else await this.workspace.must(["config", "set", "--stack", this.qualified, full, String(value)]);
    }
  }

  preview(extra: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
    return this.workspace.run(["preview", "--stack", this.qualified, "--policy-pack", "policy", ...extra], env);
  }

  up(extra: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
    return this.workspace.run(["up", "--yes", "--stack", this.qualified, "--policy-pack", "policy", ...extra], env);
  }

  refresh(): Promise<CommandResult> {
    return this.workspace.run(["refresh", "--yes", "--stack", this.qualified]);
  }

  async outputs(): Promise<Record<string, unknown>> {
    const result = await this.workspace.must(["stack", "output", "--json", "--stack", this.qualified]);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }
}

/** The last lines of a command's output, for a failure message. */
export function tail(text: string, lines = 6): string {
  return text.trim().split("\n").slice(-lines).join(" | ");
}

/** Whether output carries a JavaScript stack trace (`    at fn (file:line:col)`). */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+[:(].*\d+:\d+\)?$/m.test(text);
}
