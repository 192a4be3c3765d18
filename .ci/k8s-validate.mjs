// Validates rendered Kubernetes manifests offline (no cluster here): every object against the Kubernetes
// API schemas (npm kubernetes-models, @kubernetes-models/* for the ServiceMonitor and CloudNativePG
// CRDs), then the project's rules for workloads. Prints one line per problem and exits 1 if there is any.
//   node k8s-validate.mjs <rendered.yaml> [<label>]
// Run from a folder whose node_modules holds those packages (bash .ci/k8s installs them).
import { readFileSync } from "node:fs";
import yaml from "js-yaml";

const [file, label = file] = process.argv.slice(2);
const documents = yaml.loadAll(readFileSync(file, "utf8")).filter((d) => d);
const problems = [];
const problem = (object, text) =>
  problems.push(`${label}: ${object?.kind ?? "?"}/${object?.metadata?.name ?? "?"}: ${text}`);

// apiVersion → the module that models it.
function moduleOf(apiVersion) {
  if (apiVersion.startsWith("monitoring.coreos.com/")) {
    return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  }
  if (apiVersion.startsWith("postgresql.cnpg.io/")) {
    return `@kubernetes-models/cloudnative-pg/${apiVersion}`;
  }
  return `kubernetes-models/${apiVersion}`;
}

// --- 1. The API schemas ---------------------------------------------------------------------------
for (const object of documents) {
  if (!object.apiVersion || !object.kind) {
    problem(object, "not a Kubernetes object (apiVersion and kind are required)");
    continue;
  }
  let models;
  try {
    models = await import(moduleOf(object.apiVersion));
  } catch {
    problem(object, `unknown apiVersion ${object.apiVersion}`);
    continue;
  }
  const Model = models[object.kind];
  if (!Model) {
    problem(object, `unknown kind ${object.kind} in ${object.apiVersion}`);
    continue;
  }
  try {
    new Model(object).validate();
  } catch (e) {
    problem(object, `schema: ${e.message}`);
  }
}

// --- 2. The project's rules -----------------------------------------------------------------------
const SECRETISH = /(PASSWORD|SECRET|TOKEN|PRIVATE|_KEY$)/i;

function podSpecOf(object) {
  switch (object.kind) {
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
    case "Job":
      return object.spec?.template?.spec;
    case "CronJob":
      return object.spec?.jobTemplate?.spec?.template?.spec;
    case "Pod":
      return object.spec;
    default:
      return null;
  }
}

for (const object of documents) {
  if (object.kind === "Secret" && (object.data || object.stringData)) {
    problem(object, "secret values inline: create Secrets out of band, never from the repository");
  }
  if (object.kind === "ConfigMap") {
    for (const name of Object.keys(object.data ?? {})) {
      if (SECRETISH.test(name) && !name.endsWith("_FILE")) {
        problem(object, `ConfigMap key ${name} looks like a secret: use a Secret`);
      }
    }
  }
  const pod = podSpecOf(object);
  if (!pod) continue;
  const podSecurity = pod.securityContext ?? {};
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) {
    problem(object, "host namespaces (hostNetwork, hostPID, hostIPC) are not allowed");
  }
  if (pod.automountServiceAccountToken !== false) {
    problem(object, "automountServiceAccountToken must be false (the gateway calls no Kubernetes API)");
  }
  for (const container of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const where = `container ${container.name}`;
    const security = container.securityContext ?? {};
    const image = String(container.image ?? "");
    const tag = image.includes("@") ? "digest" : image.split("/").pop().split(":")[1];
    if (!tag) problem(object, `${where}: image ${image} has no tag (pin a version or a digest)`);
    else if (tag === "latest") problem(object, `${where}: image ${image} uses the latest tag`);
    if (security.privileged === true) problem(object, `${where}: privileged containers are not allowed`);
    if (security.allowPrivilegeEscalation !== false) {
      problem(object, `${where}: securityContext.allowPrivilegeEscalation must be false`);
    }
    if (security.readOnlyRootFilesystem !== true) {
      problem(object, `${where}: securityContext.readOnlyRootFilesystem must be true`);
    }
    if ((security.runAsNonRoot ?? podSecurity.runAsNonRoot) !== true) {
      problem(object, `${where}: runAsNonRoot must be true (container or pod securityContext)`);
    }
    if ((security.runAsUser ?? podSecurity.runAsUser) === 0) {
      problem(object, `${where}: runAsUser 0 is root`);
    }
    if (!(security.capabilities?.drop ?? []).includes("ALL")) {
      problem(object, `${where}: securityContext.capabilities.drop must include ALL`);
    }
    if ((security.capabilities?.add ?? []).length > 0) {
      problem(object, `${where}: adding capabilities is not allowed`);
    }
    const seccomp = security.seccompProfile?.type ?? podSecurity.seccompProfile?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
      problem(object, `${where}: seccompProfile must be RuntimeDefault`);
    }
    for (const kind of ["requests", "limits"]) {
      for (const resource of ["cpu", "memory"]) {
        if (!container.resources?.[kind]?.[resource]) {
          problem(object, `${where}: resources.${kind}.${resource} is missing`);
        }
      }
    }
    if (object.kind === "Deployment" || object.kind === "StatefulSet") {
      for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
        if (!container[probe]) problem(object, `${where}: ${probe} is missing`);
      }
    }
    for (const variable of container.env ?? []) {
      if (variable.value !== undefined && SECRETISH.test(variable.name) && !variable.name.endsWith("_FILE")) {
        problem(object, `${where}: env ${variable.name} has an inline value: take it from a Secret`);
      }
    }
  }
}

if (problems.length > 0) {
  for (const line of problems) console.error(line);
  process.exit(1);
}
console.log(`${label}: ${documents.length} objects valid (API schemas and project rules)`);
