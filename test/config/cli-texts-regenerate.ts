/**
 * Re-measures test/config/cli-texts.json with the Pulumi CLI's own stack-file loader
 * (./cli-oracle, Go, pulumi sdk v3.276.0): `npx tsx test/config/cli-texts-regenerate.ts`.
 * Needs Go and the Go module proxy; `npm test` only reads the file.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { CliCase } from "./cli-texts.test";

const file = path.join(__dirname, "cli-texts.json");
const cases = JSON.parse(fs.readFileSync(file, "utf8")) as CliCase[];
const answers = JSON.parse(
  execFileSync("go", ["run", "."], {
    cwd: path.join(__dirname, "cli-oracle"),
    input: JSON.stringify(cases.map((c) => c.text)),
    env: { ...process.env, GOFLAGS: "-mod=mod" },
    encoding: "utf8",
    maxBuffer: 1 << 26,
  }),
) as CliCase["cli"][];
fs.writeFileSync(
  file,
  JSON.stringify(
    cases.map((c, i) => ({ ...c, cli: answers[i] })),
    null,
    2,
  ) + "\n",
);
