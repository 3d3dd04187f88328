"""Runs the release workflow's version script for many cases in this one Python process.

stdin: {"script": <the script>, "cases": [{"env": {...}, "cwd": <dir or null>,
        "fake": {"head": <sha>, "tags": [{"name", "commit", "merged"}], "scm": <version>} or null}]}
stdout: a JSON list, per case: {"status": <exit status>, "stdout": <printed>, "outputs": <GITHUB_OUTPUT text>}

With "fake", git and setuptools_scm are answered from the case (no process is started);
without it, the script runs its real commands in "cwd".
"""
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile

real_run = subprocess.run


def fake_run(fake):
    def run(args, **_):
        args = [str(a) for a in args]
        if args[:3] == ["git", "tag", "--merged"]:
            out = "\n".join(t["name"] for t in fake["tags"] if t["merged"])
        elif args[:2] == ["git", "for-each-ref"]:
            out = "\n".join(f"{t['name']}\t{t['commit']}\t" for t in fake["tags"])
        elif args == ["git", "rev-parse", "HEAD"]:
            out = fake["head"]
        elif args[1:] == ["-m", "setuptools_scm"]:
            out = fake["scm"]
        else:
            raise RuntimeError(f"unexpected command {args}")
        return subprocess.CompletedProcess(args, 0, stdout=out + "\n", stderr="")

    return run


def main():
    request = json.load(sys.stdin)
    code = compile(request["script"], "version-script", "exec")
    results = []
    base_env, base_cwd = dict(os.environ), os.getcwd()
    with tempfile.TemporaryDirectory() as temp:
        for i, case in enumerate(request["cases"]):
            output = os.path.join(temp, f"output-{i}")
            open(output, "w").close()
            os.environ.clear()
            os.environ.update(base_env)
            os.environ.update(case["env"])
            os.environ["GITHUB_OUTPUT"] = output
            os.chdir(case.get("cwd") or base_cwd)
            subprocess.run = fake_run(case["fake"]) if case.get("fake") else real_run
            printed = io.StringIO()
            status = 0
            try:
                with contextlib.redirect_stdout(printed):
                    exec(code, {"__name__": "__main__"})
            except SystemExit as stop:
                status = stop.code if isinstance(stop.code, int) else 1
            finally:
                subprocess.run = real_run
            with open(output, encoding="utf-8") as f:
                results.append({"status": status, "stdout": printed.getvalue(), "outputs": f.read()})
    json.dump(results, sys.stdout)


main()
