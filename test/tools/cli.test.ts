/** tools/cli.ts: the usage every script prints for --help. */
import { expect } from "chai";
import { usage } from "../../tools/cli";

describe("a script's usage (--help)", () => {
  it("shows the command, the required flags bare and the optional ones in brackets, then one line a flag", () => {
    const text = usage({
      command: "npm run render --",
      summary: "Renders a stack.",
      options: {
        stack: { type: "string", help: "the stack" },
        out: { type: "string", help: "the folder" },
        force: { type: "boolean", help: "no questions" },
      },
      required: ["stack"],
    });
    expect(text.split("\n")[0]).to.equal("usage: npm run render -- --stack <stack> [--out <out>] [--force]");
    expect(text).to.contain("  --stack <stack>  the stack\n").and.contain("  -h, --help       print this help and exit\n");
  });

  it("a script without flags shows the command a user types, without npm's dangling --", () => {
    const text = usage({ command: "npm run golden --", summary: "Regenerates.", options: {} });
    expect(text.split("\n")[0]).to.equal("usage: npm run golden");
  });
});
