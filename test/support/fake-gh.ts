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
 * Every call is appended to FAKE_GH_LOG. Run by node directly (type stripping), so only `node:` imports.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
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

function main(argv: string[]): number {
  const statePath = required("FAKE_GH_STATE");
  const state = JSON.parse(fs.readFileSync(statePath, "utf8")) as FakeGitHub;
  const line = argv.join(" ");
  if (process.env.FAKE_GH_LOG) fs.appendFileSync(process.env.FAKE_GH_LOG, `${line}\n`);
  const fault = process.env.FAKE_GH_FAIL;
  if (fault && line.includes(fault)) return fail("HTTP 502: Bad Gateway (fake fault)");
  const save = (): void => fs.writeFileSync(statePath, JSON.stringify(state, null, 2));

  const [group, command, ...rest] = argv;
  if (group === "api") return api([command!, ...rest], state);
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
      return jq(JSON.stringify({ assets: release.assets.map((name) => ({ name })), isDraft: release.draft }), flags.jq);
    }
    case "upload": {
      const release = lookup(state, tag);
      if (!release) return fail("release not found");
      if (!release.draft) return fail("HTTP 422: Cannot upload assets to an immutable release.");
      const failAfter = process.env.FAKE_GH_UPLOAD_FAIL_AFTER;
      let uploaded = 0;
      for (const file of positional.slice(1)) {
        const name = path.basename(file);
        if (!fs.existsSync(file)) return fail(`${file}: no such file`);
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

function api(args: string[], state: FakeGitHub): number {
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
  return jq(JSON.stringify(body), flags.jq);
}

function jq(json: string, expression: string | true | undefined): number {
  if (expression === undefined) {
    process.stdout.write(`${json}\n`);
    return 0;
  }
  const run = spawnSync("jq", ["-r", String(expression)], { input: json, encoding: "utf8" });
  process.stdout.write(run.stdout);
  process.stderr.write(run.stderr);
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

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 1;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`fake gh: ${name} is not set`);
  return value;
}

if (process.argv[1]?.endsWith("fake-gh.ts")) process.exitCode = main(process.argv.slice(2));
