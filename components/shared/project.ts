/**
 * The project's own words that the program, the offline tools, the policy pack and the tests
 * all use: its name and the type tokens of the resources it registers. A leaf: it imports
 * nothing. (Config keys: ../config/keys.ts; Kubernetes object names: ../backend/names.ts.)
 */

/** The Pulumi project name (`name` in Pulumi.yaml), and so the namespace of its stack-config keys. */
export const PROJECT = "smartem";

/** Type tokens of the resources the program registers, and of what the engine hands it (stack references, providers). */
export const TYPES = {
  /** Our components: `smartem:<module>:<Name>`. */
  backend: `${PROJECT}:backend:Backend`,
  releaseGate: `${PROJECT}:release:ReleaseGate`,
  legacyTagProtection: `${PROJECT}:release:LegacyTagProtection`,
  pythonPackageRelease: `${PROJECT}:release:PythonPackageRelease`,
  deliveryEnvironments: `${PROJECT}:delivery:DeliveryEnvironments`,

  repositoryFile: "github:index/repositoryFile:RepositoryFile",
  ruleset: "github:index/repositoryRuleset:RepositoryRuleset",
  environment: "github:index/repositoryEnvironment:RepositoryEnvironment",
  deploymentPolicy: "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
  githubProvider: "pulumi:providers:github",

  namespace: "kubernetes:core/v1:Namespace",
  configMap: "kubernetes:core/v1:ConfigMap",
  pod: "kubernetes:core/v1:Pod",
  secret: "kubernetes:core/v1:Secret",
  service: "kubernetes:core/v1:Service",
  deployment: "kubernetes:apps/v1:Deployment",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  daemonSet: "kubernetes:apps/v1:DaemonSet",
  replicaSet: "kubernetes:apps/v1:ReplicaSet",
  job: "kubernetes:batch/v1:Job",
  cronJob: "kubernetes:batch/v1:CronJob",
  kubernetesProvider: "pulumi:providers:kubernetes",

  randomPassword: "random:index/randomPassword:RandomPassword",
  randomString: "random:index/randomString:RandomString",
  stackReference: "pulumi:pulumi:StackReference",
} as const;

/** Invoke tokens of the data sources the program reads. */
export const INVOKES = {
  /** The engine's own: a stack's resources as its last checkpoint has them. */
  readStackResourceOutputs: "pulumi:pulumi:readStackResourceOutputs",
  repositoryEnvironments: "github:index/getRepositoryEnvironments:getRepositoryEnvironments",
  deploymentPolicies: "github:index/getRepositoryEnvironmentDeploymentPolicies:getRepositoryEnvironmentDeploymentPolicies",
} as const;
