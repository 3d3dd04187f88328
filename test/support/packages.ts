/** A second package, to prove the release machinery is generic: EPUPlayer in smartem-devtools. */
import { PythonPackageInput } from "../../components/release/package";

export const EPUPLAYER = {
  name: "smartem-epuplayer",
  repository: "smartem-devtools",
  tagPrefix: "epuplayer-v",
  paths: ["packages/smartem-epuplayer/**"],
  workflowFile: "release-epuplayer.yml",
  workingDirectory: "packages/smartem-epuplayer",
  testPaths: ["tests"],
  lintPaths: ["src"],
  windowsExe: {
    name: "epuplayer",
    entryPoint: "src/smartem_epuplayer/__main__.py",
    assetPrefix: "epuplayer-windows-v",
  },
} as const satisfies PythonPackageInput;
