/**
 * A Mermaid picture of a release pipeline, drawn from the same plan the workflow is
 * rendered from: which trigger leads to which release kind, each job with the kinds it
 * runs for, and the `needs` edges between jobs.
 */
import { ReleasePlan, JOB } from "./release-workflow";

const TRIGGERS = [
  { id: "tag", label: (p: ReleasePlan) => `push tag ${p.pkg.tagPrefix}*`, kind: "X.Y.Z: stable; any other: fails" },
  { id: "branch", label: (p: ReleasePlan) => `push to ${p.pkg.branch}<br/>touching package paths`, kind: "rc" },
  { id: "pr", label: () => "pull request<br/>touching package paths", kind: "check" },
] as const;

/** Mermaid node ids cannot contain '-'. */
const node = (jobId: string): string => `job_${jobId.replace(/[^A-Za-z0-9]/g, "_")}`;

export function pipelineDiagram(plan: ReleasePlan): string {
  const lines = [
    "flowchart LR",
    `  %% Release pipeline of ${plan.pkg.name}: ${plan.pkg.repository}/.github/workflows/${plan.pkg.workflowFile}`,
  ];
  for (const t of TRIGGERS) lines.push(`  trigger_${t.id}(["${t.label(plan)}"])`);
  for (const p of plan.jobs) {
    const runs = p.runsFor === "always" ? "every run" : p.runsFor.join(", ");
    const env = p.job.environment ? `<br/>environment ${p.job.environment.name}` : "";
    lines.push(`  ${node(p.id)}["${p.id}<br/><i>${runs}</i>${env}"]`);
  }
  for (const t of TRIGGERS) {
    lines.push(`  trigger_${t.id} -->|"${t.kind}"| ${node(JOB.version)}`);
    for (const p of plan.jobs)
      if (!p.job.needs?.length && p.id !== JOB.version) lines.push(`  trigger_${t.id} -.-> ${node(p.id)}`);
  }
  for (const p of plan.jobs) for (const need of p.job.needs ?? []) lines.push(`  ${node(need)} --> ${node(p.id)}`);
  return lines.join("\n") + "\n";
}
