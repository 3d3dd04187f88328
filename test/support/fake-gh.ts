/**
 * A fake `gh` for executed tests of workflow scripts: GitHub's releases, tags and assets of one
 * repository, kept in a JSON file (FAKE_GH_STATE), with GitHub's rules as far as the release
 * script relies on them:
 * - a draft has no tag; publishing creates a missing tag at the draft's target commit and
 *   attaches to a tag that exists (wherever it points);
 * - REST's release-by-tag sees published releases only; `gh release view/upload/edit <tag>`
 *   fall back to the draft whose pending tag is `<tag>` (gh asks GraphQL `release(tagName:)`);
 * - `git/matching-refs` answers `[]` for no match; the other reads answer 404 for a missing thing;
 * - with immutable releases on, a published release takes no more assets.
 * `--jq` is applied with the real `jq -r` (gh prints strings raw, as `jq -r` does).
 * Faults: FAKE_GH_FAIL=<substring of the command line> fails that call with HTTP 502;
 * FAKE_GH_UPLOAD_FAIL_AFTER=<n> lets one `release upload` store n files, then fail.
 * Every call is appended to FAKE_GH_LOG.
 *
 * The fake runs inside the test process ({@link startFakeGh}); the `gh` on the script's PATH is a
 * bash shim that hands its argv, working folder and FAKE_GH_* variables over a loopback socket
 * and prints the answer. A Node process per call would cost most of the test's time.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

export interface FakeRelease {
  id: number;
  tag_name: string;
  draft: boolean;
  prerelease: boolean;
  target_commitish: string;
  name: string;
  latest?: boolean;
  assets: string[];
}

export interface FakeGitHub {
  repository: string;
  /** Tag name -> commit (lightweight) or `{annotated: <tag object sha>, commit}`. */
  tags: Record<string, string | { annotated: string; commit: string }>;
  releases: FakeRelease[];
  nextId: number;
}

/** What one `gh` call printed and its exit code. */
export interface GhAnswer {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of one `gh` call, as far as the fake reads it. */
export interface GhCall {
  readonly argv: readonly string[];
  /** The caller's working folder: relative asset paths are read from there. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** One `gh` call against the state file: what gh would print and exit with. */
export function fakeGh(call: GhCall): GhAnswer {
  const io = { stdout: "", stderr: "" };
  const status = main(call, io);
  return { status, ...io };
}

interface Io {
  stdout: string;
  stderr: string;
}

function main({ argv, cwd, env }: GhCall, io: Io): number {
  const fail = (message: string): number => {
    io.stderr += `${message}\n`;
    return 1;
  };
  const statePath = env.FAKE_GH_STATE;
  if (!statePath) return fail("fake gh: FAKE_GH_STATE is not set");
  const state = JSON.parse(fs.readFileSync(statePath, "utf8")) as FakeGitHub;
  const line = argv.join(" ");
  if (env.FAKE_GH_LOG) fs.appendFileSync(env.FAKE_GH_LOG, `${line}\n`);
  const fault = env.FAKE_GH_FAIL;
  if (fault && line.includes(fault)) return fail("HTTP 502: Bad Gateway (fake fault)");
  const save = (): void => fs.writeFileSync(statePath, JSON.stringify(state, null, 2));

  const [group, command, ...rest] = argv;
  if (group === "api") return api([command!, ...rest], state, io, fail);
  if (group !== "release") return fail(`fake gh: unsupported command ${line}`);
  const { positional, flags } = parse(rest);
  const tag = positional[0]!;
  switch (command) {
    case "create": {
      if (state.releases.some((r) => !r.draft && r.tag_name === tag))
        return fail("HTTP 422: Validation Failed (tag_name already_exists)");
      if ("verify-tag" in flags && !(tag in state.tags))
        return fail(`tag ${tag} doesn't exist in the repo, aborting due to --verify-tag flag`);
      const release: FakeRelease = {
        id: state.nextId++,
        tag_name: tag,
        draft: "draft" in flags,
        prerelease: "prerelease" in flags,
        target_commitish: String(flags.target ?? "main"),
        name: String(flags.title ?? tag),
        assets: [],
      };
      if (!release.draft) publish(state, release);
      state.releases.unshift(release);
      save();
      return 0;
    }
    case "view": {
      const release = lookup(state, tag);
      if (!release) return fail("release not found");
      return jq(JSON.stringify({ assets: release.assets.map((name) => ({ name })), isDraft: release.draft }), flags.jq, io);
    }
    case "upload": {
      const release = lookup(state, tag);
      if (!release) return fail("release not found");
      if (!release.draft) return fail("HTTP 422: Cannot upload assets to an immutable release.");
      const failAfter = env.FAKE_GH_UPLOAD_FAIL_AFTER;
      let uploaded = 0;
      for (const file of positional.slice(1)) {
        const name = path.basename(file);
        if (!fs.existsSync(path.resolve(cwd, file))) return fail(`${file}: no such file`);
        if (failAfter !== undefined && uploaded >= Number(failAfter)) {
          save();
          return fail(`HTTP 502: upload of ${name} failed (fake fault)`);
        }
        if (release.assets.includes(name) && !("clobber" in flags))
          return fail(`asset under the same name already exists: [${name}]`);
        release.assets = [...release.assets.filter((a) => a !== name), name];
        uploaded++;
      }
      save();
      return 0;
    }
    case "edit": {
      const release = lookup(state, tag);
      if (!release) return fail("release not found");
      if (flags.prerelease !== undefined) release.prerelease = flags.prerelease === "true";
      if (flags.latest !== undefined) release.latest = flags.latest === "true";
      if (flags.draft === "false" && release.draft) publish(state, release);
      save();
      return 0;
    }
    default:
      return fail(`fake gh: unsupported command ${line}`);
  }
}

/** Publishing: the release leaves draft; a missing tag is created at the target, an existing one kept. */
function publish(state: FakeGitHub, release: FakeRelease): void {
  release.draft = false;
  if (!(release.tag_name in state.tags)) state.tags[release.tag_name] = release.target_commitish;
}

/** gh's lookup: the published release of the tag, else the draft with that pending tag. */
function lookup(state: FakeGitHub, tag: string): FakeRelease | undefined {
  return state.releases.find((r) => !r.draft && r.tag_name === tag) ?? state.releases.find((r) => r.draft && r.tag_name === tag);
}

function api(args: string[], state: FakeGitHub, io: Io, fail: (message: string) => number): number {
  const { positional, flags } = parse(args);
  const url = new URL(positional[0]!, "https://api.github.invalid/");
  const prefix = `/repos/${state.repository}/`;
  if (!url.pathname.startsWith(prefix)) return fail(`HTTP 404: Not Found (${url.pathname})`);
  const route = decodeURIComponent(url.pathname.slice(prefix.length));
  let body: unknown;
  if (route.startsWith("git/matching-refs/tags/")) {
    const wanted = route.slice("git/matching-refs/tags/".length);
    body = Object.entries(state.tags)
      .filter(([name]) => name.startsWith(wanted))
      .map(([name, target]) => ({
        ref: `refs/tags/${name}`,
        object: typeof target === "string" ? { type: "commit", sha: target } : { type: "tag", sha: target.annotated },
      }));
  } else if (route.startsWith("git/tags/")) {
    const sha = route.slice("git/tags/".length);
    const found = Object.values(state.tags).find((t) => typeof t !== "string" && t.annotated === sha);
    if (!found || typeof found === "string") return fail("HTTP 404: Not Found");
    body = { sha, object: { type: "commit", sha: found.commit } };
  } else if (route === "releases") {
    if (!("paginate" in flags) && state.releases.length > Number(url.searchParams.get("per_page") ?? 30)) {
      return fail("fake gh: more releases than one page; pass --paginate");
    }
    body = state.releases;
  } else {
    return fail(`HTTP 404: Not Found (${url.pathname})`);
  }
  return jq(JSON.stringify(body), flags.jq, io);
}

function jq(json: string, expression: string | true | undefined, io: Io): number {
  if (expression === undefined) {
    io.stdout += `${json}\n`;
    return 0;
  }
  const run = spawnSync("jq", ["-r", String(expression)], { input: json, encoding: "utf8" });
  io.stdout += run.stdout;
  io.stderr += run.stderr;
  return run.status ?? 1;
}

function parse(args: string[]): { positional: string[]; flags: Record<string, string | true> } {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  const withValue = new Set(["jq", "json", "target", "title", "notes"]);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const [name, value] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (value !== undefined) flags[name] = value;
    else if (withValue.has(name)) flags[name] = args[++i]!;
    else flags[name] = true;
  }
  return { positional, flags };
}

/** The FAKE_GH_* variables the shim hands over, in this order. */
const ENV = ["FAKE_GH_STATE", "FAKE_GH_LOG", "FAKE_GH_FAIL", "FAKE_GH_UPLOAD_FAIL_AFTER"] as const;

/** A fake `gh` served on loopback; `bin` holds the `gh` shim to put first on PATH. */
export interface FakeGhServer {
  readonly bin: string;
  close(): Promise<void>;
}

/**
 * Serves {@link fakeGh} on 127.0.0.1 and writes the bash shim `<bin>/gh`. The shim sends its
 * working folder, the FAKE_GH_* variables, the argument count and the arguments, each ending
 * in NUL, and reads back `<status> <stdout bytes> <stderr bytes>` and the two outputs. The
 * scripts under test must be spawned asynchronously, so that this process can answer.
 */
export async function startFakeGh(bin: string): Promise<FakeGhServer> {
  const server = net.createServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      if (socket.writableEnded) return;
      buffer = Buffer.concat([buffer, chunk]);
      const fields = buffer.toString("utf8").split("\0");
      const fixed = 1 + ENV.length + 1;
      if (fields.length <= fixed) return;
      const argc = Number(fields[fixed - 1]);
      if (fields.length <= fixed + argc) return; // the last field is not terminated yet
      const [cwd, ...rest] = fields;
      const env = Object.fromEntries(ENV.map((name, i) => [name, rest[i] || undefined]));
      const answer = fakeGh({ argv: fields.slice(fixed, fixed + argc), cwd: cwd!, env });
      const out = Buffer.from(answer.stdout);
      const err = Buffer.from(answer.stderr);
      socket.end(Buffer.concat([Buffer.from(`${answer.status} ${out.length} ${err.length}\n`), out, err]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  const shim = [
    "#!/bin/bash",
    `exec 3<>/dev/tcp/127.0.0.1/${port}`,
    `printf '%s\\0' "$PWD" ${ENV.map((name) => `"\${${name}-}"`).join(" ")} "$#" "$@" >&3`,
    "read -r status out err <&3",
    // head -c reads no further than asked, so stderr is still on the socket for the second one.
    'head -c "$out" <&3',
    'head -c "$err" <&3 >&2',
    'exit "$status"',
    "",
  ].join("\n");
  fs.writeFileSync(path.join(bin, "gh"), shim, { mode: 0o755 });
  return { bin, close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))) };
}
