/**
 * Pulumi entry point. `pulumi preview/up` and the offline engine
 * (components/engine/evaluate.ts) both call the exported function.
 */
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "./components/program";

export = async (): Promise<Record<string, unknown>> => runProgram(pulumi.getStack(), pulumi.runtime.allConfig());
