/**
 * The policy pack `pulumi preview --policy-pack policy` loads. Constructing a PolicyPack
 * starts a gRPC server that keeps the process alive, so nothing else imports this file:
 * the tests and the offline render use ./policies directly.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("smartem-release-infra", { policies: [...policies] });
