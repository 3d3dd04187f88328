/** The clock of a real run: the system's, or a test's SMARTEM_TEST_NOW against a loopback cluster only. */
import { expect } from "chai";
import { clusterServer, isLoopback, runClock } from "../../components/backend/run-clock";
import { kubeconfigFor } from "../support/promotion";

const SYSTEM = new Date("2026-12-02T12:00:00Z");
const system = (): Date => SYSTEM;

describe("the clock of a run", () => {
  it("is the system clock unless SMARTEM_TEST_NOW is set", () => {
    expect(runClock({}, kubeconfigFor("https://k8s.example:6443"), undefined, system)).to.deep.equal({
      now: SYSTEM,
      overridden: false,
    });
    expect(runClock({ SMARTEM_TEST_NOW: "" }, kubeconfigFor("https://k8s.example:6443"), undefined, system)).to.deep.equal({
      now: SYSTEM,
      overridden: false,
    });
  });

  for (const server of ["https://127.0.0.1:6443", "https://localhost:32768", "https://[::1]:6443", "https://127.3.2.1"]) {
    it(`is moved by SMARTEM_TEST_NOW against ${server}`, () => {
      const clock = runClock({ SMARTEM_TEST_NOW: "2026-12-03T10:00:00Z" }, kubeconfigFor(server), undefined, system);
      expect(clock).to.deep.equal({ now: new Date("2026-12-03T10:00:00Z"), overridden: true });
    });
  }

  it("refuses SMARTEM_TEST_NOW against any other cluster, naming it", () => {
    for (const [kubeconfig, context] of [
      [kubeconfigFor("https://k8s.example:6443"), undefined],
      [kubeconfigFor("https://127.0.0.1:6443"), "prod"],
      [kubeconfigFor("https://127.0.0.1.nip.io:6443"), undefined],
      ["not: [a, kubeconfig", undefined],
    ] as const) {
      const clock = runClock({ SMARTEM_TEST_NOW: "2026-12-03T10:00:00Z" }, kubeconfig, context, system);
      expect("problems" in clock && clock.problems, kubeconfig).to.have.length(1);
      const [problem] = "problems" in clock ? clock.problems : [];
      expect(problem).to.include({ key: "SMARTEM_TEST_NOW", value: '"2026-12-03T10:00:00Z"' });
      expect(problem!.message).to.match(
        /only a test against a cluster on this machine's loopback interface may do, and this run deploys to .*; unset SMARTEM_TEST_NOW$/,
      );
    }
  });

  it("refuses a SMARTEM_TEST_NOW that is not an RFC 3339 time", () => {
    for (const text of ["tomorrow", "2026-12-03", "2026-12-03T10:00:00", "2026-13-03T10:00:00Z"]) {
      const clock = runClock({ SMARTEM_TEST_NOW: text }, kubeconfigFor("https://127.0.0.1:6443"), undefined, system);
      expect("problems" in clock && clock.problems[0]!.message, text).to.match(/^not a time; allowed: an RFC 3339 time/);
    }
  });

  it("reads the server of the context in use", () => {
    expect(clusterServer(kubeconfigFor("https://127.0.0.1:6443"), undefined)).to.equal("https://127.0.0.1:6443");
    expect(clusterServer(kubeconfigFor("https://127.0.0.1:6443"), "prod")).to.equal("https://prod.example:6443");
    expect(clusterServer(kubeconfigFor("https://127.0.0.1:6443"), "missing")).to.equal(undefined);
    expect(isLoopback("not a url")).to.equal(false);
  });
});
