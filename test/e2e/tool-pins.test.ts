import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

interface Unavailable {
  lockfile: string;
  built: string | null;
  reason: string;
}
interface Pin {
  goMod: string | null;
  module: string;
  unavailable?: Unavailable;
}

const PACKAGES = ["@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/random", "@pulumi/github"];

function lockfileVersion(name: string): string {
  const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
  const entry = lock.packages?.[`node_modules/${name}`];
  if (!entry?.version) throw new Error(`${name} is not in package-lock.json`);
  return entry.version;
}

/** The version a go.mod requires of a module (from a `require` line or block), or undefined. */
export function goModRequire(goMod: string, module: string): string | undefined {
  let inBlock = false;
  for (const raw of goMod.split("\n")) {
    const line = raw.replace(/\/\/.*$/, "").trim();
    if (line === "require (") inBlock = true;
    else if (inBlock && line === ")") inBlock = false;
    else if (inBlock || line.startsWith("require ")) {
      const fields = (inBlock ? line : line.slice("require ".length).trim()).split(/\s+/);
      if (fields[0] === module && fields[1]) return fields[1];
    }
  }
  return undefined;
}

/** The module path a go.mod declares (its `module` line). */
export function goModModule(goMod: string): string | undefined {
  return /^module\s+(\S+)/m.exec(goMod)?.[1];
}

const pins: Record<string, Pin> = JSON.parse(readFileSync(path.join(ROOT, "e2e/tools/pins.json"), "utf8")).packages;

describe("e2e tool pins follow the lockfile", () => {
  it("reads a go.mod's require lines and blocks", () => {
    const goMod = "module x\n\ngo 1.26\n\nrequire a.example/b v1.2.3\n\nrequire (\n\tc.example/d/v4 v4.0.1 // indirect\n)\n";
    expect(goModRequire(goMod, "a.example/b")).to.equal("v1.2.3");
    expect(goModRequire(goMod, "c.example/d/v4")).to.equal("v4.0.1");
    expect(goModRequire(goMod, "c.example/d")).to.equal(undefined);
    expect(goModModule(goMod)).to.equal("x");
  });

  it("has a pin for every npm package with a CLI or provider", () => {
    expect(Object.keys(pins).sort()).to.deep.equal([...PACKAGES].sort());
  });

  for (const name of PACKAGES) {
    it(`${name}: the e2e Go module builds the lockfile's version (or records why it cannot)`, () => {
      const pin = pins[name];
      const locked = lockfileVersion(name);
      const goMod = pin.goMod ? readFileSync(path.join(ROOT, pin.goMod), "utf8") : "";
      const pinned = pin.goMod ? goModRequire(goMod, pin.module) : undefined;
      // Our own stand-in: the go.mod is the module `built` names, and owes nothing to the upstream one.
      const standIn = pin.goMod !== null && pin.unavailable?.built != null && goModModule(goMod) === pin.unavailable.built;
      if (pin.goMod && !standIn) expect(pinned, `${pin.goMod} requires ${pin.module}`).to.be.a("string");
      if (pin.unavailable) {
        // A recorded exception holds only for the lockfile version it was checked against.
        expect(
          pin.unavailable.lockfile,
          `package-lock.json moved ${name} to ${locked}: check whether the Go module proxy serves ` +
            `${pin.module} v${locked}, pin it and drop the "unavailable" record in e2e/tools/pins.json`,
        ).to.equal(locked);
        const built = pin.unavailable.built;
        if (standIn) {
          expect(pinned, `${pin.goMod} is the stand-in ${built}; it must not require ${pin.module}`).to.equal(undefined);
        } else {
          expect(pinned, `${pin.goMod ?? "no go.mod"} must build the recorded substitute`).to.equal(
            built === null ? undefined : `v${built}`,
          );
        }
      } else {
        expect(pinned, `${pin.goMod} pins ${pin.module} ${pinned}, package-lock.json has ${name} ${locked}`).to.equal(
          `v${locked}`,
        );
      }
      if (pin.goMod) expect(existsSync(path.join(ROOT, pin.goMod.replace(/go\.mod$/, "go.sum")))).to.equal(true);
    });
  }
});
