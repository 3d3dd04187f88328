/**
 * A loopback GitHub REST API double for the real GitHub provider: it answers the operations
 * the provider calls for the resources this project manages (rulesets, environments and
 * their deployment policies, repository files, and what the provider reads on configure),
 * keeps what it was sent, and refuses, and records as a problem, every request that GitHub's
 * OpenAPI description does not allow (unknown path or method, a body that does not fit) or
 * that the double does not implement. Listens on 127.0.0.1 only, on a random port.
 *
 * The provider may use a base URL with or without `/api/v3/` (GitHub Enterprise style);
 * both are served.
 */
import { createHash } from "node:crypto";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { MatchedOperation, OpenApiChecker } from "./openapi";

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly operationId?: string;
  readonly body?: unknown;
  readonly status: number;
}

interface Ruleset extends Record<string, unknown> {
  id: number;
  name: string;
}

interface Environment {
  name: string;
  id: number;
  settings: Record<string, unknown>;
  policies: Map<number, { id: number; name: string; type: string }>;
}

interface Repository {
  readonly owner: string;
  readonly name: string;
  readonly id: number;
  readonly defaultBranch: string;
  head: string;
  readonly files: Map<string, { content: string; sha: string }>;
  readonly rulesets: Map<number, Ruleset>;
  readonly environments: Map<string, Environment>;
  readonly issues: Issue[];
}

/** An issue as the double keeps it (the fields the delivery scripts read and write). */
export interface Issue {
  readonly number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  readonly labels: string[];
  readonly comments: string[];
}

/** What the double holds for one repository, comparable with the offline render. */
export interface RepositoryState {
  readonly files: Record<string, string>;
  readonly rulesets: Record<string, Record<string, unknown>>;
  readonly environments: Record<string, { settings: Record<string, unknown>; policies: { name: string; type: string }[] }>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const sha = (text: string): string => createHash("sha1").update(text).digest("hex");
const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, "Z");

export class GitHubDouble {
  readonly requests: RecordedRequest[] = [];
  /** Every refused or unimplemented request, in words: a non-empty list fails the scenario. */
  readonly problems: string[] = [];
  private readonly repos = new Map<string, Repository>();
  private nextId = 1000;
  private server?: http.Server;

  constructor(
    readonly owner: string,
    repositories: readonly string[],
    private readonly checker = new OpenApiChecker(),
  ) {
    for (const name of repositories) {
      const head = sha(`${owner}/${name}@initial`);
      this.repos.set(`${owner}/${name}`.toLowerCase(), {
        owner,
        name,
        id: this.id(),
        defaultBranch: "main",
        head,
        files: new Map(),
        rulesets: new Map(),
        environments: new Map(),
        issues: [],
      });
    }
  }

  /** Starts listening on 127.0.0.1 (random port); resolves with the base URL. */
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  state(repository: string): RepositoryState {
    const repo = this.repos.get(`${this.owner}/${repository}`.toLowerCase());
    if (!repo) throw new Error(`no repository ${repository}`);
    return {
      files: Object.fromEntries([...repo.files].map(([path, f]) => [path, f.content])),
      rulesets: Object.fromEntries([...repo.rulesets.values()].map((r) => [r.name, r])),
      environments: Object.fromEntries(
        [...repo.environments.values()].map((e) => [
          e.name,
          { settings: e.settings, policies: [...e.policies.values()].map(({ name, type }) => ({ name, type })) },
        ]),
      ),
    };
  }

  /** The issues of a repository, as opened, edited and commented on through the API. */
  issues(repository: string): readonly Issue[] {
    const repo = this.repos.get(`${this.owner}/${repository}`.toLowerCase());
    if (!repo) throw new Error(`no repository ${repository}`);
    return repo.issues;
  }

  private issueAnswer(repo: Repository, issue: Issue): Record<string, unknown> {
    return {
      id: 9_000_000 + issue.number,
      node_id: `I_${issue.number}`,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      labels: issue.labels.map((name) => ({ name })),
      url: `https://api.github.com/repos/${repo.owner}/${repo.name}/issues/${issue.number}`,
      html_url: `https://github.com/${repo.owner}/${repo.name}/issues/${issue.number}`,
    };
  }

  private id(): number {
    return this.nextId++;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.replace(/^\/api\/v3(?=\/)/, "").replace(/\/$/, "") || "/";
    const method = req.method ?? "GET";
    const text = await new Promise<string>((resolve) => {
      let data = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (data += chunk));
      req.on("end", () => resolve(data));
    });
    let body: unknown;
    let status: number;
    let answer: unknown;
    let operation: MatchedOperation | undefined;
    try {
      if (text.length > 0) {
        try {
          body = JSON.parse(text);
        } catch {
          throw new HttpError(400, `${method} ${path}: the body is not JSON`);
        }
      }
      operation = this.checker.match(method, path);
      if (!operation) throw new HttpError(404, `${method} ${path} is not in GitHub's REST API description`);
      if (!/^(token|Bearer) \S+$/.test(req.headers.authorization ?? ""))
        throw new HttpError(401, `${method} ${path} without a token`);
      const problems = this.checker.checkBody(method, operation.template, body);
      if (problems.length > 0) throw new HttpError(422, problems.join("; "));
      [status, answer] = this.answer(operation, body, url.searchParams);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      status = error.status;
      answer = { message: error.message, documentation_url: "https://docs.github.com/rest" };
      // A 404 of a known operation for an object that does not exist is an answer, not a problem.
      if (!(error.status === 404 && operation)) this.problems.push(error.message);
    }
    this.requests.push({
      method,
      path,
      status,
      ...(operation ? { operationId: operation.operationId } : {}),
      ...(body !== undefined ? { body } : {}),
    });
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "x-github-api-version-selected": "2022-11-28" });
    res.end(status === 204 ? undefined : JSON.stringify(answer));
  }

  private repo(params: Readonly<Record<string, string>>): Repository {
    const repo = this.repos.get(`${params.owner}/${params.repo}`.toLowerCase());
    if (!repo) throw new HttpError(404, `no repository ${params.owner}/${params.repo}`);
    return repo;
  }

  private account(login: string): Record<string, unknown> {
    return {
      login,
      id: 1,
      node_id: "O_1",
      type: "Organization",
      url: `https://api.github.com/users/${login}`,
      html_url: `https://github.com/${login}`,
    };
  }

  private repository(repo: Repository): Record<string, unknown> {
    return {
      id: repo.id,
      node_id: `R_${repo.id}`,
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      owner: this.account(repo.owner),
      private: false,
      visibility: "public",
      archived: false,
      disabled: false,
      default_branch: repo.defaultBranch,
      html_url: `https://github.com/${repo.owner}/${repo.name}`,
      permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    };
  }

  private file(path: string, f: { content: string; sha: string }): Record<string, unknown> {
    return {
      type: "file",
      encoding: "base64",
      size: Buffer.byteLength(f.content),
      name: path.split("/").at(-1),
      path,
      content: Buffer.from(f.content).toString("base64"),
      sha: f.sha,
    };
  }

  private commit(repo: Repository, message: string): Record<string, unknown> {
    const author = { name: "smartem-e2e", email: "e2e@smartem.invalid", date: now() };
    return {
      sha: repo.head,
      node_id: `C_${repo.head}`,
      commit: { message, author, committer: author },
      author: null,
      committer: null,
      parents: [],
    };
  }

  private environment(repo: Repository, e: Environment): Record<string, unknown> {
    const s = e.settings;
    const rules: Record<string, unknown>[] = [];
    if (typeof s.wait_timer === "number" && s.wait_timer > 0)
      rules.push({ id: e.id + 1, node_id: "GA_1", type: "wait_timer", wait_timer: s.wait_timer });
    if (Array.isArray(s.reviewers) && s.reviewers.length > 0) {
      rules.push({
        id: e.id + 2,
        node_id: "GA_2",
        type: "required_reviewers",
        prevent_self_review: s.prevent_self_review ?? false,
        reviewers: (s.reviewers as { type: string; id: number }[]).map((r) => ({
          type: r.type,
          reviewer: { id: r.id, login: `${r.type.toLowerCase()}-${r.id}`, slug: `team-${r.id}` },
        })),
      });
    }
    return {
      id: e.id,
      node_id: `EN_${e.id}`,
      name: e.name,
      url: `https://api.github.com/repos/${repo.owner}/${repo.name}/environments/${e.name}`,
      html_url: `https://github.com/${repo.owner}/${repo.name}/deployments/activity_log?environments_filter=${e.name}`,
      created_at: now(),
      updated_at: now(),
      can_admins_bypass: s.can_admins_bypass ?? true,
      protection_rules: rules,
      deployment_branch_policy: s.deployment_branch_policy ?? null,
    };
  }

  /** The status and body of one valid request. */
  private answer(op: MatchedOperation, body: unknown, query: URLSearchParams): [number, unknown] {
    const p = op.params;
    const b = (body ?? {}) as Record<string, unknown>;
    switch (op.operationId) {
      case "users/get-authenticated":
        return [200, { login: "smartem-e2e-bot", id: 7, node_id: "U_7", type: "User" }];
      case "orgs/get":
        if (p.org!.toLowerCase() !== this.owner.toLowerCase()) throw new HttpError(404, `no organization ${p.org}`);
        return [200, this.account(this.owner)];
      case "users/get-by-username":
        if (p.username!.toLowerCase() !== this.owner.toLowerCase()) throw new HttpError(404, `no user ${p.username}`);
        return [200, this.account(this.owner)];
      case "repos/get":
        return [200, this.repository(this.repo(p))];
      case "repos/get-branch": {
        const repo = this.repo(p);
        if (p.branch !== repo.defaultBranch) throw new HttpError(404, `no branch ${p.branch}`);
        return [200, { name: repo.defaultBranch, commit: this.commit(repo, "head"), protected: false }];
      }
      case "repos/list-commits":
        return [200, [this.commit(this.repo(p), "head")]];
      case "repos/get-commit":
        return [200, this.commit(this.repo(p), "head")];
      case "repos/get-content": {
        const repo = this.repo(p);
        const ref = query.get("ref");
        if (ref && ref !== repo.defaultBranch && ref !== `refs/heads/${repo.defaultBranch}` && ref !== repo.head)
          throw new HttpError(404, `no ref ${ref}`);
        const f = repo.files.get(p.path!);
        if (!f) throw new HttpError(404, `no file ${p.path}`);
        return [200, this.file(p.path!, f)];
      }
      case "repos/create-or-update-file-contents": {
        const repo = this.repo(p);
        const existing = repo.files.get(p.path!);
        // GitHub: an update without the blob's sha is invalid (422), with another sha a conflict (409).
        if (existing && b.sha === undefined) throw new HttpError(422, `${p.path}: "sha" wasn't supplied`);
        if (existing && b.sha !== existing.sha)
          throw new HttpError(409, `${p.path}: sha ${String(b.sha)} does not match ${existing.sha}`);
        if (!existing && b.sha !== undefined) throw new HttpError(422, `${p.path}: sha given for a file that does not exist`);
        if (b.branch !== undefined && b.branch !== repo.defaultBranch) throw new HttpError(404, `no branch ${String(b.branch)}`);
        const content = Buffer.from(String(b.content), "base64").toString("utf8");
        const f = { content, sha: sha(`blob ${content}`) };
        repo.files.set(p.path!, f);
        repo.head = sha(`${repo.head}${p.path}${content}`);
        return [existing ? 200 : 201, { content: this.file(p.path!, f), commit: this.commit(repo, String(b.message)) }];
      }
      case "repos/delete-file": {
        const repo = this.repo(p);
        const existing = repo.files.get(p.path!);
        if (!existing) throw new HttpError(404, `no file ${p.path}`);
        if (b.sha !== existing.sha) throw new HttpError(409, `${p.path}: sha ${String(b.sha)} does not match ${existing.sha}`);
        repo.files.delete(p.path!);
        repo.head = sha(`${repo.head}-${p.path}`);
        return [200, { content: null, commit: this.commit(repo, String(b.message)) }];
      }
      case "repos/get-repo-rulesets":
        return [200, [...this.repo(p).rulesets.values()]];
      case "repos/create-repo-ruleset": {
        const repo = this.repo(p);
        if ([...repo.rulesets.values()].some((r) => r.name === b.name))
          throw new HttpError(422, `a ruleset named ${String(b.name)} exists`);
        const ruleset = this.ruleset(repo, { ...b, id: this.id() } as Ruleset);
        repo.rulesets.set(ruleset.id, ruleset);
        return [201, ruleset];
      }
      case "repos/get-repo-ruleset":
      case "repos/update-repo-ruleset":
      case "repos/delete-repo-ruleset": {
        const repo = this.repo(p);
        const id = Number(p.ruleset_id);
        const existing = repo.rulesets.get(id);
        if (!existing) throw new HttpError(404, `no ruleset ${id}`);
        if (op.operationId === "repos/delete-repo-ruleset") {
          repo.rulesets.delete(id);
          return [204, undefined];
        }
        if (op.operationId === "repos/update-repo-ruleset")
          repo.rulesets.set(id, this.ruleset(repo, { ...existing, ...b, id } as Ruleset));
        return [200, repo.rulesets.get(id)];
      }
      case "repos/get-all-environments": {
        const repo = this.repo(p);
        return [
          200,
          {
            total_count: repo.environments.size,
            environments: [...repo.environments.values()].map((e) => this.environment(repo, e)),
          },
        ];
      }
      case "repos/create-or-update-environment": {
        const repo = this.repo(p);
        const existing = repo.environments.get(p.environment_name!);
        // A PUT replaces the settings it names and keeps the deployment policies.
        const e: Environment = existing ?? { name: p.environment_name!, id: this.id(), settings: {}, policies: new Map() };
        e.settings = { ...b };
        repo.environments.set(e.name, e);
        return [200, this.environment(repo, e)];
      }
      case "repos/get-environment":
      case "repos/delete-an-environment": {
        const repo = this.repo(p);
        const e = repo.environments.get(p.environment_name!);
        if (!e) throw new HttpError(404, `no environment ${p.environment_name}`);
        if (op.operationId === "repos/delete-an-environment") {
          repo.environments.delete(e.name);
          return [204, undefined];
        }
        return [200, this.environment(repo, e)];
      }
      case "repos/list-deployment-branch-policies": {
        const e = this.env(p);
        return [200, { total_count: e.policies.size, branch_policies: [...e.policies.values()] }];
      }
      case "repos/create-deployment-branch-policy": {
        const e = this.env(p);
        const policy = { id: this.id(), node_id: `MDE2_${this.nextId}`, name: String(b.name), type: String(b.type ?? "branch") };
        if ([...e.policies.values()].some((x) => x.name === policy.name && x.type === policy.type))
          throw new HttpError(422, `policy ${policy.name} exists`);
        e.policies.set(policy.id, policy);
        return [200, policy];
      }
      case "repos/get-deployment-branch-policy":
      case "repos/update-deployment-branch-policy":
      case "repos/delete-deployment-branch-policy": {
        const e = this.env(p);
        const id = Number(p.branch_policy_id);
        const policy = e.policies.get(id);
        if (!policy) throw new HttpError(404, `no deployment branch policy ${id}`);
        if (op.operationId === "repos/delete-deployment-branch-policy") {
          e.policies.delete(id);
          return [204, undefined];
        }
        if (op.operationId === "repos/update-deployment-branch-policy") policy.name = String(b.name);
        return [200, policy];
      }
      case "issues/list-for-repo": {
        const repo = this.repo(p);
        const state = query.get("state") ?? "open";
        const labels = (query.get("labels") ?? "").split(",").filter(Boolean);
        const page = Number(query.get("page") ?? "1");
        const perPage = Number(query.get("per_page") ?? "30");
        const matching = repo.issues.filter(
          (i) => (state === "all" || i.state === state) && labels.every((l) => i.labels.includes(l)),
        );
        return [200, matching.slice((page - 1) * perPage, page * perPage).map((i) => this.issueAnswer(repo, i))];
      }
      case "issues/create": {
        const repo = this.repo(p);
        const issue: Issue = {
          number: repo.issues.length + 1,
          title: String(b.title),
          body: String(b.body ?? ""),
          state: "open",
          labels: ((b.labels ?? []) as unknown[]).map(String),
          comments: [],
        };
        repo.issues.push(issue);
        return [201, this.issueAnswer(repo, issue)];
      }
      case "issues/create-comment": {
        const repo = this.repo(p);
        const issue = repo.issues.find((i) => i.number === Number(p.issue_number));
        if (!issue) throw new HttpError(404, `no issue ${p.issue_number}`);
        issue.comments.push(String(b.body));
        return [201, { id: this.id(), body: String(b.body) }];
      }
      default:
        throw new HttpError(501, `${op.operationId} (${op.template}) is not implemented by the GitHub API double`);
    }
  }

  private env(p: Readonly<Record<string, string>>): Environment {
    const e = this.repo(p).environments.get(p.environment_name!);
    if (!e) throw new HttpError(404, `no environment ${p.environment_name}`);
    return e;
  }

  private ruleset(repo: Repository, r: Ruleset): Ruleset {
    return {
      target: "branch",
      enforcement: "disabled",
      bypass_actors: [],
      conditions: null,
      rules: [],
      ...r,
      node_id: `RRS_${r.id}`,
      source_type: "Repository",
      source: `${repo.owner}/${repo.name}`,
      current_user_can_bypass: "always",
      created_at: now(),
      updated_at: now(),
    };
  }
}
