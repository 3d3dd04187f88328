/**
 * npm run bump -- --stack <name> --version <version> [--skip-provenance-check]
 *   [--registry-base <url>] [--github-api <url>] [--trusted-root <file>]
 * Moves one stack's backend to another release: checks the version guards of that stack,
 * resolves the digest of the version's image and verifies its build provenance
 * (tools/bump/verified-pin.ts), then rewrites only smartem:backendVersion and that
 * version's entry of smartem:backendImageDigests in Pulumi.<name>.yaml (comments and
 * layout kept, atomically, refused if the file changed meanwhile) and prints the next
 * steps. On refusal the file is left as it was.
 */
import { runScript } from "../tools/cli";
import { bumpScript } from "../tools/bump/bump-script";

runScript(bumpScript);
